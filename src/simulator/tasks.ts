/**
 * What the engine remembers about work that outlives a request: the
 * progress of creations run as tasks (their `creation_status`), the results
 * of asynchronous actions (pollable until they expire, docs/protocol.md §5),
 * and the job, with its executing step, that every action is recorded as.
 */

import type { Doc } from '../xml/index.ts';
import { EngineFault } from './faults.ts';
import type { Inventory } from './inventory.ts';
import { decorate, specAt } from './routes.ts';
import { type Rec, ref, Store } from './store.ts';

interface Creation {
  state: string;
  fault?: { reason: string; detail?: string };
}

/** How long things are kept, and the engine's clock for later steps. */
export interface TaskClock {
  later(ms: number, fn: () => void): void;
  limits(): { readonly transitionMs: number; readonly actionExpiryMs: number; readonly maxEvents: number };
}

export class Tasks {
  private readonly creations = new Map<string, Creation>();
  private readonly actions = new Map<string, Doc>();

  constructor(private readonly clock: TaskClock) {}

  clear(): void {
    this.creations.clear();
    this.actions.clear();
  }

  /** Follows a creation's task so that its creation_status answers pending, then complete or failed. */
  trackCreation(href: string, task: Promise<void>): void {
    const entry: Creation = { state: 'pending' };
    this.creations.set(href, entry);
    trimMap(this.creations, this.clock.limits().maxEvents);
    task.then(
      () => {
        entry.state = 'complete';
      },
      (e: unknown) => {
        entry.state = 'failed';
        entry.fault = { reason: 'Operation Failed', detail: e instanceof EngineFault ? e.detail : (e as Error)?.message };
      },
    );
  }

  creation(href: string): Creation | undefined {
    return this.creations.get(href);
  }

  /**
   * An asynchronous action's result, pollable at `{resource}/{action}/{id}`
   * with parent and replay links: pending, in progress half a step later,
   * complete when `finish` settles, then kept until it expires.
   */
  trackAction(resourceHref: string, name: string, id: string, result: Doc, finish: Promise<void>): { href: string; doc: Doc } {
    const href = `${resourceHref}/${name}/${id}`;
    const doc: Doc = {
      ...result,
      id,
      href,
      async: true,
      status: { state: 'pending' },
      link: [
        { href: resourceHref, rel: 'parent' },
        { href: `${resourceHref}/${name}`, rel: 'replay' },
      ],
    };
    this.actions.set(href, doc);
    this.clock.later(Math.max(1, this.clock.limits().transitionMs / 2), () => {
      if (doc.status.state === 'pending') doc.status = { state: 'in_progress' };
    });
    finish.then(() => {
      doc.status = { state: 'complete' };
      this.clock.later(this.clock.limits().actionExpiryMs + 1, () => this.actions.delete(href));
    });
    return { href, doc };
  }

  action(href: string): Doc | undefined {
    return this.actions.get(href);
  }

  /**
   * The job the engine records for an action, with its one executing step;
   * both finish when the task does (or at once without one).
   */
  job(store: Store, inv: Inventory, description: string, userId: string, task?: Promise<void>): Rec {
    const now = new Date().toISOString();
    const state = task ? 'started' : 'finished';
    const job = decorate(specAt('jobs'), {
      id: inv.id(),
      description,
      status: { state },
      owner: { id: userId, href: `users/${userId}` },
      start_time: now,
      end_time: task ? undefined : now,
      last_updated: now,
      external: false,
      auto_cleared: true,
    });
    const step = decorate(
      specAt('jobs/{id}/steps'),
      {
        id: inv.id(),
        description: 'Executing',
        type: 'executing',
        number: 0,
        status: { state },
        job: ref(job),
        start_time: now,
        end_time: job.end_time,
        external: false,
      },
      job.href,
    );
    Store.sub(job, 'steps').set(step.id, step);
    store.table('jobs').set(job.id, job);
    trimMap(store.table('jobs'), 1000);
    const end = (state: string) => () => {
      job.status = step.status = { state };
      job.end_time = step.end_time = job.last_updated = new Date().toISOString();
    };
    task?.then(end('finished'), end('failed'));
    return job;
  }
}

/** Drops the oldest entries of a map beyond `max`. */
export function trimMap(m: Map<string, unknown>, max: number): void {
  if (m.size <= max) return;
  let excess = m.size - max;
  for (const k of m.keys()) {
    if (excess-- <= 0) break;
    m.delete(k);
  }
}
