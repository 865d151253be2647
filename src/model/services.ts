/**
 * Reads API v4's self-description, the services of `model.json` (what a v4
 * engine serves at `/ovirt-engine/api/model.json`), into the same list of
 * operations an RSDL gives for v3, so that one ApiModel serves both dialects.
 *
 * The walk starts at the root service (`system`) with the empty path. Each
 * locator of a service leads to another service one segment further: the
 * locator's name without underscores (`disk_attachments` → `diskattachments`),
 * or an id variable when the locator takes an id (`vms` → `vms/{vm:id}`).
 * Each method becomes an operation at its service's path:
 *
 *   list → GET (answering the collection type), get → GET, add → POST,
 *   update → PUT, remove → DELETE, any other → POST `<path>/<name without
 *   underscores>` with an `<action>` body (`vms/{vm:id}/start`).
 *
 * Signatures are not operations. The model lists, beside `add`, the ways of
 * calling it (`from_scratch`, `from_snapshot`), and beside `export` its
 * `to_path_on_host`: same URL, same method, a required subset of the
 * parameters. An engine's file does not mark them; they are recognised by
 * shape: a signature is listed just before its base method (or before other
 * signatures of it), ends with the base's parameters in the base's order,
 * with the same documentation, and the base has more than `async`. Our
 * checked-in file (`api/v4/model.json`, written by compactModel) records the
 * signatures found, and carries no documentation.
 */
import type { Operation, Param } from './rsdl.ts';
import { DescriptionError, type XsdModel } from './xsd.ts';

/** A parameter as model.json lists it (an engine's file also has `doc`). */
export interface ModelParameter {
  readonly name: string;
  readonly type: string;
  readonly in: boolean;
  readonly out: boolean;
  readonly doc?: string;
}

export interface ModelMethod {
  readonly name: string;
  readonly parameters: readonly ModelParameter[];
  readonly doc?: string;
  /** Ours only: the names of the method's signatures. */
  readonly signatures?: readonly string[];
}

export interface ModelService {
  readonly name: string;
  readonly methods: readonly ModelMethod[];
  readonly locators: readonly { readonly name: string; readonly service: string; readonly parameters: readonly ModelParameter[] }[];
}

export interface ModelType {
  readonly name: string;
  readonly kind: 'struct' | 'enum' | 'primitive';
  /** An engine's file documents its types and their members (ours carries none). */
  readonly doc?: string;
  readonly attributes?: readonly { readonly name: string; readonly type: string; readonly doc?: string }[];
  readonly links?: readonly { readonly name: string; readonly type: string; readonly doc?: string }[];
  readonly values?: readonly ({ readonly name: string } | string)[];
}

/** An engine's model.json (only the parts read here). */
export interface EngineModelJson {
  readonly root: string;
  readonly types: readonly ModelType[];
  readonly services: readonly ModelService[];
  readonly format?: string;
}

/** The format marker of our own checked-in file. */
export const COMPACT_FORMAT = 'rhev-graphql/v4-model 1';

const VERBS: Record<string, Operation['method']> = { list: 'GET', get: 'GET', add: 'POST', update: 'PUT', remove: 'DELETE' };
const PRIMITIVE: Record<string, string> = {
  boolean: 'xs:boolean',
  string: 'xs:string',
  integer: 'xs:int',
  date: 'xs:dateTime',
  decimal: 'xs:decimal',
};
/** How deep the walk goes at most: the real model is 6 deep; a cycle in a hostile file stops here. */
const MAX_DEPTH = 12;

/** Parses model.json text, refusing what is not a model of services. */
export function parseModelJson(text: string, source: string): EngineModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DescriptionError(source, `not JSON (${(e as Error).message})`);
  }
  const m = json as EngineModelJson;
  if (!m || typeof m !== 'object' || typeof m.root !== 'string' || !Array.isArray(m.services) || !Array.isArray(m.types)) {
    throw new DescriptionError(source, "not an API model (expected the root service, types and services of a v4 engine's model.json)");
  }
  // Every part the walk reads has the shape it reads, or the file is refused here, naming what is wrong.
  const isParams = (ps: unknown) => Array.isArray(ps) && ps.every((p) => p && typeof p.name === 'string' && typeof p.type === 'string');
  for (const s of m.services) {
    const ok =
      s &&
      typeof s.name === 'string' &&
      Array.isArray(s.methods) &&
      Array.isArray(s.locators) &&
      s.methods.every((x: ModelMethod) => x && typeof x.name === 'string' && isParams(x.parameters)) &&
      s.locators.every(
        (l: ModelService['locators'][number]) => l && typeof l.name === 'string' && typeof l.service === 'string' && isParams(l.parameters),
      );
    if (!ok)
      throw new DescriptionError(
        source,
        `service ${JSON.stringify(String(s?.name ?? '?')).slice(0, 80)} is not a service (name, methods with parameters, locators)`,
      );
  }
  return m;
}

/** The operations of a v4 model, as an RSDL would list them. */
export function readServices(xsd: XsdModel, model: EngineModelJson, source = 'model.json'): Operation[] {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const root = services.get(model.root);
  if (!root) throw new DescriptionError(source, `the root service ${model.root} is not among the services`);
  const collections = collectionTypes(xsd);
  const ops: Operation[] = [];
  const walk = (service: ModelService, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new DescriptionError(source, `services nest deeper than ${MAX_DEPTH} levels at ${path}`);
    const sigs = signaturesOf(service);
    for (const m of service.methods) {
      if (sigs.has(m.name)) continue;
      ops.push(operation(m, path, xsd, collections));
    }
    for (const l of service.locators) {
      const next = services.get(l.service);
      if (!next) throw new DescriptionError(source, `locator ${service.name}.${l.name} leads to an unknown service ${l.service}`);
      const segment = l.parameters.some((p) => p.name === 'id') ? `{${l.name.replace(/_/g, '')}:id}` : l.name.replace(/_/g, '');
      walk(next, path ? `${path}/${segment}` : segment, depth + 1);
    }
  };
  walk(root, '', 0);
  return ops;
}

function operation(m: ModelMethod, path: string, xsd: XsdModel, collections: Map<string, string>): Operation {
  const verb = VERBS[m.name];
  const input = m.parameters.filter((p) => p.in);
  const struct = m.parameters.find((p) => p.out && !PRIMITIVE[p.type.replace(/\[\]$/, '')]);
  const urlParams = (ps: readonly ModelParameter[]): Param[] =>
    ps.filter((p) => PRIMITIVE[p.type]).map((p) => ({ name: p.name, type: PRIMITIVE[p.type], required: false, context: 'query' }));
  const description = summary(m.doc);
  if (!verb) {
    const bodyParams = input.map((p) => ({ name: p.name, type: xsdTypeOf(p.type), required: false }));
    return {
      href: `${path}/${m.name.replace(/_/g, '')}`,
      rel: m.name.replace(/_/g, ''),
      name: m.name,
      method: 'POST',
      description,
      urlParams: [],
      bodyType: 'Action',
      bodyParams,
      bodyParamSets: [],
      responseType: 'Action',
      headers: [],
    };
  }
  const rel = path.split('/').pop() ?? '';
  if (m.name === 'list') {
    const item = struct ? xsdTypeOf(struct.type.replace(/\[\]$/, '')) : undefined;
    const responseType = item ? collections.get(item) : undefined;
    return {
      href: path,
      rel,
      method: 'GET',
      description,
      urlParams: urlParams(input),
      bodyParams: [],
      bodyParamSets: [],
      responseType,
      headers: [],
    };
  }
  const type = struct ? xsdTypeOf(struct.type) : undefined;
  const bodyType = verb === 'POST' || verb === 'PUT' ? type : undefined;
  const responseType = verb === 'DELETE' ? undefined : type && xsd.types.has(type) ? type : undefined;
  return {
    href: path,
    rel,
    method: verb,
    description,
    urlParams: urlParams(input),
    bodyType,
    bodyParams: [],
    bodyParamSets: [],
    responseType,
    headers: [],
  };
}

/** The XSD type of a model type: `vm` → `Vm`, `disk_attachment[]` → `DiskAttachment`, `boolean` → `xs:boolean`. */
export function xsdTypeOf(modelType: string): string {
  const t = modelType.replace(/\[\]$/, '');
  return (
    PRIMITIVE[t] ??
    t
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

/** Item type → the collection type that lists it (`Vm` → `Vms`), from the schema's collection types. */
function collectionTypes(xsd: XsdModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of xsd.types.values()) {
    if (!xsd.isA(t.name, 'BaseResources')) continue;
    const items = t.elements.filter((e) => e.max > 1 && xsd.types.has(e.type));
    if (items.length === 1 && !out.has(items[0].type)) out.set(items[0].type, t.name);
  }
  return out;
}

/**
 * What an engine's own model.json says of its types and their members, by
 * XSD name: `Vm` and `Vm.memory` (the first paragraph of each, as one line).
 * Read from the engine at run time (`schema --url`), never kept here.
 */
export function modelDocs(model: EngineModelJson): Map<string, string> {
  const docs = new Map<string, string>();
  for (const t of model.types) {
    if (t.kind !== 'struct') continue;
    const type = xsdTypeOf(t.name);
    const own = summary(typeof t.doc === 'string' ? t.doc : undefined);
    if (own) docs.set(type, own);
    for (const m of [...(t.attributes ?? []), ...(t.links ?? [])]) {
      const d = summary(typeof m.doc === 'string' ? m.doc : undefined);
      if (d && typeof m.name === 'string') docs.set(`${type}.${m.name}`, d);
    }
  }
  return docs;
}

/** The first paragraph of a method's documentation, as one line. */
function summary(doc: string | undefined): string | undefined {
  const first = doc
    ?.split(/\n\s*\n/)[0]
    ?.replace(/\s+/g, ' ')
    .trim();
  return first || undefined;
}

/** The names of a service's methods that are signatures of another (see the header). */
export function signaturesOf(service: ModelService): Set<string> {
  if (service.methods.some((m) => m.signatures)) return new Set(service.methods.flatMap((m) => m.signatures ?? []));
  return new Set(findSignatures(service).map(([sig]) => sig));
}

/** [signature, base method] pairs, found by shape in an engine's file (one signature name may serve several bases). */
function findSignatures(service: ModelService): [string, string][] {
  const ms = service.methods;
  const baseOf = new Map<number, number>();
  for (let i = ms.length - 1; i >= 0; i--) {
    if (VERBS[ms[i].name]) continue;
    let next = i + 1;
    while (next < ms.length && baseOf.has(next)) next++;
    if (next < ms.length && extendsMethod(ms[i], ms[next])) baseOf.set(i, baseOf.get(next) ?? next);
  }
  return [...baseOf].map(([s, b]) => [ms[s].name, ms[b].name]);
}

function extendsMethod(sig: ModelMethod, base: ModelMethod): boolean {
  const a = sig.parameters;
  const b = base.parameters;
  if (!b.length || b.length > a.length || b.every((p) => p.name === 'async')) return false;
  const tail = a.slice(a.length - b.length);
  return tail.every((p, i) => p.name === b[i].name && p.type === b[i].type && p.doc === b[i].doc);
}

/** Our checked-in form of a model: the facts, signatures recorded, no documentation. */
export function compactModel(model: EngineModelJson): EngineModelJson {
  const param = (p: ModelParameter): ModelParameter => ({ name: p.name, type: p.type, in: p.in, out: p.out });
  return {
    format: COMPACT_FORMAT,
    root: model.root,
    types: model.types.map((t) => ({
      name: t.name,
      kind: t.kind,
      ...(t.attributes ? { attributes: t.attributes.map((a) => ({ name: a.name, type: a.type })) } : {}),
      ...(t.links ? { links: t.links.map((a) => ({ name: a.name, type: a.type })) } : {}),
      ...(t.values ? { values: t.values.map((v) => (typeof v === 'string' ? v : v.name)) } : {}),
    })),
    services: model.services.map((s) => {
      const sigs = findSignatures(s);
      const names = new Set(sigs.map(([sig]) => sig));
      return {
        name: s.name,
        methods: s.methods
          .filter((m) => !names.has(m.name))
          .map((m) => ({
            name: m.name,
            parameters: m.parameters.map(param),
            signatures: sigs.filter(([, base]) => base === m.name).map(([sig]) => sig),
          })),
        locators: s.locators.map((l) => ({ name: l.name, service: l.service, parameters: l.parameters.map(param) })),
      };
    }),
  };
}
