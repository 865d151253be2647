/**
 * One engine read per credential per window for the whole deployment.
 *
 * A replica whose own window has no answer asks here before the engine
 * (rhev/reading.ts). For one credential and one request (the read's window
 * key, with the shared generation in it: shared/generation.ts):
 *
 * 1. An answer another replica put in Redis within the window is taken as
 *    it is (encoding.ts) and bound by the asker.
 * 2. Otherwise one replica claims the read (`SET … NX`, for at most
 *    `claimMs`), reads from the engine, and puts the answer in Redis until
 *    its window ends (counted from when its request was sent), unless it is
 *    larger than `maxEntryBytes`.
 * 3. The others wait for that answer, looking every `LOOK_MS`, and read
 *    from the engine themselves only if the claim ends without one (the
 *    claimer's read failed or found nothing, or the answer was too large to
 *    put: the claim is given back at once then, not left to run out).
 *
 * Keys name the credential by its scrypt name (keys.ts) and the request by
 * a SHA-256 of its window key, so neither passwords nor URLs are in Redis.
 * Whatever Redis does, the asker gets an answer: every Redis step that fails
 * falls back to reading from the engine.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ReadAnswer, SharedReads } from '../rhev/index.ts';
import { decodeDoc, encodeDoc } from './encoding.ts';
import type { SharedGeneration } from './generation.ts';
import type { SharedStore } from './store.ts';

/** How often a replica waiting for another's read looks for its answer. */
export const LOOK_MS = 20;

export interface SharedReadSettings {
  readonly windowMs: number;
  readonly maxEntryBytes: number;
  /** The longest one replica may hold a read for the others (the engine's request timeout). */
  readonly claimMs: number;
  /** Told of what happened to each read, for metrics: from Redis, read here and put, or read here alone. */
  readonly onRead?: (how: 'shared' | 'put' | 'own') => void;
}

/** An entry as kept: when its request was sent, a bar, the document (encoding.ts). */
function pack(got: ReadAnswer): string {
  return `${got.sentAt}|${encodeDoc(got.doc)}`;
}

function unpack(text: string): ReadAnswer {
  const bar = text.indexOf('|');
  return { sentAt: Number(text.slice(0, bar)), doc: decodeDoc(text.slice(bar + 1)) };
}

export class SharedCredentialReads implements SharedReads {
  constructor(
    private readonly store: SharedStore,
    private readonly generation: SharedGeneration,
    /** The credential's name in Redis (keys.ts). */
    private readonly credential: Promise<string>,
    private readonly settings: SharedReadSettings,
  ) {}

  async read(key: string, read: () => Promise<ReadAnswer | undefined>): Promise<ReadAnswer | undefined> {
    const generation = this.generation.current;
    if (generation === undefined) return this.own(read);
    const name = this.store.key('read', await this.credential, generation, createHash('sha256').update(key).digest('base64url'));
    const kept = await this.take(name);
    if (kept) return kept;
    const claim = randomUUID();
    const claimed = await this.store.attempt((r) => r.set(`${name}:claim`, claim, 'PX', this.settings.claimMs, 'NX'));
    if (claimed === null) {
      const theirs = await this.waitFor(name);
      if (theirs) return theirs;
    }
    if (claimed !== 'OK') return this.own(read);
    // Ours to read: whatever comes of it (an answer, none, a failure), the others stop waiting at once.
    try {
      const got = await read();
      if (got) await this.put(name, got);
      else this.settings.onRead?.('own');
      return got;
    } finally {
      void this.store.attempt((r) => r.del(`${name}:claim`));
    }
  }

  /** The answer kept under `name`, decoded; undefined when there is none (or Redis is away). */
  private async take(name: string): Promise<ReadAnswer | undefined> {
    const text = await this.store.attempt((r) => r.get(name));
    if (!text) return undefined;
    this.settings.onRead?.('shared');
    return unpack(text);
  }

  /** Waits while another replica holds the read; its answer, or undefined when its claim ended without one. */
  private async waitFor(name: string): Promise<ReadAnswer | undefined> {
    const deadline = Date.now() + this.settings.claimMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, LOOK_MS));
      const kept = await this.take(name);
      if (kept) return kept;
      if (!(await this.store.attempt((r) => r.exists(`${name}:claim`)))) return undefined;
    }
    return undefined;
  }

  /** Puts an answer for the rest of its window, if it fits. */
  private async put(name: string, got: ReadAnswer): Promise<void> {
    const ttl = this.settings.windowMs - (Date.now() - got.sentAt);
    const text = pack(got);
    if (ttl <= 0 || Buffer.byteLength(text) > this.settings.maxEntryBytes) {
      this.settings.onRead?.('own');
      return;
    }
    await this.store.attempt((r) => r.set(name, text, 'PX', ttl));
    this.settings.onRead?.('put');
  }

  private async own(read: () => Promise<ReadAnswer | undefined>): Promise<ReadAnswer | undefined> {
    const got = await read();
    this.settings.onRead?.('own');
    return got;
  }
}
