/**
 * The synchronous executor: a query whose data is all at hand, answered in
 * one pass without a promise, a path object or a closure per value.
 *
 * Over engine data the freshness window already holds, a 1,000-VM dashboard
 * is a walk through objects in memory: every relation is a map lookup or an
 * inlined list (loaders.ts), every resolver answers at once. graphql-js and
 * graphql-jit still pay there for what the walk might have needed: graphql-js
 * builds an info object, a path and a promise check per field of every
 * object; graphql-jit's compiled code allocates a resolve info, a path chain,
 * three closures per resolver call, and the error locations and path of
 * every leaf in case it fails. Most of a shared-data query's CPU went to that
 * and to collecting it (issue 26 point 3; docs/performance-analysis.md).
 *
 * This executor only answers what ends well, and leaves everything else to
 * the executors that know every case:
 *
 * 1. Root fields are resolved as graphql-js resolves them (all started, then
 *    awaited), and each value, settled or not, is kept in the `roots` map the
 *    caller hands in, by response key. If the walk gives up, graphql-jit or
 *    graphql-js runs the query over the same context, and the root resolvers
 *    answer from that map (resolvers/build.ts): no engine request is made
 *    twice.
 * 2. The walk below the roots is synchronous. It gives up (returns
 *    undefined) at the first thing that is not a plain success: a resolver
 *    that returns a promise or an Error or throws, a null where the schema
 *    says non-null, a leaf its scalar cannot serialize, an abstract type, a
 *    value that is not an array where a list is wanted, a root field that
 *    fails. Those are where errors, paths and null propagation matter, and
 *    where the other executors are exact. A promise met on the way gets a
 *    handler, so that its failure (which the next run will report) is not an
 *    unhandled rejection; the loads it started are DataLoader's, which the
 *    next run finds cached.
 * 3. Where it answers, the answer is what graphql-js would give: fields
 *    collected by graphql-js's own `collectFields` (fragments, @skip and
 *    @include, merged response keys, in order), arguments read by its
 *    `getArgumentValues` once per field and run, a field without a resolver
 *    read as its default resolver reads it, leaves serialized by their own
 *    types. Resolvers receive a resolve info per field whose `path` is the
 *    current one when read.
 *
 * test/server/synchronous.test.ts holds its answers to graphql-js's over the
 * README's and the bench's queries, and its request counts to the others'.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getArgumentValues,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type ResponsePath,
  TypeNameMetaFieldDef,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';

/** Thrown inside the walk to leave it: the query is not one this executor answers (see 2). */
const GIVE_UP: unique symbol = Symbol('give up');

/** The values of root fields resolved by a run that gave up, by response key, for the run after it (see 1). */
export type RootValues = Map<string, unknown>;

/** What one run needs: the operation, its coerced variables and context, and where root values are kept. */
export interface SynchronousRun {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** Variables as graphql-js coerced them (getVariableValues). */
  readonly variableValues: { readonly [name: string]: unknown };
  readonly contextValue: unknown;
  readonly roots: RootValues;
}

/** How a value of one type at one place of the query becomes its answer (built once per run, not per value). */
type Completer = (value: unknown) => unknown;

/** A field as one run resolves it on every object of its parent type: resolver, arguments, info and completion read once. */
interface FieldPlan {
  readonly key: string;
  readonly name: string;
  readonly resolve: GraphQLFieldResolver<unknown, unknown> | undefined;
  readonly args: { [argument: string]: unknown };
  readonly info: GraphQLResolveInfo;
  readonly complete: Completer;
}

/**
 * Answers a query whose data is all at hand, or gives up (undefined: the
 * caller runs graphql-jit or graphql-js, with `run.roots` kept).
 */
export async function executeSynchronously(run: SynchronousRun): Promise<ExecutionResult | undefined> {
  const walk = new Walk(run);
  const rootType = run.schema.getQueryType();
  if (run.operation.operation !== 'query' || !rootType) return undefined;
  let fields: readonly FieldPlan[] | undefined;
  try {
    fields = walk.plansOf(rootType, collectFields(run.schema, walk.fragments, run.variableValues, rootType, run.operation.selectionSet));
  } catch {
    // Arguments graphql-js cannot read: graphql-js says so.
    return undefined;
  }
  if (!fields) return undefined;
  // Started together and awaited together, as graphql-js runs a query's root fields.
  const values = fields.map((f) => walk.root(f));
  let settled: unknown[];
  try {
    settled = await Promise.all(values);
  } catch {
    return undefined;
  }
  try {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) data[fields[i].key] = walk.field(fields[i], settled[i]);
    return { data };
  } catch {
    // GIVE_UP, or anything else thrown on the way (a scalar refusing a value): the other executors' to report.
    return undefined;
  }
}

/** One run's walk: its fragments, its field plans, and the path being walked. */
class Walk {
  readonly fragments: { [name: string]: FragmentDefinitionNode } = Object.create(null);
  /** The response path of the value being walked: keys and list indexes, root first. */
  private readonly path: (string | number)[] = [];

  constructor(private readonly run: SynchronousRun) {
    for (const d of run.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments[d.name.value] = d;
  }

  /** The plans of fields collected on a type; undefined where one is outside this executor (introspection). */
  plansOf(parentType: GraphQLObjectType, collected: Map<string, readonly FieldNode[]>): readonly FieldPlan[] | undefined {
    const out: FieldPlan[] = [];
    for (const [key, nodes] of collected) {
      const name = nodes[0].name.value;
      const def: GraphQLField<unknown, unknown> | undefined =
        name === TypeNameMetaFieldDef.name ? TypeNameMetaFieldDef : parentType.getFields()[name];
      if (!def) return undefined;
      out.push({
        key,
        name,
        resolve: def.resolve,
        args: argumentsOf(def, nodes[0], this.run),
        info: this.info(def, nodes, parentType),
        complete: this.completer(def.type, nodes),
      });
    }
    return out;
  }

  /** A root field's value as its resolver gives it (settled or not), kept in `roots` (see 1). */
  root(f: FieldPlan): unknown {
    let value: unknown;
    try {
      value = this.resolve(f);
    } catch (e) {
      value = Promise.reject(e);
    }
    this.run.roots.set(f.key, value);
    return value;
  }

  /** A field's value on its parent, completed. */
  field(f: FieldPlan, value: unknown): unknown {
    this.path.push(f.key);
    const done = f.complete(value);
    this.path.pop();
    return done;
  }

  /** How values of `type` selected by `nodes` are completed; the type is looked at here, once. */
  private completer(type: GraphQLOutputType, nodes: readonly FieldNode[]): Completer {
    if (isNonNullType(type)) {
      const inner = this.completer(type.ofType, nodes);
      return (value) => {
        if (value === null || value === undefined) throw GIVE_UP;
        return inner(value);
      };
    }
    if (isLeafType(type))
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'object') settledOrGiveUp(value);
        const serialized = type.serialize(value);
        if (serialized === null || serialized === undefined) throw GIVE_UP;
        return serialized;
      };
    if (isListType(type)) {
      const item = this.completer(type.ofType, nodes);
      return (value) => {
        if (value === null || value === undefined) return null;
        settledOrGiveUp(value);
        if (!Array.isArray(value)) throw GIVE_UP;
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          this.path.push(i);
          out[i] = item(value[i]);
          this.path.pop();
        }
        return out;
      };
    }
    // An abstract type (none is reached from our root queries), or a type that checks its objects: the others'.
    if (!isObjectType(type) || type.isTypeOf) return () => giveUp();
    let fields: readonly FieldPlan[] | undefined;
    let make: ObjectMaker | undefined;
    return (value) => {
      if (value === null || value === undefined) return null;
      settledOrGiveUp(value);
      if (!fields) {
        // Collected at the first object, the same for every other (graphql-js memoizes it alike).
        fields = this.plansOf(type, collectSubfields(this.run.schema, this.fragments, this.run.variableValues, type, nodes)) ?? giveUp();
        make = objectMaker(fields);
      }
      return make!(value as Record<string, unknown>, fields, this);
    };
  }

  /** A stored value, as graphql-js's default resolver reads it: a function there it would call, which is not ours to do. */
  stored(value: unknown): unknown {
    if (typeof value === 'function') throw GIVE_UP;
    return value;
  }

  /** A field's resolver's value on `source`, the field's key on the path meanwhile. */
  call(f: FieldPlan, source: unknown): unknown {
    this.path.push(f.key);
    try {
      return f.resolve!(source, f.args, this.run.contextValue, f.info);
    } finally {
      this.path.pop();
    }
  }

  /** A root field's raw value: its resolver's, or what graphql-js's default resolver reads (nothing, on no root value). */
  private resolve(f: FieldPlan): unknown {
    return f.resolve ? this.call(f, undefined) : undefined;
  }

  /** A field's resolve info, one per field plan: its `path` is read off the walk when asked for. */
  private info(def: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[], parentType: GraphQLObjectType): GraphQLResolveInfo {
    const walk = this;
    return {
      fieldName: def.name,
      fieldNodes: nodes,
      returnType: def.type,
      parentType,
      get path() {
        return walk.responsePath();
      },
      schema: this.run.schema,
      fragments: this.fragments,
      rootValue: undefined,
      operation: this.run.operation,
      variableValues: this.run.variableValues,
    };
  }

  private responsePath(): ResponsePath {
    let path: ResponsePath | undefined;
    for (const key of this.path) path = { prev: path, key, typename: undefined };
    return path!;
  }
}

/**
 * Builds a result object from its source: one function per selection shape
 * (response keys, and which fields have resolvers), compiled once and kept,
 * so that V8 sees constant property names and one object shape per
 * selection where a loop over the fields would make every read and write a
 * lookup by name. Names come from the schema and keys from the parsed
 * query, both GraphQL names ([_A-Za-z][_0-9A-Za-z]*), and are written as
 * JSON strings besides.
 */
type ObjectMaker = (source: Record<string, unknown>, fields: readonly FieldPlan[], walk: Walk) => Record<string, unknown>;

const makers = new Map<string, ObjectMaker>();
const MAX_MAKERS = 2000;

function objectMaker(fields: readonly FieldPlan[]): ObjectMaker {
  // An own property by that name would set the prototype in an object literal: left to graphql-js.
  if (fields.some((f) => f.key === '__proto__')) return giveUp();
  const members = fields.map((f, i) => {
    const value = f.resolve ? `w.call(f[${i}], s)` : `w.stored(s[${JSON.stringify(f.name)}])`;
    return `${JSON.stringify(f.key)}: w.field(f[${i}], ${value})`;
  });
  const code = `"use strict"; return function object(s, f, w) { return { ${members.join(', ')} }; };`;
  let make = makers.get(code);
  if (!make) {
    make = new Function(code)() as ObjectMaker;
    if (makers.size >= MAX_MAKERS) makers.delete(makers.keys().next().value!);
    makers.set(code, make);
  }
  return make;
}

function giveUp(): never {
  throw GIVE_UP;
}

/**
 * A value that is an Error or a promise ends the walk (see 2). A promise is
 * given a handler first: the run after this one reports its failure.
 */
function settledOrGiveUp(value: object): void {
  if (value instanceof Error) throw GIVE_UP;
  const then = (value as { then?: unknown }).then;
  if (typeof then === 'function') {
    Promise.resolve(value).catch(() => undefined);
    throw GIVE_UP;
  }
}

/** A field's arguments as graphql-js reads them, once per run (they depend on the node and the variables only). */
function argumentsOf(def: GraphQLField<unknown, unknown>, node: FieldNode, run: SynchronousRun): { [argument: string]: unknown } {
  // A value graphql-js cannot read throws here, and graphql-js reports it.
  return def.args.length ? getArgumentValues(def, node, run.variableValues as { [name: string]: unknown }) : {};
}
