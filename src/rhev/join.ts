/**
 * Joining identical work in flight, with cancellation that respects every
 * caller.
 *
 * Fifty dashboards of one credential asking for the same list at the same
 * moment should cost the engine one request. Joining them is easy; letting
 * each leave on its own is the part that needs care:
 *
 * 1. The first caller of a key starts the work with a signal of the joiner's
 *    own (not the caller's: the work now belongs to everyone who joins).
 * 2. Each caller, the first included, waits on the shared promise through a
 *    gate of its own that also listens to the caller's signal. A caller whose
 *    signal aborts leaves at once, with Aborted, whatever the others do.
 * 3. When the last caller has left, nobody wants the work: its signal is
 *    aborted (the engine request ends and its socket is given back) and the
 *    key is forgotten at once, so a caller arriving later starts afresh
 *    instead of joining work that is being torn down.
 * 4. When the work settles, the key is forgotten too; every caller still
 *    waiting gets its result.
 *
 * A caller without a signal never leaves early; the work still ends by its
 * own bounds (the transport's total timeout).
 */
import { setMaxListeners } from 'node:events';
import { Aborted } from './errors.ts';

interface Pending<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

export class Joiner<T> {
  private readonly pending = new Map<string, Pending<T>>();
  /** Callers that joined work already in flight instead of starting their own. */
  joined = 0;

  /** Runs `start` for `key`, or joins the run already in flight for it. */
  run(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(Aborted.by(signal, 'The request'));
    let entry = this.pending.get(key);
    if (entry) {
      this.joined++;
    } else {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const promise = start(controller.signal);
      const created: Pending<T> = { promise, controller, waiters: 0 };
      entry = created;
      this.pending.set(key, created);
      const forget = () => {
        if (this.pending.get(key) === created) this.pending.delete(key);
      };
      promise.then(forget, forget);
    }
    return this.wait(key, entry, signal);
  }

  /** How many keys are in flight (for tests). */
  get size(): number {
    return this.pending.size;
  }

  private wait(key: string, entry: Pending<T>, signal: AbortSignal | undefined): Promise<T> {
    entry.waiters++;
    if (!signal)
      return entry.promise.finally(() => {
        entry.waiters--;
      });
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return false;
        left = true;
        signal.removeEventListener('abort', onAbort);
        entry.waiters--;
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        reject(Aborted.by(signal, 'The request'));
        if (entry.waiters === 0) {
          if (this.pending.get(key) === entry) this.pending.delete(key);
          entry.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (v) => {
          if (leave()) resolve(v);
        },
        (e) => {
          if (leave()) reject(e);
        },
      );
    });
  }
}
