/**
 * The API model: the XSD's types joined with the operations of the API's
 * self-description (v4: model.json's services, read by services.ts; v3: the
 * RSDL). One per dialect; everything downstream takes the one it is given.
 *
 * From the two it knows which collections exist and where (`vms`,
 * `vms/{vm:id}/disks`), what type their items are, which HTTP methods each
 * collection and item allows, which collections are searchable, which
 * actions each resource type has and with which parameters, and which
 * sub-collections hang below each resource type. The client binding, the
 * GraphQL schema generator and the resolvers all read it from here.
 */

import { type Batching, inlinableAt } from './relations.ts';
import type { Operation } from './rsdl.ts';
import type { XsdModel } from './xsd.ts';

export interface Collection {
  /** URL template relative to the API root: `vms/{vm:id}/disks`. */
  readonly path: string;
  /** The last segment, which is also the rel of the link that leads here. */
  readonly rel: string;
  readonly parent?: Collection;
  /** The item's schema type (`Disk`) and element (`disk`). */
  readonly itemType: string;
  readonly itemElement: string;
  /** The collection's schema type (`Disks`) and element (`disks`). */
  readonly collectionType: string;
  readonly collectionElement: string;
  /** The URL variable naming an item (`disk` in `{disk:id}`). */
  readonly idVar: string;
  /** Methods on the collection (GET, POST) and on an item (GET, PUT, DELETE). */
  readonly methods: ReadonlySet<string>;
  readonly itemMethods: ReadonlySet<string>;
  readonly searchable: boolean;
  /** URL parameters of the list operation (search, max, case_sensitive, ...). */
  readonly listParams: readonly string[];
  readonly add?: Operation;
  /** Actions on an item (`vms/{vm:id}/start`). */
  readonly actions: ReadonlyMap<string, Operation>;
  /** Actions on the collection itself (`hosts/{host:id}/nics/setupnetworks`, `events/undelete`). */
  readonly collectionActions: ReadonlyMap<string, Operation>;
  readonly sub: Collection[];
}

export class ApiModel {
  /** Every collection by URL template. */
  readonly collections = new Map<string, Collection>();
  /** Top-level collections, in RSDL order. */
  readonly top: Collection[] = [];

  /**
   * Whether the engine inlines links on request with `follow=` (API v4: any
   * sub-collection of a list, and what they reference), rather than only the
   * few `detail=` values of v3 (relations.ts).
   */
  readonly follows: boolean;

  constructor(
    readonly xsd: XsdModel,
    readonly operations: readonly Operation[],
    options: { follows?: boolean } = {},
  ) {
    this.follows = options.follows ?? false;
    const byPath = new Map<string, Operation[]>();
    for (const op of operations) {
      const list = byPath.get(op.href) ?? [];
      list.push(op);
      byPath.set(op.href, list);
    }
    // A collection is a path whose GET answers with a collection type.
    const paths = [...byPath.keys()].filter((p) =>
      byPath.get(p)!.some((op) => op.method === 'GET' && op.responseType && this.itemOf(op.responseType)),
    );
    paths.sort((a, b) => a.split('/').length - b.split('/').length);
    for (const path of paths) {
      const ops = byPath.get(path)!;
      const list = ops.find((op) => op.method === 'GET')!;
      const item = this.itemOf(list.responseType!)!;
      const itemPath = [...byPath.keys()].find((p) => p.startsWith(`${path}/{`) && /^\{[^}/]+\}$/.test(p.slice(path.length + 1)));
      const itemOps = itemPath ? byPath.get(itemPath)! : [];
      const idVar = itemPath ? /^\{([^:}]+)/.exec(itemPath.slice(path.length + 1))![1] : item.element.replace(/_/g, '');
      const actions = new Map<string, Operation>();
      if (itemPath) {
        for (const [p, pops] of byPath) {
          const rest = p.startsWith(`${itemPath}/`) ? p.slice(itemPath.length + 1) : undefined;
          if (!rest || rest.includes('/')) continue;
          const action = pops.find((op) => op.method === 'POST' && op.bodyType === 'Action' && op.rel === rest);
          if (action) actions.set(rest, action);
        }
      }
      const collectionActions = new Map<string, Operation>();
      for (const [p, pops] of byPath) {
        const rest = p.startsWith(`${path}/`) ? p.slice(path.length + 1) : undefined;
        if (!rest || rest.includes('/') || rest.startsWith('{')) continue;
        const action = pops.find((op) => op.method === 'POST' && op.bodyType === 'Action' && op.rel === rest);
        if (action) collectionActions.set(rest, action);
      }
      const segments = path.split('/');
      const parentPath = segments.length > 2 ? segments.slice(0, -2).join('/') : undefined;
      const parent = parentPath ? this.collections.get(parentPath) : undefined;
      const c: Collection = {
        path,
        rel: segments[segments.length - 1],
        parent,
        itemType: item.type,
        itemElement: item.element,
        collectionType: list.responseType!,
        collectionElement: this.elementOf(list.responseType!) ?? segments[segments.length - 1],
        idVar,
        methods: new Set(ops.map((op) => op.method)),
        itemMethods: new Set(itemOps.map((op) => op.method)),
        searchable: list.urlParams.some((p) => p.name === 'search'),
        listParams: list.urlParams.map((p) => p.name),
        add: ops.find((op) => op.method === 'POST'),
        actions,
        collectionActions,
        sub: [],
      };
      this.collections.set(path, c);
      if (parent) parent.sub.push(c);
      else if (!parentPath) this.top.push(c);
    }
  }

  /** The collection a top-level rel names (`vms`). */
  topLevel(rel: string): Collection | undefined {
    return this.top.find((c) => c.rel === rel);
  }

  /** Every place items of a type live (`Disk`: under VMs, templates, ...). */
  /** What the by-type questions below answered, kept: the model does not change, and binding asks them per item. */
  private readonly memo = new Map<string, unknown>();

  private remember<T>(key: string, make: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = make();
    this.memo.set(key, v);
    return v;
  }

  collectionsOf(itemType: string): readonly Collection[] {
    return this.remember(`in ${itemType}`, () => [...this.collections.values()].filter((c) => c.itemType === itemType));
  }

  /** Action names of a resource type, over every place it lives. */
  actionsOf(itemType: string): ReadonlyMap<string, Operation> {
    return this.remember(`actions ${itemType}`, () => {
      const out = new Map<string, Operation>();
      for (const c of this.collectionsOf(itemType)) for (const [n, op] of c.actions) if (!out.has(n)) out.set(n, op);
      return out;
    });
  }

  /** Sub-collections of a resource type by rel, over every place it lives. */
  subsOf(itemType: string): ReadonlyMap<string, Collection> {
    return this.remember(`subs ${itemType}`, () => {
      const out = new Map<string, Collection>();
      for (const c of this.collectionsOf(itemType)) for (const s of c.sub) if (!out.has(s.rel)) out.set(s.rel, s);
      return out;
    });
  }

  /** The sub-collections `detail=` inlines in a collection and its items (relations.ts). */
  inlinable(c: Collection): readonly string[] {
    return this.follows ? c.sub.map((s) => s.rel) : inlinableAt(c.path);
  }

  /**
   * How the sub-collection `rel` of resources of `parentType` is fetched for
   * many parents at once (relations.ts): inlined in a list of the parents,
   * grouped from the items' own top-level list by their reference to the
   * parent, or one request per parent.
   */
  batching(parentType: string, rel: string): Batching {
    return this.remember(`batching ${parentType}/${rel}`, (): Batching => {
      const top = this.top.find((c) => c.itemType === parentType);
      if (top && this.inlinable(top).includes(rel)) return 'inline';
      const sub = this.subsOf(parentType).get(rel);
      if (sub && this.parentReference(sub.itemType, parentType) && this.top.some((c) => c.itemType === sub.itemType)) return 'group';
      return 'each';
    });
  }

  /** The element of `itemType` that references one `parentType` (`disk.vm`), if any. */
  parentReference(itemType: string, parentType: string): string | undefined {
    return this.xsd.types.get(itemType)?.elements.find((e) => e.type === parentType && e.max === 1)?.name;
  }

  /** For a collection type (`VMs`): its repeated item element and that element's type. */
  itemOf(collectionType: string): { element: string; type: string } | undefined {
    if (!this.xsd.types.has(collectionType) || !this.xsd.isA(collectionType, 'BaseResources')) return undefined;
    // The most derived type's own repeated element: VirtualNumaNodes extends NumaNodes, and holds
    // vm_numa_node elements, not the host_numa_node it inherits.
    // A real 3.6 schema declares one collection (Balances) with its item at most once; its
    // only resource element is then the item.
    for (const repeated of [true, false]) {
      for (let t = this.xsd.types.get(collectionType); t; t = t.base ? this.xsd.types.get(t.base) : undefined) {
        const inherited = t.base ? (this.xsd.types.get(t.base)?.elements.length ?? 0) : 0;
        const f = t.elements
          .slice(inherited)
          .find((e) => (repeated ? e.max > 1 : this.xsd.isA(e.type, 'BaseResource')) && this.xsd.types.has(e.type));
        if (f) return { element: f.name, type: f.type };
      }
    }
    return undefined;
  }

  /** The global element of a type (`HostNIC` -> `host_nic`). */
  elementOf(type: string): string | undefined {
    for (const [el, t] of this.xsd.elements) if (t === type) return el;
    return undefined;
  }
}
