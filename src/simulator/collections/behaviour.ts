/**
 * What the simulator knows about a collection beyond the API model, and the
 * narrow view of the engine its handlers get.
 *
 * The model of each dialect (api/v4's schema and model.json; api/api.xsd and
 * api/rsdl.xml, after a real 3.6 engine) already
 * says every collection, its element names, its operations, the fields an
 * add requires, its actions and its sub-collections; routes.ts builds the
 * route table from it, and the generic handlers serve every collection from
 * that alone (records kept in a table of the collection's name, or below the
 * parent). A Behaviour says only what the engine does of its own for one
 * collection: where its records come from, what an add makes and a removal
 * refuses, which search fields it knows, what a filtered user may see.
 *
 * Entries are found by the collection's key (`datacenters/{id}/storagedomains`),
 * else by the parent's item type and the rel (`VM/disks`, which also serves
 * a VM's disks wherever the VM is shown), else by the rel under any parent
 * (`* /permissions`).
 */

import type { ActionCaller, Doc, Simulation } from '../actions/context.ts';
import type { TypeWord } from '../app-errors.generated.ts';
import type { Inventory } from '../inventory.ts';
import type { FieldGetter } from '../search.ts';
import type { Source } from '../sources.ts';
import type { Rec, Store, Table } from '../store.ts';

/** What add and remove handlers may use of the engine. */
export interface CrudContext extends Simulation {
  readonly inv: Inventory;
  readonly caller: ActionCaller;
  /** The add's body, or the removal's (`<action><force>`). */
  readonly body: Rec;
  /** The parent item for sub-collections (a copy with `_base` where it is seen elsewhere). */
  readonly parent?: Rec;
  /** The element of the parent item (`vm`), for rules that name the parent by its field. */
  readonly parentElement?: string;
  /** A reference in a body, by id or by name; 404 as the engine answers when it names nothing. */
  resolve(t: Table, value: Rec | undefined, type: string): Rec;
  /** Refuses a name with characters the engine does not take, or one already in use in `t`. */
  checkName(t: Table, name: unknown, type: TypeWord | undefined, action: 'ADD' | 'UPDATE', selfId?: string): void;
  /** Appends to the audit log. */
  event(code: number, severity: string, description: string, about: Record<string, Rec | undefined>, extra?: Doc): Rec;
  /** A non-admin who creates a VM gets a UserVmManager permission on it. */
  grantCreator(vm: Rec): void;
  /** The generic add: the body's fields the type declares, a new id, a unique name where it lives. */
  addPlain(): Rec;
}

/** What an add made; with a task the engine answers 202 and a creation_status, unless the client asked to block. */
export interface Created {
  readonly rec: Rec;
  readonly task?: Promise<void>;
}

export interface RemoveContext {
  readonly store: Store;
  readonly rec: Rec;
  readonly parent?: Rec;
  readonly parentElement?: string;
  /** `<action><force>true</force></action>` in the body. */
  readonly force: boolean;
  /** A parameter of the request, from its matrix or its query (`detach_only`). */
  param(name: string): string | undefined;
}

export interface UpdateContext {
  readonly store: Store;
  /** The record as the URL shows it. */
  readonly rec: Rec;
  readonly parent?: Rec;
  /** The update's body. */
  readonly body: Rec;
}

/** The search fields of one collection, given the store to look names up in. */
export type SearchFields = (store: Store) => Record<string, FieldGetter<Rec>>;

export interface Behaviour {
  /** Where the records come from; `parent` is the element of the parent item (`vm`), for sources that need it. */
  readonly source?: Source | ((parent: string) => Source);
  /**
   * The fields an add requires where the engine's own check is not what its
   * RSDL says (it defaults a cluster's version to its data center's).
   */
  readonly required?: readonly (readonly string[])[];
  /** What the engine's v4 REST layer requires of an add (its model does not say), when it differs from `required`. */
  readonly requiredV4?: readonly (readonly string[])[];
  /** Fields the engine takes in place of a required one although its RSDL does not say so. */
  readonly accepts?: Readonly<Record<string, readonly string[]>>;
  /** What an add makes, beyond the generic record. */
  readonly add?: (ctx: CrudContext) => Created;
  /** What a removal checks and undoes, beyond dropping the record where it is stored. */
  readonly remove?: (ctx: RemoveContext) => void;
  /** What an update does, in place of writing the body's fields onto the stored record (records the engine derives). */
  readonly update?: (ctx: UpdateContext) => void;
  /** The fields `?search=` knows besides name, description, id, comment and status. */
  readonly search?: SearchFields;
  /** Whether a filtered (non-admin) user with these grants sees the record; everything is visible otherwise. */
  readonly visible?: (r: Rec, grants: ReadonlySet<string | undefined>, store: Store, userId: string) => boolean;
}
