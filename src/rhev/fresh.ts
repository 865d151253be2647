/**
 * Answers kept fresh for a short window: how a hundred dashboards of one
 * credential cost the engine what one costs.
 *
 * Joining (join.ts) shares a request among callers who ask at the same
 * moment. Dashboards do not ask at the same moment: fifty of them polling
 * every ten seconds ask at fifty different moments. What they can share is
 * an answer that is recent enough. The rules, in the order a lookup applies
 * them:
 *
 * 1. An answer is kept under the request that fetched it (URL and headers),
 *    with the moment the request was *sent*: the engine's state is at least
 *    that old, whenever the answer arrived.
 * 2. It is served while younger than the window (`windowMs`); a window of 0
 *    keeps nothing.
 * 3. Everything the window holds belongs to one generation. A change we know
 *    of (a write through any connection that shares the generation, an event
 *    in the engine's feed) starts a new generation, and from then on nothing
 *    kept before is served.
 * 4. An answer whose request was sent in an older generation than the current
 *    one is not kept at all: it may have been read before the change and
 *    arrived after it.
 *
 * An answer built from kept answers (a GraphQL answer from engine lists) is
 * as old as the oldest of them: it is kept with that moment, not its own.
 *
 * 5. What can no longer be served is let go: a timer (one per window, not
 *    holding the process open) drops expired and superseded answers a window
 *    after they were kept, so a 10,000-VM list read once does not stay in
 *    memory until someone asks for it again.
 * 6. A window given a grace (`graceMs`) keeps an answer that long past its
 *    end, still of its generation, for `getExpiring`: the expiring answer a
 *    caller may be given while a fresh one is being made (stale while
 *    revalidating; the server's shared answers use it, one window long).
 *    `get` never serves it.
 *
 * Rules 3 and 4 make our own writes visible at once (read-your-writes, for
 * every credential of a server); changes made elsewhere are seen when the
 * window ends or when the event feed reports them, whichever comes first.
 *
 * What is kept is shared: callers must not change it (the server's resolvers
 * only read; a script that opts in must copy before editing).
 */

import type { Doc } from '../xml/index.ts';
import { Sweeper } from './sweeper.ts';

/**
 * A generation counter shared by every window that must forget together.
 *
 * Other processes may need to forget too (replicas sharing a Redis,
 * shared/generation.ts): they are told through `onChange` listeners, and a
 * change made here (`changed()`) resolves once they have been told, so a
 * write answers only after every replica will see its effect.
 */
export class Generation {
  private n = 0;
  private readonly listeners = new Set<() => Promise<void>>();
  /** Times something was changed: a new generation began. */
  get current(): number {
    return this.n;
  }
  /** Something changed: nothing kept before this moment may be served (here). */
  bump(): void {
    this.n++;
  }
  /** Something changed through this process: bumps, then tells the listeners and waits for them (they never throw). */
  async changed(): Promise<void> {
    this.bump();
    if (this.listeners.size) await Promise.all([...this.listeners].map((l) => l()));
  }
  /** Calls `listener` at every `changed()`; returns how to stop. */
  onChange(listener: () => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** An engine answer as read and parsed, not yet bound: what processes can share. */
export interface ReadAnswer {
  readonly doc: Doc;
  /** When its request was sent (rule 1). */
  readonly sentAt: number;
}

/**
 * Answers read by other processes for the same credential (replicas sharing
 * a Redis, shared/reads.ts), asked when this process's own window has none.
 */
export interface SharedReads {
  /**
   * The answer to `key` that another process read within the window; else
   * `read()`'s, which it may share with the others (and which only one of
   * them reads from the engine at a time, the rest waiting for it).
   */
  read(key: string, read: () => Promise<ReadAnswer | undefined>): Promise<ReadAnswer | undefined>;
}

interface Kept<T> {
  readonly value: T;
  readonly sentAt: number;
  readonly generation: number;
}

/** What a caller holds while its request is out: when and in which generation it was sent. */
export interface Stamp {
  readonly sentAt: number;
  readonly generation: number;
}

export class FreshWindow<T> {
  private readonly kept = new Map<string, Kept<T>>();
  /** The sweep of rule 5, while anything is kept. */
  private readonly sweeper: Sweeper;
  /** Answers served from the window, and lookups that found none fresh. */
  hits = 0;
  misses = 0;

  constructor(
    readonly windowMs: number,
    readonly generation: Generation = new Generation(),
    /** At most this many answers are kept; the oldest go first (a Map keeps insertion order). */
    private readonly maxEntries = 256,
    private readonly now: () => number = Date.now,
    /** How long past the window an answer is kept for `getExpiring` (rule 6). */
    readonly graceMs = 0,
  ) {
    this.sweeper = new Sweeper(windowMs, () => {
      this.sweep();
      return this.kept.size > 0;
    });
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** A fresh answer to `key` (rules 2 and 3), or undefined. */
  get(key: string): T | undefined {
    return this.lookup(key)?.value;
  }

  /** A fresh answer with the moment its request was sent: how old what it says is. */
  getDated(key: string): { value: T; sentAt: number } | undefined {
    return this.lookup(key);
  }

  private lookup(key: string): Kept<T> | undefined {
    if (!this.enabled) return undefined;
    const k = this.kept.get(key);
    if (k && k.generation === this.generation.current && this.now() - k.sentAt < this.windowMs) {
      this.hits++;
      return k;
    }
    if (k && !this.expiring(k)) this.kept.delete(key);
    this.misses++;
    return undefined;
  }

  /** An answer past the window but within its grace, of the current generation (rule 6), with its date; else undefined. */
  getExpiring(key: string): { value: T; sentAt: number } | undefined {
    const k = this.enabled ? this.kept.get(key) : undefined;
    return k && this.expiring(k) ? k : undefined;
  }

  private expiring(k: Kept<T>): boolean {
    const age = this.now() - k.sentAt;
    return k.generation === this.generation.current && age >= this.windowMs && age < this.windowMs + this.graceMs;
  }

  /** Taken just before a request is sent (rule 1). */
  stamp(): Stamp {
    return { sentAt: this.now(), generation: this.generation.current };
  }

  /** Keeps an answer that arrived, unless a change happened while it was out (rule 4). */
  set(key: string, value: T, stamp: Stamp): void {
    if (!this.enabled || stamp.generation !== this.generation.current) return;
    this.kept.delete(key);
    this.kept.set(key, { value, ...stamp });
    while (this.kept.size > this.maxEntries) this.kept.delete(this.kept.keys().next().value!);
    this.sweeper.arm();
  }

  /** Drops what can no longer be served (rule 5); `now` for tests. */
  sweep(now = this.now()): void {
    for (const [key, k] of this.kept) {
      if (k.generation !== this.generation.current || now - k.sentAt >= this.windowMs + this.graceMs) this.kept.delete(key);
    }
  }

  /** Forgets everything (this window only; `generation.bump()` forgets in every window sharing it). */
  clear(): void {
    this.kept.clear();
    this.sweeper.stop();
  }

  get size(): number {
    return this.kept.size;
  }
}
