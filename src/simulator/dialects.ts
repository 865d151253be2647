/**
 * The two dialects the simulator speaks over one inventory (docs/protocol.md
 * §11): API v3, the home dialect (records are stored as a 3.6 engine writes
 * them, with v3 hrefs and links), and API v4, written from the same records.
 *
 * A dialect is its schema, its route table and the way a stored record
 * becomes one of its documents. For v4 that is a walk of the record along
 * the v4 type it is written as:
 *
 * - a field v4 declares with a simple type whose stored value is a v3 status
 *   (`<status><state>up</state></status>`) is written as the state
 *   (`<status>up</status>`), the change every v4 client meets first;
 * - a field v4 does not declare is not written (the writer would skip it too;
 *   dropping it here keeps the walk from descending into it);
 * - a resource's `<link>`s and `<actions>` are v4's for the collection it is
 *   seen in (`diskattachments`, not `disks`);
 * - fields whose shape changed between the dialects are rewritten by the
 *   per-field rules in RESHAPE.
 */
import { bundledModel, bundledV4Model, pathKey, type XsdModel } from '../model/index.ts';
import type { Doc } from '../xml/index.ts';
import { linksAt, type RouteTable, type Spec, v3Routes, v4Routes } from './routes.ts';

export type DialectName = 'v3' | 'v4';

export interface Dialect {
  readonly name: DialectName;
  readonly model: XsdModel;
  readonly routes: RouteTable;
  /** A stored value as this dialect writes it, as the document element's type. */
  wire(type: string, value: object): object;
}

const V3: Dialect = {
  name: 'v3',
  get model() {
    return bundledModel();
  },
  get routes() {
    return v3Routes();
  },
  wire: (_type, value) => value,
};

const V4: Dialect = {
  name: 'v4',
  get model() {
    return bundledV4Model();
  },
  get routes() {
    return v4Routes();
  },
  wire(type, value) {
    return toV4(bundledV4Model(), v4Routes(), type, value);
  },
};

export function dialect(name: DialectName | undefined): Dialect {
  return name === 'v4' ? V4 : V3;
}

/**
 * Per `Type.field` of v4, how a v3-shaped stored value is written there.
 * The boot devices moved into `<boot><devices><device>`; a v3 NIC names its
 * network where v4 names a vNIC profile (dropped: the profile is its own
 * reference).
 */
const RESHAPE: Record<string, (v: any) => unknown> = {
  'OperatingSystem.boot': (v) => (Array.isArray(v) ? { devices: { device: v.map((b) => b?.dev ?? b) } } : v),
  'Nic.network': () => undefined,
  // v3 wraps a tag's parent (`<parent><tag id/></parent>`); v4 names it directly (`<parent id href/>`, TagMapper).
  'Tag.parent': (v) => v?.tag ?? v,
};

/**
 * Per v4 type, how a v3-shaped stored record is reshaped before its fields
 * are walked: a statistic's kind was its `type`, and its value type sat on
 * `<values type>`; a snapshot's `type` is now `snapshot_type` (a v4 snapshot
 * is a VM, whose `type` is the VM type); units and kinds are lowercase.
 */
const RESHAPE_TYPE: Record<string, (v: Doc) => Doc> = {
  Statistic: ({ type, unit, values, ...rest }) => ({
    ...rest,
    kind: lower(type),
    type: lower(values?.type),
    unit: lower(unit),
    values: values ? { value: values.value } : undefined,
  }),
  Snapshot: ({ type, ...rest }) => ({ ...rest, snapshot_type: type }),
};

const lower = (v: unknown): string | undefined => (typeof v === 'string' ? v.toLowerCase() : undefined);

function toV4(x: XsdModel, routes: RouteTable, type: string, stored: Doc, depth = 0): Doc {
  if (depth > 20) return stored;
  const t = x.types.get(type);
  if (!t) return stored;
  const value = RESHAPE_TYPE[type] ? RESHAPE_TYPE[type](stored) : stored;
  const out: Doc = {};
  for (const key in value) {
    const v = value[key];
    if (v === undefined || key.charCodeAt(0) === 95 /* _ */) continue;
    const f = t.field.get(key);
    if (!f) continue;
    const reshape = RESHAPE[`${type}.${key}`];
    const given = reshape ? reshape(v) : v;
    if (given === undefined) continue;
    if (!x.types.has(f.type)) out[key] = stateOf(given);
    else if (Array.isArray(given)) out[key] = given.map((g) => (g && typeof g === 'object' ? toV4(x, routes, f.type, g, depth + 1) : g));
    else out[key] = given && typeof given === 'object' ? toV4(x, routes, f.type, given, depth + 1) : given;
  }
  if (typeof value.href === 'string' && (value.link || value.actions)) relink(routes, out, value.href);
  return out;
}

/** A v3 status object as a v4 enum value; anything else as it is. */
function stateOf(v: any): unknown {
  if (Array.isArray(v)) return v.map(stateOf);
  return v && typeof v === 'object' && !(v instanceof Date) && 'state' in v ? v.state : v;
}

/** The v4 collection a resource's href is in (`vms/1/nics/2` → `vms/{id}/nics`). */
export function specOfHref(routes: RouteTable, href: string): Spec | undefined {
  const key = pathKey(
    href
      .split('/')
      .map((seg, i) => (i % 2 ? '{id}' : seg))
      .join('/'),
  ).replace(/\/\{id\}$/, '');
  return routes.specs.get(key);
}

function relink(routes: RouteTable, out: Doc, href: string): void {
  const s = specOfHref(routes, href);
  if (!s) {
    delete out.link;
    delete out.actions;
    return;
  }
  Object.assign(out, linksAt(s, href));
}
