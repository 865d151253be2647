/**
 * What an action handler gets: the record it acts on, the `<action>` body,
 * the caller, and a narrow view of the simulation (the store, the inventory's
 * id and port allocators, the audit log and the state-machine clock) rather
 * than the whole engine. Handlers are keyed by the item's schema type and the
 * action's rel (`VM#start`), so one handler serves an item wherever the API
 * shows it (a gluster volume below `clusters/{id}` and below
 * `datacenters/{id}/clusters/{id}`); collection actions by the collection's
 * element (`events#undelete`).
 *
 * The helpers below are state changes more than one action makes.
 */

import type { Doc } from '../../xml/index.ts';
import type { AuditLogName } from '../audit-log.generated.ts';
import { entityNotFound, incomplete } from '../faults.ts';
import type { Inventory } from '../inventory.ts';
import type { Rec, Store, Table } from '../store.ts';

/** A parsed request body: any fields of a schema type. */
/** A document as the XML reader gives it and the writer takes it: the one wire-object type (xml/read.ts). */
export type { Doc };

export interface ActionCaller {
  readonly account: { readonly userId: string; readonly admin: boolean };
  readonly name: string;
}

/** The engine as action handlers see it. */
export interface Simulation {
  readonly store: Store;
  /** Logs an audit entry of the engine's, its message filled with `vars`. */
  audit(name: AuditLogName, vars: Record<string, string | number | undefined>, about: Record<string, Rec | undefined>): Rec;
  /** Steps `rec.status` through `states`, one per transition interval; functions run in place of a state. */
  transition(rec: Rec, states: (string | (() => void))[]): Promise<void>;
  /** Runs `steps` one per transition interval, as a task. */
  steps(...steps: (() => void)[]): Promise<void>;
}

export interface ActionContext {
  /** The item acted on: the stored record, also where the URL shows it elsewhere (a cluster below its data center). */
  rec: Rec;
  /** The parent item, for collection actions (`hosts/{id}/nics/setupnetworks`); undefined at the top level. */
  parent?: Rec;
  body: Doc;
  caller: ActionCaller;
  store: Store;
  inv: Inventory;
}

export interface ActionOutcome {
  /** Settles when a task-backed action is done (makes the answer 202 unless async=false). */
  task?: Promise<void>;
  /** Fields the `<action>` answer carries besides its status (`<iscsi_targets>`, `<is_attached>`). */
  output?: Doc;
}

export type ActionHandler = (this: Simulation, ctx: ActionContext) => ActionOutcome;

export const RUNNING = new Set([
  'up',
  'powering_up',
  'wait_for_launch',
  'paused',
  'migrating',
  'reboot_in_progress',
  'powering_down',
  'not_responding',
  'saving_state',
  'restoring_state',
]);

export function hostsUp(store: Store, clusterId: string, except?: string): Rec[] {
  return [...store.table('hosts').values()].filter((h) => h.cluster.id === clusterId && h.status.state === 'up' && h.id !== except);
}

/** The stored record behind what the URL showed. */
export const stored = (rec: Rec): Rec => rec._base ?? rec;

/** A reference in an action body (`<storage_domain id=…>` or by name), resolved or refused as the engine does. */
export function referenced(store: Store, t: Table, type: string, value: Doc | undefined, param: string, action: string): Rec {
  if (!value || (!value.id && !value.name)) throw incomplete('Action', [param], action);
  const r = value.id ? store.get(t, value.id) : store.byName(t, value.name);
  if (!r) throw entityNotFound(type, value.id ? `id=${value.id}` : `name=${value.name}`);
  return r;
}
