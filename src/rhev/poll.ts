/**
 * The client's one polling loop, for waiting on the engine (a status to be
 * reached, an asynchronous action to complete): ask, and until the answer
 * is there sleep, from `intervalMs` doubling up to `maxIntervalMs`, with
 * ±20% jitter so that many waiters do not poll the engine in step, until
 * `timeoutS` seconds have passed. The sleeps end at once on the signal.
 */
import { abortableSleep } from './transport.ts';

export interface PollOptions {
  readonly intervalMs: number;
  readonly maxIntervalMs: number;
  /** Give up after this many seconds; undefined: never. */
  readonly timeoutS?: number;
  readonly signal?: AbortSignal;
  /** The first answer is already known: sleep before the first question. */
  readonly sleepFirst?: boolean;
}

/** `check()` until it answers something other than undefined; undefined when the time is up. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, o: PollOptions): Promise<T | undefined> {
  const deadline = o.timeoutS === undefined ? Infinity : Date.now() + o.timeoutS * 1000;
  let delay = o.intervalMs;
  for (let first = true; ; first = false) {
    if (!(first && o.sleepFirst)) {
      const answer = await check();
      if (answer !== undefined) return answer;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    await abortableSleep(Math.min(remaining, delay * (0.8 + Math.random() * 0.4)), o.signal);
    delay = Math.min(delay * 2, o.maxIntervalMs);
  }
}
