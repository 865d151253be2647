/**
 * Resolvers, built from the schema plan: no resolver is written per type.
 * Each field of the plan says what it stands for (an XML element, a
 * reference, a sub-collection, a reverse relationship, an action) and gets
 * the matching generic resolver; every fetch goes through the request's
 * loaders.
 */
import { type FieldNode, GraphQLError, type GraphQLResolveInfo, type GraphQLScalarType, type SelectionSetNode } from 'graphql';
import { type ApiModel, type Collection, searchLanguage } from '../model/index.ts';
import { type Connection, ConnectionError, Fault, matchesFilter, NotFound, prototypeNames, stateOfStatus, typeOf } from '../rhev/index.ts';
import { type PlanField, type RootField, type SchemaPlan, SUMMARY_OF } from '../schema/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { badInput, checkArguments, checkId } from './arguments.ts';
import type { Context } from './context.ts';
import { guard, toGraphQLError } from './errors.ts';
import { applyFilter, pageOf, planFilter } from './filtering.ts';
import { inlineOfList } from './inline.ts';
import { mergeSelections } from './selections.ts';
import { DateTimeScalar, enumOut, inputToXml, LongScalar } from './values.ts';

export type ResolverContext = Context;

type Resolver = (parent: any, args: any, ctx: ResolverContext, info: GraphQLResolveInfo) => unknown;

/** A subscription field: what it subscribes to, and how each event is answered. */
interface SubscriptionResolver {
  subscribe: (parent: unknown, args: Obj, ctx: ResolverContext) => AsyncIterable<unknown>;
  resolve: (event: unknown) => unknown;
}

/**
 * The resolvers of a schema: per object type its fields' resolvers (an
 * entity's `__resolveReference` too), per scalar the scalar. Built at run
 * time from the plan of whichever dialect is served, so no static type of
 * one schema's resolvers could describe it; this is the shape
 * buildSubgraphSchema takes.
 */
export type ResolverMap = Record<string, GraphQLScalarType | Record<string, Resolver | SubscriptionResolver | ReferenceResolver>>;

/** How an entity is found from the key a router sends (`{ __typename, id }`). */
type ReferenceResolver = (ref: { id: string }, ctx: ResolverContext) => unknown;

/**
 * The resolvers of a schema plan (no resolver is written per type), over
 * resources bound with the API model `api` (the one the plan was made from).
 */
export function buildResolvers(plan: SchemaPlan, api: ApiModel): ResolverMap {
  const resolvers: ResolverMap = { Long: LongScalar, DateTime: DateTimeScalar };
  for (const t of plan.types.values()) {
    if (t.kind !== 'object') continue;
    const fields: Record<string, Resolver | ReferenceResolver> = {};
    const methods = prototypeNames(t.xsdType ?? '', api);
    for (const f of t.fields) if (!readAsStored(f, methods)) fields[f.name] = fieldResolver(plan, f);
    if (t.entity) {
      // Apollo calls an entity's reference resolver with the reference and the context (no arguments).
      const byKey: ReferenceResolver = (ref, ctx) => ctx.loaders.load(t.name, ref.id);
      fields.__resolveReference = byKey;
    }
    resolvers[t.name] = fields;
  }
  resolvers.Query = Object.fromEntries(plan.query.map((r) => [r.name, resolvedBefore(bounded(queryResolver(plan, r)))]));
  if (plan.mutation.length) resolvers.Mutation = Object.fromEntries(plan.mutation.map((r) => [r.name, bounded(mutationResolver(plan, r))]));
  if (plan.subscription.length) {
    resolvers.Subscription = Object.fromEntries(
      plan.subscription.map((r) => [
        r.name,
        {
          subscribe: (_: unknown, args: Obj, ctx: ResolverContext) => {
            if (!ctx.watchers)
              throw new GraphQLError('Subscriptions need a WebSocket connection (graphql-transport-ws)', {
                extensions: { code: 'BAD_REQUEST' },
              });
            checkArguments(args);
            if (r.kind === 'watchAll') return ctx.watchers.subscribeAll(r.collection!.itemElement, args.search ?? '', ctx.signal);
            const type =
              r.collection?.itemElement ?? plan.types.get('WatchedType')!.wire![plan.types.get('WatchedType')!.values!.indexOf(args.type)];
            const collection = r.collection ?? ctx.loaders.api.top.find((c) => c.itemElement === type);
            if (collection) checkId(collection, args.id, 'id');
            return ctx.watchers.subscribe(type, args.id, {
              status: statusWords(plan, r, args.status),
              deleted: args.deleted,
              timeout: args.timeout,
              signal: ctx.signal,
            });
          },
          resolve: (event: unknown) => event,
        },
      ]),
    );
  }
  return resolvers;
}

/** The statuses a subscription waits for, in the engine's words: enum values (v4's `VmStatus`) through their wire names. */
function statusWords(plan: SchemaPlan, r: RootField, status: readonly string[] | null | undefined): string[] | undefined {
  if (!status) return undefined;
  const e = plan.types.get(r.args.find((a) => a.name === 'status')?.type.named ?? '');
  if (e?.kind !== 'enum' || !e.values || !e.wire) return [...status];
  return status.map((v) => e.wire![e.values!.indexOf(v)] ?? v);
}

// ------------------------------------------------------------------ fields

/**
 * A shortcut through a sub-collection (`Vm.disks` through its disk
 * attachments): the items' references, each loaded by id unless the item
 * already carries the whole resource (followed in the same request).
 */
function throughResolver(f: PlanField): Resolver {
  const direct = `${f.through}s`;
  // Whether a resource's links name it, by its list of links: the window's resources are read by query after query.
  const linked = new WeakMap<readonly Obj[], boolean>();
  const hasDirect = (links: readonly Obj[] | undefined) => {
    if (!links) return false;
    let has = linked.get(links);
    if (has === undefined) linked.set(links, (has = links.some((l) => l.rel === direct)));
    return has;
  };
  // The targets of a list of links that carried every one of them whole, by that list (see below).
  const carriedWhole = new WeakMap<readonly Obj[], readonly Obj[]>();
  return (p, args, ctx) => {
    checkArguments(args);
    // Where the resource has such a sub-collection of its own (a VM in an export domain), it is that.
    if (hasDirect(p.link)) return andThen(ctx.loaders.children(ownerType(p, f), direct, p), (items) => applyListArgs(items, args));
    // Synchronous all the way when the list inlined the links and their targets (a v4 VM's disks with
    // follow=disk_attachments.disk): no promise per object, which a 1,000-VM dashboard would feel.
    return andThen(ctx.loaders.children(ownerType(p, f), f.rel!, p), (items) => {
      // Targets the list carried whole are the same for every query over the same items (the window's).
      const whole = carriedWhole.get(items);
      if (whole) return applyListArgs(whole, args);
      const targets = items.map((i) => i[f.through!]).filter((r): r is Obj => !!r?.id);
      if (!targets.some(isBareRef)) {
        carriedWhole.set(items, targets);
        return applyListArgs(targets, args);
      }
      const loaded = targets.map((r) => (isBareRef(r) ? ctx.loaders.load(f.target!, r.id) : r));
      const present = (rs: readonly (Obj | null)[]) =>
        applyListArgs(
          rs.filter((r): r is Obj => r !== null),
          args,
        );
      return loaded.some((r) => r instanceof Promise) ? Promise.all(loaded).then(present, rethrow) : present(loaded as Obj[]);
    });
  };
}

/**
 * A field stored under its own GraphQL name, as it is (`name`, `id`, `mac`),
 * gets no resolver: graphql-js reads it with its default resolver, and
 * graphql-jit compiles the read into the query's code, with no call, no
 * `info` and no closures per object (a 1,000-VM dashboard has thousands).
 * Only where the object's prototype cannot answer to that name
 * (`prototypeNames`): the default resolver would call a method found there.
 */
function readAsStored(f: PlanField, prototypeHas: ReadonlySet<string>): boolean {
  const asIs = f.kind === 'object' || (f.kind === 'scalar' && f.scalar !== 'enum');
  return asIs && (f.xml ?? f.name) === f.name && !prototypeHas.has(f.name);
}

function fieldResolver(plan: SchemaPlan, f: PlanField): Resolver {
  const key = f.xml ?? f.name;
  switch (f.kind) {
    case 'scalar': {
      const enumName = f.scalar === 'enum' ? f.type.named : undefined;
      const enumType = enumName ? plan.types.get(enumName) : undefined;
      if (enumType)
        return (p) => (Array.isArray(p[key]) ? p[key].map((v: unknown) => enumOut(enumType, v)) : (enumOut(enumType, p[key]) ?? null));
      return (p) => p[key] ?? null;
    }
    case 'object':
      return (p) => p[key] ?? null;
    case 'unwrap':
      return (p, _a, ctx, info) => {
        const w = p[key];
        if (w === undefined || w === null) return null;
        const items = Array.isArray(w) ? w : (w[f.item!] ?? []);
        return f.references ? referenceList(items, f, ctx, info) : items;
      };
    case 'reference':
      return (p, _a, ctx, info) => {
        const ref = p[key];
        if (!ref) return null;
        if (Array.isArray(ref)) return referenceList(ref, f, ctx, info);
        // A full object (an action's re-read resource), or only its id wanted: no fetch.
        if (!isBareRef(ref) || onlyId(info)) return ref;
        return andThen(ctx.loaders.load(f.target!, ref.id), itself);
      };
    case 'subcollection':
      if (f.through) return throughResolver(f);
      return (p, args, ctx) => {
        checkArguments(args);
        return andThen(ctx.loaders.children(ownerType(p, f), f.rel!, p), (items) => applyListArgs(items, args));
      };
    case 'reverse':
      return (p, args, ctx) => {
        checkArguments(args);
        return ctx.loaders
          .reverse(collectionOf(ctx, f.via!.collection), f.via!.field, p.id)
          .then((items) => applyListArgs(items, args), rethrow);
      };
  }
}

/**
 * A list of references (a disk's storage domains): what the engine inlined
 * whole is answered as it is, bare references are loaded (one batch for the
 * whole answer) unless only their ids are wanted.
 */
function referenceList(refs: readonly Obj[], f: PlanField, ctx: ResolverContext, info: GraphQLResolveInfo): unknown {
  if (onlyId(info) || !refs.some((r) => r && isBareRef(r))) return refs;
  return Promise.all(refs.map((r) => (r && isBareRef(r) ? ctx.loaders.load(f.target!, r.id) : r))).catch(rethrow);
}

/** A value as it is (andThen's step where only the failure is coded): one function, not a closure per call. */
function itself<T>(v: T): T {
  return v;
}

/** Nested fields fail with the same codes as root fields. */
function rethrow(e: unknown): never {
  throw toGraphQLError(e);
}

function ownerType(owner: Obj, f: PlanField): string {
  const t = typeOf(owner);
  if (!t) throw new GraphQLError(`Cannot load ${f.rel} here: the parent object did not come from the engine`);
  return t;
}

function collectionOf(ctx: ResolverContext, path: string): Collection {
  const c = ctx.loaders.api.collections.get(path);
  if (!c) throw new GraphQLError(`Unknown collection ${path}`);
  return c;
}

function isBareRef(ref: Obj): boolean {
  for (const k in ref) if (k !== 'id' && k !== 'href') return false;
  return true;
}

/** Whether a field asks only for ids, by its node: the same for every object of a list, and for every run of a cached document. */
const askedOnlyId = new WeakMap<FieldNode, boolean>();

function onlyId(info: GraphQLResolveInfo): boolean {
  const node = info.fieldNodes[0];
  let only = node ? askedOnlyId.get(node) : undefined;
  if (only === undefined) {
    only = true;
    for (const n of selectedFields(node?.selectionSet, info)) if (n !== 'id' && n !== '__typename') only = false;
    if (node) askedOnlyId.set(node, only);
  }
  return only;
}

/** The field names a selection asks for, through fragments. */
function selectedFields(set: SelectionSetNode | undefined, info: GraphQLResolveInfo): Set<string> {
  return new Set([...mergeSelections([set], (n) => info.fragments[n]).values()].map((m) => m.field.name.value));
}

/**
 * The search with its order: `sortBy` (one of the collection's search fields,
 * refused naming the argument otherwise) becomes the search's own `sortby`.
 */
function withSort(c: Collection, args: Obj): string | undefined {
  const search: string | undefined = args.search ?? undefined;
  if (args.sortBy === undefined || args.sortBy === null) return search;
  const fields = searchLanguage(c.rel)?.fields ?? [];
  const field = fields.find((f) => f.toLowerCase() === String(args.sortBy).toLowerCase() && !f.startsWith('_'));
  if (!field)
    throw badInput(
      `sortBy: ${c.rel} cannot be sorted by ${args.sortBy}; its search fields are ${fields.filter((f) => !f.startsWith('_')).join(', ')}`,
      'sortBy',
    );
  return `${search ?? ''} sortby ${field} ${args.descending ? 'desc' : 'asc'}`.trim();
}

/** The engine refuses a search it cannot read with 400: said as a bad `search` argument. */
function searchRefusal(search: string | null | undefined): (e: unknown) => never {
  return (e) => {
    if (e instanceof Fault && e.status === 400 && search) throw badInput(e.detail ?? e.reason, 'search', e);
    throw e;
  };
}

/** `[{ field, value }]` (the GraphQL form) -> the client's `{ field: value }` filter. */
function toFilter(list: { field: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(list.map((f) => [f.field, f.value]));
}

/**
 * `f` of a value the loaders gave at once or as a promise: at once stays at
 * once (graphql-js completes a plain value without a promise of its own),
 * and a failure becomes a coded GraphQL error either way.
 */
function andThen<T, R>(value: T | Promise<T>, f: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(f, rethrow) : f(value);
}

/** Sub-collection and reverse arguments: filter, max (a search went to the engine already, where it can search). */
function applyListArgs(items: readonly Obj[], args: Obj): readonly Obj[] {
  let out = items;
  if (args?.filter?.length) {
    const filter = toFilter(args.filter);
    out = out.filter((i) => matchesFilter(i, filter));
  }
  if (args?.max !== undefined && args.max !== null) out = out.slice(0, Math.max(0, args.max));
  return out;
}

// ------------------------------------------------------------------ queries

function queryResolver(plan: SchemaPlan, r: RootField): Resolver {
  switch (r.kind) {
    case 'api':
      return (_p, _a, ctx) => guard(() => ctx.connection.api({ signal: ctx.signal }));
    case 'capabilities':
      return (_p, _a, ctx) => guard(() => ctx.connection.capabilities({ signal: ctx.signal }));
    case 'list': {
      const c = r.collection!;
      return (_p, args, ctx, info) =>
        guard(() => {
          checkArguments(args);
          // Sub-collections the query asks for, inlined in this one request where the engine can (inline.ts).
          const inline = inlineOfList(
            plan,
            ctx.loaders.api,
            c,
            info.fieldNodes[0],
            info.fieldNodes.map((n) => n.selectionSet),
            (n) => info.fragments[n],
          );
          if (args.max !== undefined && args.max !== null && args.max < 0) throw badInput('max must be 0 or more', 'max');
          if (args.page !== undefined && args.page !== null && args.page < 1) throw badInput('page counts from 1', 'page');
          const max = args.max ?? undefined;
          const page = args.page ?? undefined;
          // A filter is matched first, then paged (filtering.ts): the list is read whole.
          const filtered = args.filter?.length ? planFilter(ctx.loaders.api.xsd, c.itemType, args.filter) : undefined;
          const listed = ctx.loaders
            .list(c, {
              search: withSort(c, args),
              max: filtered ? undefined : max,
              page: filtered ? undefined : page,
              caseSensitive: args.caseSensitive ?? undefined,
              inline: [...inline],
            })
            .catch(searchRefusal(args.search));
          return filtered ? listed.then(async (items) => pageOf(await applyFilter(items, filtered, ctx.loaders), max, page)) : listed;
        });
    }
    case 'item':
      return (_p, args, ctx) =>
        guard(() => {
          checkArguments(args);
          checkId(r.collection!, args.id, 'id');
          return ctx.loaders.load(r.collection!.itemType, args.id);
        });
    case 'count':
    case 'statusCounts':
      return countResolver(r);
    default:
      throw new Error(`No query resolver for ${r.kind}`);
  }
}

/**
 * `<item>Count` and `<item>StatusCounts` (schema/counts.ts): the entry
 * point's summary where it answers (no search, a caller it is shown to),
 * else one list with nothing inlined, counted here.
 */
function countResolver(r: RootField): Resolver {
  const c = r.collection!;
  const summaryKey = SUMMARY_OF[c.rel];
  return (_p, args, ctx) =>
    guard(async () => {
      checkArguments(args);
      const search = args.search ?? undefined;
      if (r.kind === 'count' && search === undefined && summaryKey && !ctx.connection.filtered) {
        const total = ((await ctx.connection.api({ signal: ctx.signal })) as Obj).summary?.[summaryKey]?.total;
        if (typeof total === 'number') return total;
      }
      const items = await ctx.loaders.list(c, { search }).catch(searchRefusal(search));
      if (r.kind === 'count') return items.length;
      const byStatus = new Map<string, number>();
      for (const i of items) {
        const state = stateOfStatus(i.status) ?? 'unknown';
        byStatus.set(state, (byStatus.get(state) ?? 0) + 1);
      }
      return [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => ({ status, count }));
    });
}

// ------------------------------------------------------------------ mutations

function mutationResolver(plan: SchemaPlan, r: RootField): Resolver {
  const c = r.collection!;
  const inputArg = r.args.find((a) => a.name === 'action' || a.name === 'input');
  return (_p, args, ctx) =>
    guard(async () => {
      checkArguments(args);
      for (const name of [...(r.parentIds ?? []), 'id'])
        if (typeof args[name] === 'string') checkId(name === 'id' ? c : ancestor(c, r.parentIds!.indexOf(name)), args[name], name);
      const conn = ctx.connection;
      const signal = ctx.signal;
      const base = await parentOf(conn, c, r, args, signal);
      switch (r.kind) {
        case 'action': {
          const target = c.actions.has(r.action!) ? await itemOf(conn, c, base, args.id, signal) : undefined;
          const data = inputArg && args.action ? (inputToXml(plan, inputArg.type.named, args.action) as Obj) : undefined;
          try {
            const result = target
              ? await conn.action(target, r.action!, data, { wait: !args.async, signal })
              : await collectionAction(conn, c, base, r.action!, data, signal);
            const resource = target ? await reRead(conn, target, signal) : undefined;
            return {
              status: stateOfStatus(result.status) ?? 'complete',
              job: result.job,
              fault: result.fault,
              outcomeUnknown: false,
              action: result,
              resource,
            };
          } catch (e) {
            if (e instanceof ConnectionError && e.sent) {
              // The engine may or may not have run it; it is not sent again.
              const resource = target ? await reRead(conn, target, signal).catch(() => undefined) : undefined;
              return { status: 'unknown', outcomeUnknown: true, resource, fault: { reason: 'Outcome unknown', detail: e.message } };
            }
            throw e;
          }
        }
        case 'create': {
          const fields = inputToXml(plan, inputArg!.type.named, args.input) as Obj;
          return conn.create(conn.newResource(c.itemType, fields), { base, wait: !args.async, signal });
        }
        case 'update': {
          const target = await itemOf(conn, c, base, args.id, signal);
          const fields = inputToXml(plan, inputArg!.type.named, args.input) as Obj;
          // Only the fields the caller set are sent: a partial update, as the engine expects.
          return conn.update(conn.newResource(c.itemType, { ...fields, id: target.id, href: target.href }), { signal });
        }
        case 'delete': {
          const target = await itemOf(conn, c, base, args.id, signal);
          const answer = await conn.delete(target, { data: args.force ? conn.newResource('Action', { force: true }) : undefined, signal });
          return { id: args.id, status: stateOfStatus(answer?.status) ?? 'complete' };
        }
        default:
          throw new Error(`No mutation resolver for ${r.kind}`);
      }
    });
}

/** The parent resource of a nested collection, found from its id arguments. */
async function parentOf(
  conn: Connection,
  c: Collection,
  r: RootField,
  args: Obj,
  signal: AbortSignal | undefined,
): Promise<Obj | undefined> {
  const chain = ancestors(c);
  // Walk from the top: each step fetches below the one before.
  let current: Obj | undefined;
  for (let i = 0; i < chain.length; i++) current = await itemOf(conn, chain[i], current, args[r.parentIds![i]], signal);
  return current;
}

async function itemOf(conn: Connection, c: Collection, base: Obj | undefined, id: string, signal: AbortSignal | undefined): Promise<Obj> {
  const item = await conn.get<Obj>(c.rel, { id, base, signal });
  if (!item)
    throw new GraphQLError(`No ${c.itemType} with id ${id}${base ? ` below ${base.name ?? base.id}` : ''}`, {
      extensions: { code: 'NOT_FOUND', argument: 'id' },
    });
  return item;
}

async function collectionAction(
  conn: Connection,
  c: Collection,
  base: Obj | undefined,
  name: string,
  data: Obj | undefined,
  signal: AbortSignal | undefined,
): Promise<Obj> {
  // No resource lists a collection's actions; the RSDL places them below the collection's own link.
  const href = await conn.linkOf(c.rel, base, { signal });
  return conn.action(conn.newResource(c.collectionType, { actions: { link: [{ rel: name, href: `${href}/${name}` }] } }), name, data, {
    signal,
  });
}

async function reRead(conn: Connection, target: Obj, signal: AbortSignal | undefined): Promise<Obj | undefined> {
  try {
    return await conn.reload(target, { signal });
  } catch (e) {
    if (e instanceof NotFound) return undefined;
    throw e;
  }
}

/** A root field the synchronous executor resolved before giving the query up (Context.rootValues) is not resolved again. */
function resolvedBefore(resolve: Resolver): Resolver {
  return (p, args, ctx, info) => {
    const key = info.path.key as string;
    if (!ctx.rootValues?.has(key)) return resolve(p, args, ctx, info);
    const value = ctx.rootValues.get(key);
    ctx.rootValues.delete(key);
    return value;
  };
}

/**
 * A root field answers by the moment its operation's signal aborts (its
 * deadline, or its caller gone), whatever it is waiting for; the engine
 * requests it started end with the same signal.
 */
function bounded(resolve: Resolver): Resolver {
  return (p, args, ctx, info) => {
    const result = resolve(p, args, ctx, info);
    const signal = ctx.signal;
    if (!signal || !(result instanceof Promise)) return result;
    return new Promise((res, rej) => {
      const onAbort = () => rej(toGraphQLError(signal.reason));
      // The resolver's own promise is always watched, even when the answer is already decided by the
      // signal: left alone, its rejection (the engine request it started, cancelled) would be unhandled.
      result.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          res(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          rej(e);
        },
      );
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}

// ------------------------------------------------------------------ input checks

/** The collections above `c`, from the top (`vms` for `vms/{id}/disks`). */
function ancestors(c: Collection): Collection[] {
  const chain: Collection[] = [];
  for (let p = c.parent; p; p = p.parent) chain.unshift(p);
  return chain;
}

function ancestor(c: Collection, index: number): Collection {
  return ancestors(c)[index] ?? c;
}
