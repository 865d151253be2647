/**
 * Read-your-writes across replicas: a write through any replica ends every
 * replica's freshness windows before its answer is given.
 *
 * The local Generation (rhev/fresh.ts) ends this process's windows. Here it
 * is tied to one counter in Redis:
 *
 * 1. A change made through this replica (a write, an event its watcher read)
 *    increments the counter, and the write's answer waits for that (the
 *    connection awaits `Generation.changed()`).
 * 2. Before each operation, a replica reads the counter (`sync`); if it moved
 *    since it last looked, another replica changed something, and this one
 *    starts a new local generation: nothing kept before is served.
 *
 * So a caller who was answered by replica A and then asks replica B is
 * served by B only what B reads after A's change: B's look at the counter
 * comes after A's increment, which came before A's answer. The counter is
 * also part of every shared window key (shared/reads.ts), so an answer read
 * before a change is never taken from Redis after it.
 *
 * While Redis is away each replica keeps its own generation (its own writes
 * are still read back at once through it; another replica's, within the
 * window); when Redis is back, the first look finds the counter moved and
 * starts afresh.
 */
import type { Generation } from '../rhev/index.ts';
import type { SharedStore } from './store.ts';

export class SharedGeneration {
  /** The counter as this replica last saw it (undefined: not yet, or Redis was away). */
  private seen: number | undefined;
  private readonly stop: () => void;

  constructor(
    private readonly store: SharedStore,
    private readonly local: Generation,
  ) {
    this.stop = local.onChange(() => this.announce());
  }

  /** The shared counter as last seen: what shared keys are made with (undefined: do not share now). */
  get current(): number | undefined {
    return this.store.up ? this.seen : undefined;
  }

  /** Before an operation: a change another replica made since we last looked ends our windows. */
  async sync(): Promise<void> {
    const value = await this.store.attempt((r) => r.get(this.store.key('generation')));
    if (value === undefined) {
      this.seen = undefined;
      return;
    }
    this.observe(Number(value ?? 0), false);
  }

  /** A change made here: the counter moves, and this resolves once it has (or Redis could not). */
  private async announce(): Promise<void> {
    const value = await this.store.attempt((r) => r.incr(this.store.key('generation')));
    if (value === undefined) this.seen = undefined;
    else this.observe(value, true);
  }

  /**
   * The counter is `value`. A move we did not make ends our windows; our own
   * increment is expected to move it by exactly one from what we saw (more:
   * others changed something too).
   */
  private observe(value: number, ours: boolean): void {
    const expected = this.seen === undefined ? undefined : this.seen + (ours ? 1 : 0);
    if (expected === undefined || value !== expected) this.local.bump();
    this.seen = value;
  }

  close(): void {
    this.stop();
  }
}
