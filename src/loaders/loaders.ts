/**
 * Per-request loaders: how a GraphQL query over thousands of objects costs
 * the engine a handful of requests.
 *
 * Resolvers ask for one thing at a time (this VM's cluster, that host's
 * NICs); DataLoader collects what a tick of execution asks for and hands the
 * whole set to a batch function, which picks the cheapest way the engine
 * offers to answer all of it:
 *
 * - by id: one GET for a single id; one list of the whole collection for
 *   more (the engine has no "these ids" request, and one list is one round
 *   trip however long it is);
 * - sub-collections: inline them in one list of the parents (v4 `follow=`,
 *   v3 `detail=`) where the engine supports it; else one list of the items' own top-level
 *   collection grouped by their reference to the parent, when the items
 *   carry that reference; else one request per parent, deduplicated and
 *   capped;
 * - reverse relationships (`Cluster.vms`): one list, grouped by reference.
 *
 * Everything a list returns primes the by-id loaders, so a reference to an
 * object already seen costs nothing. Loaders live for one request and one
 * caller: nothing fetched for one person is served to another.
 */
import DataLoader from 'dataloader';
import type { ApiModel, Collection } from '../model/index.ts';
import type { Connection } from '../rhev/index.ts';
import { typeOf } from '../rhev/index.ts';
import type { Doc as Obj } from '../xml/index.ts';

/** At most this many per-parent requests run at once. */
const CONCURRENCY = 8;

export interface LoaderCounters {
  /** Batches the loaders ran and keys they were asked for. */
  batches: number;
  loads: number;
  keys: number;
}

/**
 * Shapes of an engine learnt while serving (not data): whether a
 * sub-collection's items carry a reference to their parent in the top-level
 * list (`DataCenter/clusters` -> true). One per server, shared by all its
 * requests, as it describes the engine, not a caller.
 */
export type EngineShapes = Map<string, boolean>;

export class Loaders {
  private readonly byIdLoaders = new Map<string, DataLoader<string, Obj | null>>();
  private readonly childLoaders = new Map<string, DataLoader<Obj, Obj[]>>();
  private readonly reverseLoaders = new Map<string, DataLoader<string, Obj[]>>();
  private readonly topOf = new Map<string, Collection>();
  /** Whole-collection lists already asked for in this request (by-id, reverse and grouping share them). */
  private readonly fullLists = new Map<string, Promise<Obj[]>>();
  /** Lists of this request by item type, not yet indexed; and what is indexed (listedById). */
  private readonly unindexed = new Map<string, (readonly Obj[])[]>();
  private readonly listed = new Map<string, Map<string, Obj>>();
  /** Whole collections the connection's freshness window held when first asked, by id (undefined: it held none). */
  private readonly fresh = new Map<string, Map<string, Obj> | undefined>();
  readonly counters: LoaderCounters = { batches: 0, loads: 0, keys: 0 };

  /**
   * `batching: false` is the naive way, kept for measuring what the loaders
   * save: every load is its own request, nothing is cached or inlined.
   */
  constructor(
    readonly connection: Connection,
    readonly api: ApiModel,
    private readonly options: { batching?: boolean; signal?: AbortSignal; shapes?: EngineShapes } = {},
  ) {
    for (const c of api.top) if (!this.topOf.has(c.itemType)) this.topOf.set(c.itemType, c);
    this.shapes = options.shapes ?? new Map();
  }

  /** What this engine's answers were found to carry (the server's, shared by its requests). */
  private readonly shapes: EngineShapes;

  /**
   * Loads a resource by id (null when the engine has none, or the caller may
   * not see it). Answered at once, without a promise, when the connection's
   * freshness window holds the whole collection: a thousand VMs' clusters
   * then cost a map lookup each, not a promise each.
   */
  load(type: string, id: string): Obj | null | Promise<Obj | null> {
    this.counters.loads++;
    const known = this.inlining ? (this.freshById(type)?.get(id) ?? this.listedById(type).get(id)) : undefined;
    if (known) return known;
    return this.byId(type).load(id);
  }

  /**
   * What this request's lists brought of a type, by id (the first seen of an
   * id wins). Indexed when a load first asks, not when the list arrives: a
   * 1,000-VM list that no reference points into costs nothing, where priming
   * DataLoader would cost a promise per item.
   */
  private listedById(type: string): ReadonlyMap<string, Obj> {
    let byId = this.listed.get(type);
    if (!byId) this.listed.set(type, (byId = new Map()));
    const lists = this.unindexed.get(type);
    if (lists) {
      this.unindexed.delete(type);
      for (const list of lists) for (const i of list) if (i?.id && !byId.has(i.id)) byId.set(i.id, i);
    }
    return byId;
  }

  /** The whole collection of a type by id, if the connection's window holds it (looked at once per request). */
  private freshById(type: string): Map<string, Obj> | undefined {
    if (this.fresh.has(type)) return this.fresh.get(type);
    const c = this.topOf.get(type);
    const items = c ? this.connection.freshItems(c.rel, this.options.signal) : undefined;
    const byId = items ? new Map(items.map((i) => [i.id as string, i])) : undefined;
    this.fresh.set(type, byId);
    return byId;
  }

  /** Lists a top-level collection; what comes back primes the by-id loaders. */
  async list(
    c: Collection,
    options: { search?: string; max?: number; page?: number; caseSensitive?: boolean; filter?: Record<string, string>; inline?: string[] },
  ): Promise<Obj[]> {
    const items = await this.connection.getAll<Obj>(c.rel, {
      search: options.search,
      max: options.max,
      page: options.page,
      caseSensitive: options.caseSensitive,
      filter: options.filter,
      // What the engine puts inside the list (v3 detail=, v4 follow=): sub-collections, and paths through them.
      detail: options.inline?.length && this.inlining ? options.inline : undefined,
      signal: this.options.signal,
    });
    this.prime(c.itemType, items);
    return items;
  }

  /** The whole of a top-level collection, fetched at most once per request. */
  fullList(c: Collection): Promise<Obj[]> {
    let p = this.inlining ? this.fullLists.get(c.path) : undefined;
    if (!p) {
      p = this.list(c, {});
      this.fullLists.set(c.path, p);
      p.catch(() => this.fullLists.delete(c.path));
    }
    return p;
  }

  /** Makes a list's items known by id to later loads of this request (listedById). */
  prime(type: string, items: readonly Obj[]): void {
    const lists = this.unindexed.get(type);
    if (lists) lists.push(items);
    else this.unindexed.set(type, [items]);
  }

  /** A sub-collection of a resource (`VM.disks`), batched over the parents of a tick. */
  children(parentType: string, rel: string, parent: Obj): readonly Obj[] | Promise<readonly Obj[]> {
    this.counters.loads++;
    // Inlined by the list that brought the parent (detail= or follow=): no request, and no promise.
    const inlined = this.connection.inlined(parent, rel);
    if (inlined) return inlined;
    const key = `${parentType}/${rel}`;
    let loader = this.childLoaders.get(key);
    if (!loader) {
      loader = new DataLoader((parents) => this.batchChildren(parentType, rel, parents), {
        cacheKeyFn: (p) => p.id ?? p.href,
        ...this.dataLoaderOptions(),
      });
      this.childLoaders.set(key, loader);
    }
    return loader.load(parent);
  }

  /** Items of `collection` whose `field` references the parent (`Cluster.vms`: VMs whose cluster is it). */
  reverse(collection: Collection, field: string, parentId: string): Promise<Obj[]> {
    this.counters.loads++;
    const key = `${collection.path}#${field}`;
    let loader = this.reverseLoaders.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        this.note(ids.length);
        const items = await this.fullList(collection);
        return ids.map((id) => items.filter((i) => i[field]?.id === id));
      }, this.dataLoaderOptions());
      this.reverseLoaders.set(key, loader);
    }
    return loader.load(parentId);
  }

  private byId(type: string): DataLoader<string, Obj | null> {
    let loader = this.byIdLoaders.get(type);
    if (!loader) {
      loader = new DataLoader((ids) => this.batchById(type, ids), this.dataLoaderOptions());
      this.byIdLoaders.set(type, loader);
    }
    return loader;
  }

  private async batchById(type: string, ids: readonly string[]): Promise<(Obj | null | Error)[]> {
    this.note(ids.length);
    const c = this.topOf.get(type);
    if (!c) return ids.map(() => new Error(`A ${type} cannot be fetched by id alone: the engine has no top-level collection of them`));
    if (ids.length === 1) return [(await this.connection.get<Obj>(c.rel, { id: ids[0], signal: this.options.signal })) ?? null];
    const all = await this.fullList(c);
    const byId = new Map(all.map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async batchChildren(parentType: string, rel: string, parents: readonly Obj[]): Promise<(Obj[] | Error)[]> {
    this.note(parents.length);
    const top = this.topOf.get(parentType);
    const sub = this.api.subsOf(parentType).get(rel);
    const batching = this.api.batching(parentType, rel);
    // 1. One list of the parents with the sub-collection inlined.
    if (parents.length > 1 && top && batching === 'inline') {
      const fresh = await this.list(top, { inline: [rel] });
      const byId = new Map(fresh.map((p) => [p.id, p]));
      return Promise.all(
        parents.map(async (p) => {
          const f = byId.get(p.id);
          if (!f) return [];
          // An engine that ignored the inlining is asked per parent, through the resource's own link.
          return [
            ...(this.connection.inlined(f, rel) ?? (await this.connection.getAll<Obj>(rel, { base: f, signal: this.options.signal }))),
          ];
        }),
      );
    }
    // 2. One list of the items' own collection, grouped by their reference to the parent.
    const itemTop = sub ? this.topOf.get(sub.itemType) : undefined;
    const refField = sub ? this.api.parentReference(sub.itemType, parentType) : undefined;
    const shape = `${parentType}/${rel}`;
    if (parents.length > 1 && batching === 'group' && itemTop && refField && this.shapes.get(shape) !== false) {
      const items = await this.fullList(itemTop);
      const carries = items.length === 0 || items.some((i) => i[refField]?.id);
      if (carries) {
        this.shapes.set(shape, true);
        return parents.map((p) => items.filter((i) => i[refField]?.id === p.id));
      }
      this.shapes.set(shape, false); // this engine's top-level items do not say; ask per parent from now on
    }
    // 3. Per parent, at most CONCURRENCY at a time, from the connection (what the parent inlined costs nothing).
    return mapLimit(parents, CONCURRENCY, async (p) => {
      if (!sub) return new Error(`${typeOf(p) ?? parentType} has no ${rel}`);
      return [...(this.connection.inlined(p, rel) ?? (await this.connection.getAll<Obj>(rel, { base: p, signal: this.options.signal })))];
    });
  }

  private dataLoaderOptions(): { batch: boolean; cache: boolean } {
    const on = this.options.batching !== false;
    return { batch: on, cache: on };
  }

  /** Whether lists may inline sub-collections (off in the naive mode). */
  get inlining(): boolean {
    return this.options.batching !== false;
  }

  private note(keys: number): void {
    this.counters.batches++;
    this.counters.keys += keys;
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
