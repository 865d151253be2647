/**
 * The Redis (or Valkey) that the replicas of one deployment share, as every
 * part of shared/ uses it: never in the way of an answer.
 *
 * 1. Every command is bounded (`timeoutMs`) and nothing is queued while
 *    Redis is away (ioredis's offline queue is off): a command either
 *    answers soon or fails at once.
 * 2. A failure makes this replica work on its own for `RESTING_MS`: no
 *    command is even tried (so a slow Redis costs each operation nothing,
 *    not a timeout each), then the next command tries again. The change is
 *    logged once each way and `rhev_shared_cache_up` says which it is.
 * 3. `attempt` is the only way in: it answers undefined where Redis could
 *    not, and every caller has a local way for that case. Callers see no
 *    error because Redis is down.
 * 4. Keys and channels all begin with the deployment's prefix, so several
 *    deployments can share one Redis.
 *
 * What is kept here holds no password, token or engine session: those stay
 * in each replica's memory (README, "Several replicas").
 */
import { Redis } from 'ioredis';

/** How long a replica works on its own after Redis failed it, before trying again. */
export const RESTING_MS = 3000;

export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface StoreOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  readonly logger: StoreLogger;
  /** Told when Redis becomes usable (true) or not (false). */
  readonly onUp?: (up: boolean) => void;
}

/** The URL as logs may show it: no user, no password. */
export function redactedRedisUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}

export class SharedStore {
  private readonly commands: Redis;
  /** The connection that listens (a subscribed Redis connection can do nothing else); made on first use. */
  private listener?: Redis;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private restingUntil = 0;
  /** What was last reported: usable or not (undefined before the first word either way). */
  private reported: boolean | undefined;
  private closed = false;
  /** Work close() lets finish first (track). */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: StoreOptions) {
    this.commands = new Redis(options.url, this.clientOptions());
    this.commands.on('ready', () => this.report(true));
    this.commands.on('error', (e: Error) => this.report(false, e.message));
    this.commands.on('close', () => this.report(false, 'the connection closed'));
  }

  private clientOptions() {
    return {
      enableOfflineQueue: false,
      commandTimeout: this.options.timeoutMs,
      connectTimeout: Math.max(1000, this.options.timeoutMs * 4),
      maxRetriesPerRequest: 0,
      // Reconnect for ever, at most every 2 s: Redis coming back is noticed without a restart.
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
      lazyConnect: false,
    };
  }

  /** True while commands are tried (Redis answered lately, or the rest after a failure is over). */
  get up(): boolean {
    return !this.closed && this.commands.status === 'ready' && Date.now() >= this.restingUntil;
  }

  /** Resolves once Redis is usable, or after `ms` (true: usable): a replica starting waits this long to share from its first request. */
  async connected(ms = Math.max(1000, this.options.timeoutMs * 4)): Promise<boolean> {
    if (this.up) return true;
    await new Promise<void>((resolve) => {
      // Ready, or the first try failed (Redis is away: the replica starts on its own now, not after `ms`).
      const done = () => {
        clearTimeout(timer);
        this.commands.off('ready', done);
        this.commands.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.commands.once('ready', done);
      this.commands.once('error', done);
    });
    return this.up;
  }

  /** A key or channel of this deployment. */
  key(...parts: (string | number)[]): string {
    return `${this.options.keyPrefix}${parts.join(':')}`;
  }

  /** Runs commands against Redis; undefined when Redis is away, slow or failed (logged once, then rested). */
  async attempt<T>(run: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.up) return undefined;
    try {
      const answer = await run(this.commands);
      this.report(true);
      return answer;
    } catch (e) {
      this.restingUntil = Date.now() + RESTING_MS;
      this.report(false, (e as Error).message);
      return undefined;
    }
  }

  /** Sends a message to every replica listening on `channel` (this one included); false when Redis is away. */
  async publish(channel: string, message: string): Promise<boolean> {
    return (await this.attempt((r) => r.publish(this.key(channel), message))) !== undefined;
  }

  /** Calls `handler` with each message on `channel` until the returned function is called. */
  listen(channel: string, handler: (message: string) => void): () => void {
    const name = this.key(channel);
    let set = this.handlers.get(name);
    if (!set) {
      this.handlers.set(name, (set = new Set()));
      void this.listening()
        .subscribe(name)
        .catch(() => undefined);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size || this.handlers.get(name) !== set) return;
      this.handlers.delete(name);
      void this.listener?.unsubscribe(name).catch(() => undefined);
    };
  }

  private listening(): Redis {
    if (this.listener) return this.listener;
    // A subscribed connection is kept subscribed across reconnects by ioredis; its messages come here.
    const l = new Redis(this.options.url, { ...this.clientOptions(), enableOfflineQueue: true, commandTimeout: undefined });
    l.on('error', () => undefined);
    l.on('message', (channel: string, message: string) => {
      for (const h of [...(this.handlers.get(channel) ?? [])]) h(message);
    });
    this.listener = l;
    return l;
  }

  /** Logs and reports a change between usable and not, once each way. */
  private report(up: boolean, reason?: string): void {
    if (this.closed || up === this.reported) return;
    this.reported = up;
    this.options.onUp?.(up);
    const where = redactedRedisUrl(this.options.url);
    if (up) this.options.logger.info({ redis: where }, 'sharing with the other replicas through Redis');
    else
      this.options.logger.warn(
        { redis: where, reason: reason?.slice(0, 200) },
        'Redis is unreachable or slow: working on our own until it is back (callers see no difference)',
      );
  }

  /** Keeps `work` (a lease given back, say) from being cut off by close(): close waits for it, a little. */
  track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
  }

  /** Waits (at most one command timeout) for tracked work, then leaves Redis. */
  async close(): Promise<void> {
    if (this.pending.size)
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, this.options.timeoutMs).unref())]);
    this.closed = true;
    this.commands.disconnect();
    this.listener?.disconnect();
  }
}
