/**
 * A fleet watch: every object of a type that a search matches (all of them
 * without one), and the status each was last seen in. Each poll of the list
 * is compared with the one before, and every object whose status changed,
 * that appeared, or that left the search (deleted, or no longer matching)
 * becomes one event for every subscriber. The first poll only takes the
 * picture: a dashboard has the current states from its query, and wants
 * what changes after.
 *
 * One fleet serves every subscriber of the same credential, type and
 * search, so the engine is asked one list per poll however many subscribe
 * and however many objects they watch (watchers.ts polls it).
 */
import { stateOfStatus } from '../rhev/index.ts';
import { enumValue } from '../schema/names.ts';
import type { Doc as Obj } from '../xml/index.ts';
import type { StatusEvent } from './watchers.ts';

export interface FleetSubscriber {
  push(e: StatusEvent): void;
  fail(e: Error): void;
}

export class Fleet {
  readonly subscribers = new Set<FleetSubscriber>();
  private states?: Map<string, string | null>;

  constructor(
    /** The item element (`vm`). */
    readonly element: string,
    /** The engine search ('' for all). */
    readonly search: string,
  ) {}

  /** Whether the first picture has been taken. */
  get known(): boolean {
    return this.states !== undefined;
  }

  /** Takes a poll's items; tells the subscribers what changed since the last one. True when anything did. */
  update(items: readonly Obj[]): boolean {
    const before = this.states;
    const now = new Map<string, string | null>();
    const byId = new Map<string, Obj>();
    for (const i of items) {
      if (typeof i.id !== 'string') continue;
      now.set(i.id, stateOfStatus(i.status) ?? null);
      byId.set(i.id, i);
    }
    this.states = now;
    if (!before) return false;
    const events: StatusEvent[] = [];
    const type = enumValue(this.element);
    for (const [id, state] of now)
      if (before.get(id) !== state) events.push({ type, id, state, deleted: false, done: false, [this.element]: byId.get(id) });
    for (const id of before.keys()) if (!now.has(id)) events.push({ type, id, state: null, deleted: true, done: false });
    for (const e of events) for (const s of [...this.subscribers]) s.push(e);
    return events.length > 0;
  }

  /** Whether an engine event names an object this fleet may care about. */
  concerns(event: Obj): boolean {
    return event[this.element]?.id !== undefined;
  }
}
