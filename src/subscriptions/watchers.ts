/**
 * Status watching for subscriptions, at the cost of one poller.
 *
 * One watcher per watched resource per credential, however many subscribers
 * share it. All watched resources of one type are polled together, with one
 * list request per interval; the interval doubles while nothing changes (up
 * to a cap) and drops back when something does. Between polls the engine's
 * audit log (`events;from=<last id>`) is read, and an event about a watched
 * resource triggers its type's poll at once, so changes arrive early without
 * polling fast.
 *
 * Watchers talk to the connection directly: a subscription lives longer than
 * any request, and a per-request loader cache would serve it stale states.
 */
import { GraphQLError } from 'graphql';
import type { ApiModel, Collection } from '../model/index.ts';
import { type Connection, stateOfStatus } from '../rhev/index.ts';
import { enumValue } from '../schema/names.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { Fleet, type FleetSubscriber } from './fleet.ts';
import { PushQueue } from './queue.ts';

export interface StatusEvent {
  type: string;
  id: string;
  state: string | null;
  deleted: boolean;
  done: boolean;
  /**
   * The resource as the poll that saw this status read it, under its
   * element name (`vm`, `host`): what `StatusEvent.vm` answers, so a router
   * can join other subgraphs' fields onto it. Absent once deleted.
   */
  [element: string]: unknown;
}

export interface WatchOptions {
  /** Complete when one of these (case-insensitive) is reached. */
  status?: readonly string[] | null;
  /** Complete when the resource is deleted. */
  deleted?: boolean | null;
  /** Seconds; an error ends the subscription then. */
  timeout?: number | null;
  /**
   * The operation's signal: when it aborts (the socket closed, the id was
   * reused, the server stops), the subscription ends and its watcher is let
   * go, whether or not anyone still pulls from it.
   */
  signal?: AbortSignal;
}

export interface WatcherSettings {
  /** First and largest poll interval (ms). */
  intervalMs: number;
  maxIntervalMs: number;
  /** How often the event feed is read (ms). */
  eventsMs: number;
  /** Called when the number of watchers or subscribers changes (metrics). */
  onChange?: (counts: { watchers: number; subscribers: number }) => void;
}

/**
 * The other replicas' watchers of the same credential (shared/watch.ts):
 * which lists this hub reads from the engine, and what the others read.
 * A list is named by its type and search (`vm`, `vm?name=web*`); the
 * engine's event feed is `events`.
 */
export interface SharedWatch {
  /** Whether this replica reads the list from the engine now (it leads it). */
  leads(list: string): Promise<boolean>;
  /** Tells the followers of a list what the leader read. */
  publish(list: string, items: readonly Obj[]): Promise<void>;
  /** What the leader of a list last read (parsed, not bound); undefined when there is nothing yet. */
  last(list: string): Promise<Obj[] | undefined>;
  /** While this hub watches a list: `news` when its leader read it, `lead` when this replica took it over. */
  follow(list: string, on: { news(): void; lead(): void }): () => void;
  /** The event feed's leader passes what it read to every replica's hub. */
  publishEvents(events: readonly Obj[]): Promise<void>;
  onEvents(handler: (events: Obj[]) => void): () => void;
  close(): void;
}

interface Subscriber {
  readonly wanted?: Set<string>;
  readonly untilDeleted: boolean;
  push(e: StatusEvent): void;
  fail(e: Error): void;
}

interface Watch {
  readonly id: string;
  state?: string | null;
  /** The resource as last read (undefined once gone). */
  resource?: Obj;
  known: boolean;
  subscribers: Set<Subscriber>;
}

interface TypeWatch {
  readonly collection: Collection;
  readonly watches: Map<string, Watch>;
  /** Fleet watches of the type, by search (fleet.ts). */
  readonly fleets: Map<string, Fleet>;
  timer?: NodeJS.Timeout;
  interval: number;
  polling?: Promise<void>;
  again: boolean;
}

export class Watchers {
  private readonly types = new Map<string, TypeWatch>();
  private eventsTimer?: NodeJS.Timeout;
  private eventsRunning = false;
  private lastEvent?: string;
  private closed = false;
  /** Upstream polls made (for tests and metrics). */
  polls = 0;

  /** The lists followed through the other replicas, by name (`vm`, `vm?search`, `events`). */
  private readonly follows = new Map<string, () => void>();
  private readonly stopSharedEvents?: () => void;

  constructor(
    private readonly connection: Connection,
    private readonly api: ApiModel,
    private readonly settings: WatcherSettings,
    /** Replicas sharing a Redis: one of them polls each list for all (shared/watch.ts). */
    private readonly shared?: SharedWatch,
  ) {
    this.stopSharedEvents = shared?.onEvents((events) => this.sawEvents(events, false));
  }

  /** True once closed: nothing is polled any more. */
  get stopped(): boolean {
    return this.closed;
  }

  get counts(): { watchers: number; subscribers: number } {
    let watchers = 0,
      subscribers = 0;
    for (const t of this.types.values()) {
      for (const w of t.watches.values()) {
        watchers++;
        subscribers += w.subscribers.size;
      }
      for (const f of t.fleets.values()) {
        watchers++;
        subscribers += f.subscribers.size;
      }
    }
    return { watchers, subscribers };
  }

  /** Subscribes to a resource's status; `type` is the item element (`vm`, `storage_domain`). */
  subscribe(type: string, id: string, options: WatchOptions = {}): AsyncIterableIterator<StatusEvent> {
    if (this.closed) throw new GraphQLError('The server is shutting down', { extensions: { code: 'UNAVAILABLE' } });
    const collection = this.api.top.find((c) => c.itemElement === type);
    if (!collection)
      throw new GraphQLError(`Cannot watch ${type}: no such top-level collection`, {
        extensions: { code: 'BAD_USER_INPUT', argument: 'type' },
      });
    if (options.timeout !== undefined && options.timeout !== null && !(options.timeout > 0))
      throw new GraphQLError('timeout must be a positive number of seconds', {
        extensions: { code: 'BAD_USER_INPUT', argument: 'timeout' },
      });
    let tw = this.types.get(type);
    if (!tw) {
      tw = this.typeWatch(type, collection);
    }
    let w = tw.watches.get(id);
    if (!w) {
      w = { id, known: false, subscribers: new Set() };
      tw.watches.set(id, w);
    }
    const watch = w;
    const typeWatch = tw;

    let timeout: NodeJS.Timeout | undefined;
    const signal = options.signal;
    const onAbort = () => void queue.return();
    const queue = new PushQueue<StatusEvent>(() => {
      signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      watch.subscribers.delete(sub);
      if (!watch.subscribers.size) typeWatch.watches.delete(id);
      if (!typeWatch.watches.size && !typeWatch.fleets.size) this.stopType(type);
      if (!this.types.size) this.stopEvents();
      this.settings.onChange?.(this.counts);
    });
    const sub: Subscriber = {
      wanted: options.status?.length ? new Set(options.status.map((s) => s.toLowerCase())) : undefined,
      untilDeleted: options.deleted === true,
      push: (e) => queue.push(e, e.done),
      fail: (e) => queue.fail(e),
    };
    watch.subscribers.add(sub);
    if (options.timeout) {
      timeout = setTimeout(
        () => sub.fail(new GraphQLError(`The status was not reached within ${options.timeout} s`, { extensions: { code: 'TIMEOUT' } })),
        options.timeout * 1000,
      );
    }
    if (signal?.aborted) {
      void queue.return();
      return queue;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    this.settings.onChange?.(this.counts);
    // The current state at once: known already, or asked for now.
    if (watch.known) sub.push(this.event(type, watch, sub));
    else this.pollSoon(type, true);
    this.ensureEvents();
    return queue;
  }

  /**
   * Subscribes to the status changes of every object of a type a search
   * matches (fleet.ts): one list per poll for all subscribers of the search.
   */
  subscribeAll(type: string, search: string, signal?: AbortSignal): AsyncIterableIterator<StatusEvent> {
    if (this.closed) throw new GraphQLError('The server is shutting down', { extensions: { code: 'UNAVAILABLE' } });
    const collection = this.api.top.find((c) => c.itemElement === type);
    if (!collection)
      throw new GraphQLError(`Cannot watch ${type}: no such top-level collection`, { extensions: { code: 'BAD_USER_INPUT' } });
    const tw = this.types.get(type) ?? this.typeWatch(type, collection);
    let fleet = tw.fleets.get(search);
    if (!fleet) tw.fleets.set(search, (fleet = new Fleet(type, search)));
    const f = fleet;
    const onAbort = () => void queue.return();
    const queue = new PushQueue<StatusEvent>(() => {
      signal?.removeEventListener('abort', onAbort);
      f.subscribers.delete(sub);
      if (!f.subscribers.size) tw.fleets.delete(search);
      if (!tw.watches.size && !tw.fleets.size) this.stopType(type);
      if (!this.types.size) this.stopEvents();
      this.settings.onChange?.(this.counts);
    });
    const sub: FleetSubscriber = { push: (e) => queue.push(e, false), fail: (e) => queue.fail(e) };
    f.subscribers.add(sub);
    if (signal?.aborted) {
      void queue.return();
      return queue;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    this.settings.onChange?.(this.counts);
    if (!f.known) this.pollSoon(type, true);
    this.ensureEvents();
    return queue;
  }

  private typeWatch(type: string, collection: Collection): TypeWatch {
    const tw: TypeWatch = { collection, watches: new Map(), fleets: new Map(), interval: this.settings.intervalMs, again: false };
    this.types.set(type, tw);
    return tw;
  }

  /** Stops every poller and ends every subscription (shutdown, or with `reason` when the credential was dropped). */
  close(reason?: Error): void {
    this.closed = true;
    for (const [type, tw] of this.types) {
      for (const w of tw.watches.values())
        for (const s of [...w.subscribers])
          s.fail(reason ?? new GraphQLError('The server is shutting down', { extensions: { code: 'UNAVAILABLE' } }));
      for (const f of tw.fleets.values())
        for (const s of [...f.subscribers])
          s.fail(reason ?? new GraphQLError('The server is shutting down', { extensions: { code: 'UNAVAILABLE' } }));
      this.stopType(type);
    }
    this.types.clear();
    this.stopEvents();
    this.stopSharedEvents?.();
    this.shared?.close();
  }

  private event(element: string, w: Watch, sub: Subscriber): StatusEvent {
    const deleted = w.state === null;
    const state = w.state ?? null;
    const done = (deleted && (sub.untilDeleted || !!sub.wanted)) || (!!state && !!sub.wanted?.has(state));
    return { type: enumValue(element), id: w.id, state, deleted, done, [element]: w.resource };
  }

  private pollSoon(type: string, reset = false): void {
    const tw = this.types.get(type);
    if (!tw) return;
    if (reset) tw.interval = this.settings.intervalMs;
    if (tw.timer) clearTimeout(tw.timer);
    tw.timer = undefined;
    if (tw.polling) {
      tw.again = true;
      return;
    }
    tw.polling = this.poll(type).finally(() => {
      tw.polling = undefined;
      if (!this.types.has(type)) return;
      if (tw.again) {
        tw.again = false;
        this.pollSoon(type);
        return;
      }
      this.schedule(type);
    });
  }

  private schedule(type: string): void {
    const tw = this.types.get(type);
    if (!tw || this.closed) return;
    tw.timer = setTimeout(() => this.pollSoon(type), tw.interval);
    tw.timer.unref?.();
  }

  /** One list request for every watched resource of the type (and one per fleet search besides the whole list). */
  private async poll(type: string): Promise<void> {
    const tw = this.types.get(type);
    if (!tw || (!tw.watches.size && !tw.fleets.size)) return;
    this.polls++;
    let changed = false;
    try {
      if (tw.watches.size || tw.fleets.has('')) {
        const items = await this.list(type, tw, '');
        if (items) {
          changed = this.seen(type, tw, items);
          changed = (tw.fleets.get('')?.update(items) ?? false) || changed;
        }
      }
      for (const f of [...tw.fleets.values()]) {
        if (!f.search) continue;
        const items = await this.list(type, tw, f.search);
        if (items) changed = f.update(items) || changed;
      }
    } catch (e) {
      // A failed poll is tried again at the next interval; subscribers keep waiting (their timeout still holds).
      tw.interval = Math.min(tw.interval * 2, this.settings.maxIntervalMs);
      void e;
      return;
    }
    tw.interval = changed ? this.settings.intervalMs : Math.min(tw.interval * 2, this.settings.maxIntervalMs);
  }

  /**
   * A type's list (all of it, or a search's): from the engine, unless
   * another replica leads it (then what that one last read, or undefined
   * before it has read anything).
   */
  private async list(type: string, tw: TypeWatch, search: string): Promise<readonly Obj[] | undefined> {
    const read = () => this.connection.getAll<Obj>(tw.collection.rel, search ? { search, fresh: true } : { fresh: true });
    if (!this.shared) return read();
    const name = search ? `${type}?${search}` : type;
    this.follow(name, () => this.pollSoon(type, true));
    if (await this.shared.leads(name)) {
      const items = await read();
      void this.shared.publish(name, items);
      return items;
    }
    return (await this.shared.last(name))?.map((item) => this.connection.bind(item, tw.collection.itemType));
  }

  /** Follows a list through the other replicas while this hub watches it. */
  private follow(name: string, poll: () => void): void {
    if (this.follows.has(name) || !this.shared) return;
    this.follows.set(name, this.shared.follow(name, { news: poll, lead: poll }));
  }

  private unfollow(prefix: string): void {
    for (const [name, stop] of [...this.follows])
      if (name === prefix || name.startsWith(`${prefix}?`)) {
        stop();
        this.follows.delete(name);
      }
  }

  /** The statuses one poll saw, told to each single resource's subscribers; true when one changed. */
  private seen(type: string, tw: TypeWatch, items: readonly Obj[]): boolean {
    const byId = new Map(items.map((i) => [i.id, i]));
    let changed = false;
    for (const w of tw.watches.values()) {
      const item = byId.get(w.id);
      const state = item ? (stateOfStatus(item.status) ?? null) : null;
      w.resource = item;
      if (w.known && w.state === state) continue;
      const first = !w.known;
      w.known = true;
      w.state = state;
      changed ||= !first;
      for (const s of [...w.subscribers]) s.push(this.event(type, w, s));
    }
    return changed;
  }

  private ensureEvents(): void {
    // One reader at a time: a subscribe while a read is under way must not start a second loop.
    if (this.eventsRunning || this.closed) return;
    this.eventsRunning = true;
    const tick = async () => {
      this.eventsTimer = undefined;
      if (!this.types.size || this.closed) {
        this.eventsRunning = false;
        return;
      }
      try {
        await this.readEvents();
      } catch {
        // The event feed is an optimisation; the polls still run.
      }
      if (!this.eventsRunning) return; // stopped while reading
      if (this.types.size && !this.closed) {
        this.eventsTimer = setTimeout(tick, this.settings.eventsMs);
        this.eventsTimer.unref?.();
      } else {
        this.eventsRunning = false;
      }
    };
    this.eventsTimer = setTimeout(tick, 0);
    this.eventsTimer.unref?.();
  }

  private async readEvents(): Promise<void> {
    if (!this.api.topLevel('events')) return;
    if (this.shared) {
      // One replica reads the feed for all; the others hear what it read (sawEvents).
      this.follow('events', () => undefined);
      if (!(await this.shared.leads('events'))) return;
    }
    if (this.lastEvent === undefined) {
      const latest = await this.connection.getAll<Obj>('events', { max: 1, fresh: true });
      this.lastEvent = latest[0]?.id ?? '0';
      return;
    }
    const events = await this.connection.getAll<Obj>('events', { event_id: this.lastEvent, fresh: true });
    if (!events.length) return;
    void this.shared?.publishEvents(events);
    this.sawEvents(events, true);
  }

  /** Events of the engine's feed, read here (`ours`) or by the replica that reads it for all. */
  private sawEvents(all: readonly Obj[], ours: boolean): void {
    // What the feed's reader passes on may include what this hub read itself, or saw already.
    const last = this.lastEvent;
    const events = ours || last === undefined ? all : all.filter((e) => Number(e.id) > Number(last));
    if (this.closed || !events.length) return;
    // The engine changed: answers shared for the freshness window are old now, for every caller (rhev/fresh.ts).
    // The reader says so to the other replicas; they hear it from the shared generation.
    if (ours) this.connection.invalidate();
    this.lastEvent = events.reduce((m, e) => (Number(e.id) > Number(m ?? 0) ? e.id : m), this.lastEvent);
    for (const [type, tw] of this.types) {
      const fleets = [...tw.fleets.values()];
      if (events.some((e) => tw.watches.has(e[type]?.id) || fleets.some((f) => f.concerns(e)))) this.pollSoon(type, true);
    }
  }

  private stopType(type: string): void {
    const tw = this.types.get(type);
    if (tw?.timer) clearTimeout(tw.timer);
    this.types.delete(type);
    this.unfollow(type);
  }

  private stopEvents(): void {
    if (this.eventsTimer) clearTimeout(this.eventsTimer);
    this.eventsTimer = undefined;
    this.eventsRunning = false;
    this.unfollow('events');
  }
}
