/**
 * The simulator's route table: every collection it serves, where its records
 * come from, which operations and actions it accepts and which
 * sub-collections hang below it.
 *
 * It is built from the API model of each dialect (v4: api/v4's schema and
 * model.json; v3: api/api.xsd and a real 3.6 engine's RSDL), so the
 * simulator serves every URL such an engine serves, and its self-description,
 * its entry point and its records' `<link>`s and `<actions>` say exactly
 * that. Records are kept once, in v3's shape, and each dialect writes them
 * in its own (dialects.ts); what the engine does of its own per collection
 * is collections/.
 */
import {
  type ApiModel,
  bundledApiModel,
  bundledV4ApiModel,
  type Collection,
  type Operation,
  pathKey,
  type XsdModel,
} from '../model/index.ts';
import type { Doc } from '../xml/index.ts';
import { BEHAVIOUR, type Behaviour, defaultSource, ENTRY_ORDER } from './collections/index.ts';
import { none, type Source } from './sources.ts';
import { type Rec, TABLES, type Table } from './store.ts';

export type { Source } from './sources.ts';

export interface ActionSpec {
  readonly name: string;
  /** The parameters each alternative of its RSDL body requires, below `<action>` (`storage_domain.id|name`). */
  readonly required: readonly (readonly string[])[];
}

export interface Spec {
  /** The path from the API root with `{id}` placeholders: `vms`, `vms/{id}/disks`. */
  readonly key: string;
  /** URL segment and rel of the link that leads here. */
  readonly rel: string;
  /** Collection and item element names, and the item's schema type. */
  readonly collection: string;
  readonly item: string;
  readonly type: string;
  readonly source: Source;
  readonly searchable: boolean;
  /**
   * Fields an add needs, per alternative of its RSDL body (paths below the
   * item: `template.id|name`); `accepts` names fields the engine takes in
   * place of a required one although its RSDL does not say so.
   */
  readonly add?: { readonly alternatives: readonly (readonly string[])[]; readonly accepts?: Readonly<Record<string, readonly string[]>> };
  readonly update: boolean;
  readonly remove: boolean;
  /** Actions on an item, and on the collection itself (`events/undelete`). */
  readonly actions: readonly ActionSpec[];
  readonly collectionActions: readonly ActionSpec[];
  readonly sub: readonly Spec[];
  /** The RSDL's name of this collection's id variable (`vm` for `{vm:id}`). */
  readonly idName: string;
  /** The element of the parent's item (`vm` below `vms/{id}`). */
  readonly parentElement?: string;
  /** What the engine does of its own for this collection (collections/). */
  readonly behaviour: Behaviour;
  /** The schema of the dialect this route is of. */
  readonly xsd: XsdModel;
}

/** `vms/{vm:id}/disks` -> `vms/{id}/disks`. */

/**
 * API v4 renamed some types (docs/protocol.md §11): behaviours keyed by a
 * parent type (`VM/nics`) serve the v4 routes below the renamed one (`Vm`).
 */
const V3_NAME: Readonly<Record<string, string>> = {
  Vm: 'VM',
  Nic: 'NIC',
  HostNic: 'HostNIC',
  Cdrom: 'CdRom',
  Watchdog: 'WatchDog',
  HostStorage: 'Storage',
  SshPublicKey: 'SSHPublicKey',
  Qos: 'QoS',
};

/** A type's v3 name, by which behaviours and action handlers are keyed (`Vm` → `VM`). */
export const v3TypeName = (type: string): string => V3_NAME[type] ?? type;

function behaviourOf(c: Collection): Behaviour {
  const parentType = c.parent ? v3TypeName(c.parent.itemType) : undefined;
  return BEHAVIOUR[pathKey(c.path)] ?? (parentType ? (BEHAVIOUR[`${parentType}/${c.rel}`] ?? BEHAVIOUR[`*/${c.rel}`]) : undefined) ?? {};
}

/**
 * The required paths of each body alternative, below the body's element
 * (`vm.cluster.id|name` -> `cluster.id|name`). The RSDL does not always
 * spell that element as the schema does (`datacenter.name` for
 * `<data_center>`), so the first segment is dropped whatever it is. An
 * action's parameters are named below `action.`.
 */
function alternatives(op: Operation, element = /^[a-z_]+\./): string[][] {
  const sets = op.bodyParamSets.length ? op.bodyParamSets : [op.bodyParams];
  return sets.map((set) => set.filter((p) => p.required).map((p) => p.name.replace(element, '')));
}

/** An action's required parameters per body alternative, below `<action>` (`action.host.id|name` -> `host.id|name`). */
function actionSpec(name: string, op: Operation): ActionSpec {
  return { name, required: alternatives(op, /^action\./) };
}

function build(c: Collection, xsd: XsdModel, v4: boolean): Spec {
  const b = behaviourOf(c);
  const fallback = !c.parent && !TABLES.includes(c.rel as Table) ? none : defaultSource(c.rel, !c.parent);
  const source = typeof b.source === 'function' ? b.source(c.parent?.itemElement ?? '') : (b.source ?? fallback);
  return {
    key: pathKey(c.path),
    rel: c.rel,
    collection: c.collectionElement,
    item: c.itemElement,
    type: c.itemType,
    source,
    searchable: c.searchable,
    // v4's model says nothing of required fields: the engine's REST layer checks them, as each collection's behaviour records.
    add: c.add ? { alternatives: (v4 ? b.requiredV4 : undefined) ?? b.required ?? alternatives(c.add), accepts: b.accepts } : undefined,
    update: c.itemMethods.has('PUT'),
    remove: c.itemMethods.has('DELETE'),
    actions: [...c.actions].map(([name, op]) => actionSpec(name, op)),
    collectionActions: [...c.collectionActions].map(([name, op]) => actionSpec(name, op)),
    sub: c.sub.map((x) => build(x, xsd, v4)),
    idName: c.idVar,
    parentElement: c.parent?.itemElement,
    behaviour: b,
    xsd,
  };
}

const order = (rel: string) => (ENTRY_ORDER.includes(rel) ? ENTRY_ORDER.indexOf(rel) : ENTRY_ORDER.length);

/** The routes of one dialect: its top-level collections and every collection by key. */
export interface RouteTable {
  readonly root: readonly Spec[];
  readonly specs: ReadonlyMap<string, Spec>;
}

/** The route table of an API model, top-level collections in `order`. */
export function routeTable(api: ApiModel, sorted: (top: readonly Collection[]) => Collection[] = (t) => [...t], v4 = false): RouteTable {
  const root = sorted(api.top).map((c) => build(c, api.xsd, v4));
  const specs = new Map<string, Spec>();
  walk(root, (s) => specs.set(s.key, s));
  return { root, specs };
}

/** API v3's routes, the simulator's home dialect: top-level collections in the order a 3.6 engine lists them at /api. */
const V3: RouteTable = routeTable(bundledApiModel(), (top) => [...top].sort((a, b) => order(a.rel) - order(b.rel)));

export const ROOT: readonly Spec[] = V3.root;

export function walk(specs: readonly Spec[] = ROOT, visit: (s: Spec, depth: number) => void, depth = 0): void {
  for (const s of specs) {
    visit(s, depth);
    walk(s.sub, visit, depth + 1);
  }
}

export const SPECS: ReadonlyMap<string, Spec> = V3.specs;

let v4: RouteTable | undefined;

/** API v4's routes (from api/v4), in the order of the model's root service; built on first use. */
export function v4Routes(): RouteTable {
  v4 ??= routeTable(bundledV4ApiModel(), undefined, true);
  return v4;
}

/** API v3's routes, the simulator's home dialect: records are stored with its hrefs and links. */
export function v3Routes(): RouteTable {
  return V3;
}

export function specAt(key: string): Spec {
  const s = SPECS.get(key);
  if (!s) throw new Error(`No route ${key}`);
  return s;
}

/** Gives a new record its href, `<actions>` and sub-collection `<link>`s, as the engine would. */
/**
 * The `<actions>` and `<link>`s a record of `s` carries at `href`: one link
 * per action and per sub-collection, below the record (undefined where it
 * has none). The one place they are built: stored, seen elsewhere, or
 * written in another dialect.
 */
export function linksAt(s: Pick<Spec, 'actions' | 'sub'>, href: string): { actions?: Doc; link?: Doc[] } {
  return {
    actions: s.actions.length ? { link: s.actions.map((a) => ({ href: `${href}/${a.name}`, rel: a.name })) } : undefined,
    link: s.sub.length ? s.sub.map((x) => ({ href: `${href}/${x.rel}`, rel: x.rel })) : undefined,
  };
}

export function decorate<T extends Doc>(s: Spec, rec: T, parentHref?: string): T & Rec {
  const href = `${parentHref ? `${parentHref}/` : ''}${s.rel}/${rec.id}`;
  const r = rec as T & Rec;
  r.href = href;
  const { actions, link } = linksAt(s, href);
  if (actions) (r as Doc).actions = actions;
  if (link) (r as Doc).link = link;
  return r;
}

/**
 * A record seen elsewhere than where it is stored (a copy with `_base`: a
 * cluster below its data center, a VM's disk at `disks/{id}`) carries the
 * `<actions>` and `<link>`s of where it is seen, as the engine gives them.
 */
export function seenAt(s: Spec, r: Rec): Rec {
  if (!r._base) return r;
  return { ...r, ...linksAt(s, r.href) };
}
