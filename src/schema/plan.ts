/**
 * From the API model to a plan of the GraphQL schema: every type, field,
 * root field and mutation, with what it maps to in the engine's API. The SDL
 * printer prints the plan; the resolvers read the same plan to know, for any
 * field, which XML element, reference, sub-collection or action it stands for.
 */
import type { ApiModel, Collection, ComplexType, Field, Operation, SearchEntity, XsdModel } from '../model/index.ts';
import { isOwnership, reachedObject, rsdlField, searchLanguage, throughOf } from '../model/index.ts';
import { CAPABILITY_ENUMS } from './capabilities.ts';
import { planCounts } from './counts.ts';
import { genericDescription, ourDescription } from './descriptions.ts';
import { planMutations } from './mutations.ts';
import { camel, enumValue, Namespace } from './names.ts';
import { planFieldFilter, planSubscriptions } from './subscriptions.ts';
import { gqlType, type TypeRef } from './type-ref.ts';

export type FieldKind =
  /** A scalar or enum element/attribute. */
  | 'scalar'
  /** A nested value object. */
  | 'object'
  /** A wrapper element read as a plain list (`<usages><usage>`, `<disks><disk>` inline). */
  | 'unwrap'
  /** A reference to another resource by id (`<cluster id href/>`). */
  | 'reference'
  /** A sub-collection the engine serves below the resource (`vms/{vm:id}/disks`). */
  | 'subcollection'
  /** The other direction of a reference, found by search or listing (`Cluster.vms`). */
  | 'reverse';

export interface PlanField {
  readonly name: string;
  /** Its GraphQL type (`[Disk!]!` is `{ named: 'Disk', list: true, required: true }`). */
  readonly type: TypeRef;
  readonly kind: FieldKind;
  readonly description?: string;
  readonly args?: readonly PlanArg[];
  /** The XML name of the element or attribute (scalar, object, unwrap, reference). */
  readonly xml?: string;
  /** unwrap: the repeated element inside the wrapper. */
  readonly item?: string;
  /** unwrap: its items are references to entities (`<storage_domains><storage_domain id/>`), loaded when more than ids is wanted. */
  readonly references?: boolean;
  /** reference/subcollection/reverse: the entity type reached. */
  readonly target?: string;
  /** subcollection: the rel below the parent; reverse: the collection searched and the reference field followed. */
  readonly rel?: string;
  readonly via?: { readonly collection: string; readonly field: string };
  /** subcollection: a shortcut through it, to the resource each item references (`Vm.disks` through `diskattachments` to `disk`). */
  readonly through?: string;
  /** scalar: how to convert (Long and DateTime need care). */
  readonly scalar?: string;
}

export interface PlanArg {
  readonly name: string;
  readonly type: TypeRef;
  readonly description?: string;
}

export interface PlanType {
  readonly name: string;
  readonly kind: 'object' | 'input' | 'enum';
  readonly description?: string;
  readonly fields: PlanField[];
  /** Entities get `@key(fields: "id")`; value types `@shareable`. */
  readonly entity?: boolean;
  readonly values?: readonly string[];
  /** enum: the engine's value for each GraphQL value, in the same order. */
  readonly wire?: readonly string[];
  /** The schema type the object or input stands for. */
  readonly xsdType?: string;
}

export type RootKind =
  | 'api'
  | 'capabilities'
  | 'list'
  | 'item'
  | 'count'
  | 'statusCounts'
  | 'action'
  | 'create'
  | 'update'
  | 'delete'
  | 'watch'
  | 'watchAll';

export interface RootField {
  readonly name: string;
  readonly kind: RootKind;
  readonly type: TypeRef;
  readonly args: readonly PlanArg[];
  readonly description?: string;
  /** The collection it works on (list, item, action, create, update, delete, watch). */
  readonly collection?: Collection;
  /** action: the action's name and operation. */
  readonly action?: string;
  readonly operation?: Operation;
  /** action: the argument names carrying the ids of the ancestors, outermost first. */
  readonly parentIds?: readonly string[];
}

export interface SchemaPlan {
  readonly types: Map<string, PlanType>;
  readonly query: RootField[];
  readonly mutation: RootField[];
  readonly subscription: RootField[];
  /** What the generator could not know (said in the output's header). */
  readonly notes: string[];
  /** Entity types with a top-level collection, by GraphQL type name. */
  readonly entities: Set<string>;
}

const SKIP_IN_INPUT = new Set(['actions', 'link', 'href', 'creation_status']);
const COUNTERS = new Set(['actions', 'size', 'total', 'active']);
const PAGE_ARGS: PlanArg[] = [
  { name: 'search', type: gqlType('String'), description: 'An engine search, such as `name=web* and status=up sortby name`.' },
  { name: 'max', type: gqlType('Int'), description: 'At most this many items.' },
  { name: 'page', type: gqlType('Int'), description: 'Page of the search (with max as the page size), from 1.' },
  { name: 'caseSensitive', type: gqlType('Boolean'), description: "Case-sensitive search (the engine's default is true)." },
  {
    name: 'filter',
    type: gqlType('FieldFilter', { list: true }),
    description: 'Client-side matching on any field path, with * and ? wildcards.',
  },
];

/** The arguments a list takes: all of them where the engine can search the collection, else only max and filter. */
function pageArgs(c: Collection): PlanArg[] {
  if (!c.searchable) return PAGE_ARGS.filter((a) => a.name === 'max' || a.name === 'filter');
  const language = c.parent ? undefined : searchLanguage(c.rel);
  if (!language) return PAGE_ARGS;
  const fields = language.fields.filter((f) => !f.startsWith('_'));
  return [
    ...PAGE_ARGS.map((a) => (a.name === 'search' ? { ...a, description: searchDescription(language) } : a)),
    {
      name: 'sortBy',
      type: gqlType('String'),
      description: `Sort by this search field, in the engine (the search's \`sortby\`): ${fields.join(', ')}.`,
    },
    { name: 'descending', type: gqlType('Boolean'), description: 'With sortBy: largest first.' },
  ];
}

/** What a collection's searches may say, from the engine's own facts (model/search.ts). */
function searchDescription(language: SearchEntity): string {
  const fields = language.fields.filter((f) => !f.startsWith('_'));
  const reached = language.crossRefs.filter((r) => reachedObject(r));
  const example = reached[0]
    ? ` Other objects by their fields or name: ${reached.join(', ')} (\`${reached[0]}.name=x\`, \`${reached[0]}=x\`).`
    : '';
  return `An engine search, such as \`name=web* and status=up sortby name\`. Fields: ${fields.join(', ')}.${example}`;
}

export interface CrudVerbs {
  readonly create: string;
  readonly update: string;
  readonly delete: string;
}

/** The words of API v3's schema. */
export const V3_VERBS: CrudVerbs = { create: 'create', update: 'update', delete: 'delete' };
/** The words of a v4 model's methods. */
export const V4_VERBS: CrudVerbs = { create: 'add', update: 'update', delete: 'remove' };

export interface PlanOptions {
  /** False when the model was built without an RSDL. */
  hasRsdl?: boolean;
  /**
   * The words of the create, update and delete mutations: v3's schema says
   * `createVm`, `updateVm`, `deleteVm`; a v4 schema takes its model's method
   * names (`addVm`, `updateVm`, `removeVm`).
   */
  verbs?: CrudVerbs;
  /** Capability value lists (`{ vm_types: [...] }`) that turn governed string fields into enums. */
  capabilities?: Readonly<Record<string, readonly string[]>>;
  /** An engine's own documentation by XSD name (`Vm`, `Vm.memory`), from its model.json (services.ts modelDocs). */
  docs?: ReadonlyMap<string, string>;
}

/**
 * The plan of the GraphQL schema of an API model: every type, field, root
 * field and mutation, each with what it stands for in the engine's API.
 */
export function planSchema(api: ApiModel, options: PlanOptions = {}): SchemaPlan {
  return new PlanBuilder(api, options).build();
}

/**
 * Builds a plan in passes over the API model, each a method: entities and
 * capability enums first, then the output types reachable from the roots,
 * the reverse relations, the query roots, the mutations with their inputs,
 * and the subscriptions. Types are made on demand (wantObject, wantInput)
 * and built when a pass drains the queues.
 */
export class PlanBuilder {
  readonly xsd: XsdModel;
  private readonly notes: string[] = [];
  readonly types = new Map<string, PlanType>();
  readonly typeNames = new Namespace('GraphQL type');
  /** Which schema types are entities: items of a collection, with an id. */
  readonly entityTypes = new Set<string>();
  private readonly topLevelOf = new Map<string, Collection>();
  /** `Type.field` -> capability enum, for the fields the engine's capabilities govern. */
  private readonly capabilityEnums = new Map<string, { name: string; values: readonly string[] }>();
  private readonly objectQueue: string[] = [];
  private readonly inputQueue: string[] = [];
  readonly query: RootField[] = [];
  readonly rootNames = new Namespace('Query field');
  readonly mutation: RootField[] = [];
  readonly mutationNames = new Namespace('Mutation');
  readonly subscription: RootField[] = [];
  readonly verbs: CrudVerbs;

  constructor(
    readonly api: ApiModel,
    private readonly options: PlanOptions,
  ) {
    this.xsd = api.xsd;
    this.verbs = options.verbs ?? V3_VERBS;
  }

  build(): SchemaPlan {
    this.indexEntities();
    this.indexCapabilities();
    this.objects();
    this.reverseRelations();
    this.queries();
    if (this.options.hasRsdl !== false) planMutations(this);
    else
      this.notes.push(
        'No RSDL was given: actions, and create/update/delete mutations, are left out (the XSD does not say which exist), and every collection the XSD defines is offered at the top level.',
      );
    this.inputs();
    // Payloads may name types no query reaches (Job, Fault, Action).
    this.drainObjects();
    planCounts(this, this.entryType());
    planSubscriptions(this);
    planFieldFilter(this);
    const { types, query, mutation, subscription, notes, entityTypes } = this;
    return { types, query, mutation, subscription, notes, entities: new Set([...entityTypes].filter((t) => types.has(t))) };
  }
  private indexEntities(): void {
    for (const c of this.api.collections.values()) {
      const t = this.xsd.types.get(c.itemType);
      if (t?.field.has('id') && this.xsd.isA(c.itemType, 'BaseResource')) this.entityTypes.add(c.itemType);
    }
    for (const c of this.api.top) if (!this.topLevelOf.has(c.itemType)) this.topLevelOf.set(c.itemType, c);
  }

  /** A wrapper is read as a list: collections (`VMs`), and value lists (`Usages`: usage*). */
  wrapperItem(type: string): Field | undefined {
    const t = this.xsd.types.get(type);
    if (!t) return undefined;
    if (this.xsd.isA(type, 'BaseResources')) {
      const items = t.elements.filter((e) => !COUNTERS.has(e.name) && e.max > 1);
      return items.length === 1 ? items[0] : undefined;
    }
    if (t.attributes.length || t.textType || t.base) return undefined;
    const els = t.elements;
    return els.length === 1 && els[0].max > 1 ? els[0] : undefined;
  }

  private indexCapabilities(): void {
    for (const [list, values] of Object.entries(this.options.capabilities ?? {})) {
      const e = CAPABILITY_ENUMS[list];
      if (e && values.length) for (const f of e.fields) this.capabilityEnums.set(f, { name: e.name, values });
    }
  }

  private capabilityEnum(owner: string, field: string): string | undefined {
    for (const [key, e] of this.capabilityEnums) {
      const [t, f] = key.split('.');
      if (f !== field || !this.xsd.isA(owner, t)) continue;
      if (!this.types.has(e.name)) {
        this.typeNames.add(e.name, `capability list of ${key}`);
        this.types.set(e.name, {
          name: e.name,
          kind: 'enum',
          description: `Legal values of ${key} on this engine (from /api/capabilities).`,
          fields: [],
          values: e.values.map(enumValue),
          wire: e.values,
        });
      }
      return e.name;
    }
    return undefined;
  }

  private scalarOf(type: string): { gql: string; scalar: string } {
    const simple = this.xsd.simpleTypes.get(type);
    if (simple?.values.length) return { gql: this.enumFor(type), scalar: 'enum' };
    switch (this.xsd.scalarKind(type)) {
      case 'boolean':
        return { gql: 'Boolean', scalar: 'boolean' };
      case 'int':
        return { gql: 'Int', scalar: 'int' };
      case 'long':
        return { gql: 'Long', scalar: 'long' };
      case 'decimal':
        return { gql: 'Float', scalar: 'decimal' };
      case 'dateTime':
        return { gql: 'DateTime', scalar: 'dateTime' };
      default:
        return { gql: 'String', scalar: 'string' };
    }
  }

  private enumFor(type: string): string {
    if (!this.types.has(type)) {
      const simple = this.xsd.simpleTypes.get(type)!;
      this.typeNames.add(type, `xs:simpleType ${type}`);
      this.types.set(type, {
        name: type,
        kind: 'enum',
        description: simple.doc ?? ourDescription(type),
        fields: [],
        values: simple.values.map(enumValue),
        wire: simple.values,
      });
    }
    return type;
  }

  wantObject(type: string): string {
    if (!this.types.has(type) && !this.objectQueue.includes(type)) this.objectQueue.push(type);
    return type;
  }

  private objectField(owner: ComplexType, f: Field): PlanField {
    const name = camel(f.name);
    const doc = f.doc ?? this.options.docs?.get(`${owner.name}.${f.name}`);
    if (owner.name && f.name === 'id' && this.entityTypes.has(owner.name))
      return {
        name,
        // Resources of a top-level collection always carry their id; others are also embedded by value where the
        // engine gives no id (a host's <certificate>, a VM's <statistics> in a follow), so theirs may be absent.
        type: gqlType('ID', { required: this.topLevelOf.has(owner.name) }),
        kind: 'scalar',
        xml: f.name,
        scalar: 'string',
        description: doc ?? "The engine's id of this object.",
      };
    if (!this.xsd.types.has(f.type)) {
      const capEnum = this.capabilityEnum(owner.name, f.name);
      const s = capEnum ? { gql: capEnum, scalar: 'enum' } : this.scalarOf(f.type);
      return { name, type: gqlType(s.gql, { list: f.max > 1 }), kind: 'scalar', xml: f.name, scalar: s.scalar, description: doc };
    }
    // Collections read as lists inside resources; elsewhere (the entry point's
    // summary: `vms { total active }`) their counters are the point, so they stay objects.
    const inner = this.xsd.isA(f.type, 'BaseResources') && !this.xsd.isA(owner.name, 'BaseResource') ? undefined : this.wrapperItem(f.type);
    if (inner) {
      const itemType = this.xsd.types.has(inner.type) ? this.wantObject(inner.type) : this.scalarOf(inner.type).gql;
      return {
        name,
        type: gqlType(itemType, { list: true }),
        kind: 'unwrap',
        xml: f.name,
        item: inner.name,
        description: doc,
        target: this.xsd.types.has(inner.type) ? inner.type : undefined,
        references: this.entityTypes.has(inner.type) || undefined,
      };
    }
    if (this.entityTypes.has(f.type)) {
      return {
        name,
        type: gqlType(this.wantObject(f.type), { list: f.max > 1 }),
        kind: 'reference',
        xml: f.name,
        target: f.type,
        description: doc,
      };
    }
    return { name, type: gqlType(this.wantObject(f.type), { list: f.max > 1 }), kind: 'object', xml: f.name, description: doc };
  }

  private buildObject(typeName: string): void {
    const t = this.xsd.type(typeName);
    const fieldNames = new Namespace(`Field of ${typeName}:`);
    const fields: PlanField[] = [];
    for (const f of t.fields) {
      if (f.name === 'actions') continue; // the actions a type has are its mutations
      const pf = this.objectField(t, f);
      fieldNames.add(pf.name, `<${f.name}>`);
      fields.push(pf);
    }
    if (t.textType) {
      const s = this.scalarOf(t.textType);
      fieldNames.add('value', 'the element text');
      fields.unshift({
        name: 'value',
        type: gqlType(s.gql),
        kind: 'scalar',
        xml: '$value',
        scalar: s.scalar,
        description: "The element's own value.",
      });
    }
    // Sub-collections the engine serves below this type replace the inline element of the same name.
    for (const [rel, c] of this.api.subsOf(typeName)) {
      // Rels have no word breaks (`storagedomains`); the collection's element has (`storage_domains`).
      // The type's own element for it, when it has one (v4's Cluster.enabled_features for `enabledfeatures`), names it.
      const own = rsdlField(t.field, rel);
      const name = own ? camel(own) : c.collectionElement.replace(/_/g, '') === rel ? camel(c.collectionElement) : camel(rel);
      // Nullable: it costs a request of its own, and a failed one must not take the parent (and its list) with it.
      const pf: PlanField = {
        name,
        type: gqlType(this.wantObject(c.itemType), { list: true }),
        kind: 'subcollection',
        rel,
        target: c.itemType,
        args: pageArgs(c),
        description: `The ${rel} below this ${typeName} (${c.path}).`,
      };
      const i = fields.findIndex((f) => f.name === name);
      if (i >= 0) fields[i] = { ...pf, xml: fields[i].xml };
      else {
        fieldNames.add(name, `sub-collection ${c.path}`);
        fields.push(pf);
      }
    }
    this.shortcuts(typeName, fields, fieldNames);
    this.types.set(typeName, {
      name: typeName,
      kind: 'object',
      description: t.doc ?? this.options.docs?.get(typeName) ?? ourDescription(typeName) ?? genericDescription(typeName),
      fields,
      entity: this.entityTypes.has(typeName),
      xsdType: typeName,
    });
  }

  /** Fields through attachment sub-collections (relations.ts THROUGH): `Vm.disks`, the disks of its disk attachments. */
  private shortcuts(typeName: string, fields: PlanField[], fieldNames: Namespace): void {
    for (const [rel, c] of this.api.subsOf(typeName)) {
      const via = throughOf(rel);
      const ref = via ? this.xsd.types.get(c.itemType)?.field.get(via) : undefined;
      if (!via || !ref || !this.entityTypes.has(ref.type)) continue;
      const name = camel(`${via}s`);
      // A sub-collection of that name where the type is seen elsewhere (a VM's disks in an export domain) is served by the same field.
      const i = fields.findIndex((f) => f.name === name);
      if (i >= 0 && fields[i].kind !== 'subcollection') continue;
      if (i < 0) fieldNames.add(name, `the ${via}s of ${rel}`);
      fields.splice(i < 0 ? fields.length : i, i < 0 ? 0 : 1, {
        name,
        type: gqlType(this.wantObject(ref.type), { list: true }),
        kind: 'subcollection',
        rel,
        through: via,
        target: ref.type,
        description: `The ${via}s of this ${typeName}'s ${rel}: a shortcut through them (${c.path}).`,
      });
    }
  }

  private drainObjects(): void {
    while (this.objectQueue.length) {
      const next = this.objectQueue.shift()!;
      if (!this.types.has(next)) {
        this.typeNames.add(next, `xs:complexType ${next}`);
        this.buildObject(next);
      }
    }
  }

  /** Roots: the entry point, capabilities, and every top-level collection's items; then what they reach. */
  private objects(): void {
    const entry = this.entryType();
    for (const name of [
      ...(entry ? [entry] : []),
      ...this.api.top.map((c) => c.itemType),
      ...(this.xsd.types.has('Capabilities') ? ['Capabilities'] : []),
    ])
      if (this.xsd.types.has(name)) this.wantObject(name);
    this.drainObjects();
  }

  /** The entry point's type: the type of the `<api>` document (v3's `API`, v4's `Api`). */
  private entryType(): string | undefined {
    return this.xsd.elements.get('api');
  }

  private reverseRelations(): void {
    // Reverse relationships: for each ownership reference of a top-level collection's items
    // (model/relations.ts), the referenced type gets the list of items pointing at it (Cluster.vms).
    for (const c of this.api.top) {
      const t = this.xsd.types.get(c.itemType);
      if (!t) continue;
      for (const f of t.elements) {
        if (!this.entityTypes.has(f.type) || f.max > 1 || f.type === c.itemType || !isOwnership(c.rel, c.itemType, f.name)) continue;
        const target = this.types.get(f.type);
        if (!target || !this.topLevelOf.has(f.type)) continue;
        const name = camel(c.collectionElement);
        if (target.fields.some((x) => x.name === name)) continue; // the engine serves it already, or the name is taken
        target.fields.push({
          name,
          type: gqlType(c.itemType, { list: true }),
          kind: 'reverse',
          target: c.itemType,
          via: { collection: c.path, field: f.name },
          args: pageArgs(c),
          description: `The ${c.rel} whose ${f.name} is this ${f.type}${c.searchable ? ' (one search for all parents)' : ''}.`,
        });
      }
    }
  }

  /** The query roots: the entry point, the capabilities, and a list and an item field for every top-level collection. */
  private queries(): void {
    const entry = this.entryType();
    if (entry && this.types.has(entry))
      this.query.push({
        name: this.rootNames.add('api', 'the entry point'),
        kind: 'api',
        type: gqlType(entry, { required: true }),
        args: [],
        description: 'The entry point: product, version and inventory summary.',
      });
    const caps = this.api.topLevel('capabilities');
    if (caps && this.types.has('Capabilities')) {
      this.query.push({
        name: this.rootNames.add('capabilities', caps.path),
        kind: 'capabilities',
        type: gqlType('Capabilities'),
        args: [],
        collection: caps,
        description: 'What each compatibility version supports.',
      });
    }
    for (const c of this.api.top) {
      if (c.path === 'capabilities' || !this.entityTypes.has(c.itemType)) continue;
      const plural = camel(c.collectionElement);
      const singular = camel(c.itemElement);
      const args = pageArgs(c);
      this.query.push({
        name: this.rootNames.add(plural, c.path),
        kind: 'list',
        type: gqlType(c.itemType, { list: true, required: true }),
        args,
        collection: c,
        description: `List ${c.rel}${c.searchable ? ', or search them' : ''}.`,
      });
      if (c.itemMethods.has('GET') || !this.options.hasRsdl) {
        this.query.push({
          name: this.rootNames.add(singular, `${c.path}/{id}`),
          kind: 'item',
          type: gqlType(c.itemType),
          args: [{ name: 'id', type: gqlType('ID', { required: true }) }],
          collection: c,
          description: `One ${c.itemType} by id; null when there is none.`,
        });
      }
    }
  }

  wantInput(type: string): string {
    const name = `${type}Input`;
    if (!this.types.has(name) && !this.inputQueue.includes(type)) this.inputQueue.push(type);
    return name;
  }

  inputTypeOf(owner: string, f: Field): TypeRef {
    if (!this.xsd.types.has(f.type)) return gqlType(this.capabilityEnum(owner, f.name) ?? this.scalarOf(f.type).gql, { list: f.max > 1 });
    const inner = this.wrapperItem(f.type);
    if (inner) return gqlType(this.xsd.types.has(inner.type) ? this.wantInput(inner.type) : this.scalarOf(inner.type).gql, { list: true });
    return gqlType(this.wantInput(f.type), { list: f.max > 1 });
  }

  /** Builds the input types the mutations asked for (they may ask for more as they go). */
  private inputs(): void {
    while (this.inputQueue.length) {
      const type = this.inputQueue.shift()!;
      const name = `${type}Input`;
      if (this.types.has(name)) continue;
      this.typeNames.add(name, `input of xs:complexType ${type}`);
      const t = this.xsd.type(type);
      const fields: PlanField[] = [];
      // Registered before its fields are built: input types refer to themselves.
      this.types.set(name, { name, kind: 'input', description: t.doc, fields, xsdType: type });
      for (const f of t.fields) {
        if (SKIP_IN_INPUT.has(f.name)) continue;
        fields.push({
          name: camel(f.name),
          type: f.name === 'id' ? gqlType('ID') : this.inputTypeOf(type, f),
          kind: this.xsd.types.has(f.type) ? (this.wrapperItem(f.type) ? 'unwrap' : 'object') : 'scalar',
          xml: f.name,
          item: this.wrapperItem(f.type)?.name,
          description: f.doc,
        });
      }
      if (t.textType) fields.unshift({ name: 'value', type: gqlType(this.scalarOf(t.textType).gql), kind: 'scalar', xml: '$value' });
      if (!fields.length)
        fields.push({ name: '_empty', type: gqlType('Boolean'), kind: 'scalar', description: 'This type has no settable fields.' });
    }
  }
}

export type { XsdModel };
