/**
 * One watcher for the deployment: of all the replicas whose subscribers of
 * one credential watch the same list (a type's whole list, or a fleet's
 * search), one reads it from the engine and the others take what it read.
 *
 * 1. Each watched list has a lease in Redis (`watch:<credential>:<list>`),
 *    held by one replica for `leaseMs` and renewed every third of that
 *    while it watches. The holder leads: it polls the engine as a replica
 *    alone would (subscriptions/watchers.ts), puts each list it reads in
 *    Redis and says so on the list's channel.
 * 2. The others follow: told on the channel, they poll at once, and their
 *    poll takes the leader's list from Redis instead of asking the engine.
 *    Their subscribers get the same events as the leader's.
 * 3. When the leader stops, the first follower to find a lease free takes
 *    it and polls: at once when the leader shut down (it gives its leases
 *    back and says so on their channels), within `leaseMs` plus a third of
 *    it when it was killed (its leases run out).
 * 4. The engine's event feed is one more lease (`events`): its leader reads
 *    the feed and passes each batch to every replica's hub of the
 *    credential, which reacts as if it had read it.
 *
 * Credentials never leave the replica: a leader polls with the credential
 * its own subscribers brought, and a list is only ever shared among the
 * replicas' hubs of that credential (names from keys.ts). With Redis away,
 * every replica leads whatever it watches (as without Redis).
 */
import { createHash } from 'node:crypto';
import type { SharedWatch } from '../subscriptions/watchers.ts';
import type { Doc } from '../xml/index.ts';
import { decodeDoc, encodeDoc } from './encoding.ts';
import type { SharedStore } from './store.ts';

/** Takes the lease when it is free, renews it when it is ours: 1 when we hold it after, 0 when another does. */
const LEAD = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return 0`;

/** Gives the lease back, if it is still ours. */
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

export interface WatchSettings {
  /** How long a lease lasts unless renewed (ms): a dead leader is replaced within about this. */
  readonly leaseMs: number;
  /** How long a leader's list stays in Redis (ms): longer than its longest poll interval. */
  readonly keepMs: number;
}

interface Followed {
  readonly news: () => void;
  readonly lead: () => void;
  leading: boolean;
  readonly stopListening: () => void;
}

export class SharedCredentialWatch implements SharedWatch {
  private readonly followed = new Map<string, Followed>();
  private readonly eventHandlers = new Set<(events: Doc[]) => void>();
  private stopEvents?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: SharedStore,
    /** The credential's name in Redis (keys.ts). */
    private readonly credential: Promise<string>,
    /** This replica, in the leases it holds. */
    private readonly replica: string,
    private readonly settings: WatchSettings,
  ) {}

  async leads(list: string): Promise<boolean> {
    const held = await this.store.attempt(async (r) =>
      r.eval(LEAD, 1, await this.name('lease', list), this.replica, this.settings.leaseMs),
    );
    // Redis away: every replica watches for itself.
    const leading = held === undefined || held === 1;
    const f = this.followed.get(list);
    if (f) f.leading = leading;
    return leading;
  }

  async publish(list: string, items: readonly Doc[]): Promise<void> {
    const text = encodeDoc({ item: items });
    const [key, channel] = [await this.name('list', list), await this.name('news', list)];
    // The channel as the store names it, prefix included: this is a raw PUBLISH.
    await this.store.attempt((r) => r.multi().set(key, text, 'PX', this.settings.keepMs).publish(channel, '1').exec());
  }

  async last(list: string): Promise<Doc[] | undefined> {
    const key = await this.name('list', list);
    const text = await this.store.attempt((r) => r.get(key));
    return text ? (decodeDoc(text).item as Doc[]) : undefined;
  }

  follow(list: string, on: { news(): void; lead(): void }): () => void {
    if (this.followed.has(list)) return () => this.unfollow(list);
    let stop: (() => void) | undefined;
    let gone = false;
    const f: Followed = {
      ...on,
      leading: false,
      stopListening: () => {
        gone = true;
        stop?.();
      },
    };
    this.followed.set(list, f);
    void this.channel('news', list).then((channel) => {
      if (gone) return;
      stop = this.store.listen(channel, () => {
        if (!f.leading) f.news();
      });
    });
    this.beat();
    return () => this.unfollow(list);
  }

  async publishEvents(events: readonly Doc[]): Promise<void> {
    await this.store.publish(await this.channel('events'), encodeDoc({ event: events }));
  }

  onEvents(handler: (events: Doc[]) => void): () => void {
    this.eventHandlers.add(handler);
    if (!this.stopEvents) {
      void this.channel('events').then((channel) => {
        if (this.closed || this.stopEvents) return;
        this.stopEvents = this.store.listen(channel, (text) => {
          const events = decodeDoc(text).event as Doc[];
          for (const h of [...this.eventHandlers]) h(events);
        });
      });
    }
    return () => this.eventHandlers.delete(handler);
  }

  /** Stops following, and gives back every lease held (a follower takes over at once). */
  close(): void {
    this.closed = true;
    for (const list of [...this.followed.keys()]) this.unfollow(list);
    this.stopEvents?.();
    this.eventHandlers.clear();
  }

  private unfollow(list: string): void {
    const f = this.followed.get(list);
    if (!f) return;
    this.followed.delete(list);
    f.stopListening();
    // Given back at once, and said on the list's channel, so that a follower takes it over now (not when it
    // would have run out); before the replica leaves Redis when it shuts down.
    if (f.leading) this.store.track(this.giveBack(list));
    if (!this.followed.size) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private async giveBack(list: string): Promise<void> {
    const [lease, news] = [await this.name('lease', list), await this.name('news', list)];
    await this.store.attempt((r) => r.multi().eval(RELEASE, 1, lease, this.replica).publish(news, 'free').exec());
  }

  /** Every third of a lease: leaders renew theirs; followers take a lease that ran out, and poll at once. */
  private beat(): void {
    if (this.heartbeat || this.closed) return;
    this.heartbeat = setInterval(
      async () => {
        for (const [list, f] of [...this.followed]) {
          const was = f.leading;
          if ((await this.leads(list)) && !was && this.followed.get(list) === f) f.lead();
        }
      },
      Math.max(50, Math.floor(this.settings.leaseMs / 3)),
    );
    this.heartbeat.unref();
  }

  /** A key of this credential's watch of `list` (with the store's prefix). */
  private async name(kind: string, list = ''): Promise<string> {
    return this.store.key(await this.channel(kind, list));
  }

  /** A channel of it (the store adds its prefix). */
  private async channel(kind: string, list = ''): Promise<string> {
    const digest = createHash('sha256').update(list).digest('base64url').slice(0, 22);
    return `watch:${await this.credential}:${kind}:${digest}`;
  }
}
