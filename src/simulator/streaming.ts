/**
 * Sending a list answer as it is written (messages.ts `pieces`).
 *
 * The engine's application server buffers what the API writes and sends
 * it when the buffer fills; an answer that fits is sent whole, with its
 * length, and a longer one as a chunked stream. The simulator does the
 * same with a 64 KiB buffer: the first buffer is written before the answer
 * is counted and delayed (so a failure there is still the engine's fault
 * document, and the write counts as the engine's time), and the rest is
 * written as the socket takes it. An engine that fails in the middle of a
 * stream can only break the connection, and so does this.
 */
import type { ServerResponse } from 'node:http';
import type { EngineResponse } from './messages.ts';

const BUFFER_CHARS = 64 * 1024;

/** An answer's pieces, a buffer at a time. */
export class PieceBuffer {
  private readonly pieces: Iterator<string>;
  done = false;
  /** Milliseconds spent writing the pieces so far. */
  writeMs = 0;

  constructor(pieces: Iterable<string>) {
    this.pieces = pieces[Symbol.iterator]();
  }

  /** The next buffer's worth of the answer; '' once it is all written. */
  next(): string {
    const began = performance.now();
    let text = '';
    while (!this.done && text.length < BUFFER_CHARS) {
      const n = this.pieces.next();
      if (n.done) this.done = true;
      else text += n.value;
    }
    this.writeMs += performance.now() - began;
    return text;
  }
}

/**
 * An answer whose pieces fit in one buffer becomes an ordinary one (its
 * body); a longer one keeps the rest to stream, with its first buffer.
 * Throws what writing the first buffer throws.
 */
export function firstBuffer(r: EngineResponse): { response: EngineResponse; rest?: { head: string; buffer: PieceBuffer } } {
  if (!r.pieces) return { response: r };
  const buffer = new PieceBuffer(r.pieces);
  const head = buffer.next();
  if (buffer.done) return { response: { ...r, body: head, pieces: undefined } };
  return { response: r, rest: { head, buffer } };
}

/** Streams the answer: the first buffer, then each next one once the socket has taken the last. Answers the bytes sent. */
export async function stream(res: ServerResponse, r: EngineResponse, rest: { head: string; buffer: PieceBuffer }): Promise<number> {
  if (res.destroyed) return 0;
  res.writeHead(r.status, { ...r.headers });
  let bytes = 0;
  let chunk = rest.head;
  for (;;) {
    bytes += Buffer.byteLength(chunk);
    const flowing = res.write(chunk);
    if (rest.buffer.done) break;
    if (!flowing && !(await drained(res))) return bytes;
    try {
      chunk = rest.buffer.next();
    } catch {
      res.destroy();
      return bytes;
    }
  }
  res.end();
  return bytes;
}

/** Waits until the socket takes more: true, or false if the connection closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
