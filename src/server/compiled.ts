/**
 * Queries executed by compiled code (graphql-jit) instead of graphql-js's
 * interpreter: the same schema, resolvers, context and answers, without
 * walking the document for every object of a 1,000-VM list (bench section 7
 * measures the two side by side).
 *
 * 1. Only queries. Mutations run one field after another with effects, and
 *    subscriptions are long-lived: graphql-js runs both.
 * 2. A query is compiled the second time it is seen (its document as
 *    printed, so comments and spacing do not make another, and its
 *    operation name), not the first: compiling costs far more than running
 *    once, and a stranger sending ever new queries would otherwise buy a
 *    compilation with each. Both caches are bounded (least recently used
 *    first out).
 * 3. Where a router asks for a federated trace (`ftv1`), where the query
 *    reaches the federation fields (`_entities`, `_service`: their resolvers
 *    read more of `info` than graphql-jit builds), where it answers under
 *    the alias `__proto__` (hasProtoAlias), or where graphql-jit cannot
 *    compile the query, graphql-js runs it.
 * 4. Errors leave as graphql-js's do: the HTTP adapter formats them as
 *    Apollo would (a code for each, then format.ts), and the WebSocket's go
 *    through ws.ts's formatting like any other.
 * 5. Before either, the synchronous executor (execution/synchronous.ts)
 *    tries any query, from its first sight (it compiles nothing that
 *    costs): where all the data is at hand (the window holds it) it answers
 *    in one pass; where it gives up, compiled code or graphql-js runs the
 *    query, and the root fields it had resolved are not resolved again. Not
 *    with batching off (the naive way): its loads are not cached, so one the
 *    walk started would be sent again.
 *
 * test/server/compiled.test.ts holds the answers of both to be identical
 * over the README's and the bench's queries and the errors they can give;
 * test/server/synchronous.test.ts those of the synchronous executor.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  print,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { executeSynchronously } from '../execution/index.ts';
import type { Context } from '../resolvers/context.ts';

/** Query texts remembered as seen once, and queries kept compiled. */
const MAX_SEEN = 2000;
const MAX_COMPILED = 500;

/** Root fields graphql-js must run (see 3). */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

function touches(set: SelectionSetNode | undefined, names: ReadonlySet<string>): boolean {
  return !!set?.selections.some((s) =>
    s.kind === Kind.FIELD ? names.has(s.name.value) : s.kind === Kind.INLINE_FRAGMENT && touches(s.selectionSet, names),
  );
}

/**
 * Whether a document answers under the key `__proto__` (an alias): graphql-jit
 * writes results as object literals, where that key sets the prototype and
 * the value is lost (graphql-js answers it as a member). graphql-js runs it.
 */
function hasProtoAlias(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.alias?.value === '__proto__') found = true;
    },
  });
  return found;
}

export class CompiledQueries {
  private readonly seen = new Map<string, true>();
  private readonly compiled = new Map<string, CompiledQuery | null>();
  /** Documents as printed, by the parsed document (Apollo parses a text once and keeps the document). */
  private readonly printed = new WeakMap<DocumentNode, string>();
  constructor(
    private readonly schema: GraphQLSchema,
    /** Told of each query run by the synchronous executor or compiled code (metrics). */
    private readonly onRun: (executor: 'synchronous' | 'graphql-jit') => void = () => undefined,
  ) {}

  /** The compiled form of a query (checked by run: see 3), once it may have one (see 2); undefined: graphql-js runs it. */
  private of(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | undefined {
    let text = this.printed.get(document);
    if (text === undefined) this.printed.set(document, (text = print(document)));
    const key = `${operationName ?? ''}\n${text}`;
    const known = this.compiled.get(key);
    if (known !== undefined) {
      this.compiled.delete(key);
      this.compiled.set(key, known);
      return known ?? undefined;
    }
    if (!this.seen.has(key)) {
      this.seen.set(key, true);
      if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
      return undefined;
    }
    this.seen.delete(key);
    const made = hasProtoAlias(document) ? undefined : compileQuery(this.schema, document, operationName ?? undefined);
    const usable = made && isCompiledQuery(made) ? made : null;
    this.compiled.set(key, usable);
    if (this.compiled.size > MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
    return usable ?? undefined;
  }

  /**
   * Runs a query by the synchronous executor where all its data is at hand
   * (see 5), else by compiled code once it may (see 2 and 3); undefined:
   * graphql-js must run it. Variables are read by graphql-js first, so that
   * those that cannot be read are refused in its words, as without this.
   */
  run(
    document: DocumentNode,
    operationName: string | null | undefined,
    context: unknown,
    variables: Record<string, unknown> | null | undefined,
  ): Promise<ExecutionResult | undefined> | undefined {
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== 'query' || touches(operation.selectionSet, FEDERATION_FIELDS)) return undefined;
    const read = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
    if (read.errors) return this.of(document, operationName) ? Promise.resolve({ errors: read.errors }) : undefined;
    const ctx = context as Context | undefined;
    const roots = ctx?.rootValues;
    // Batching off (the naive way, kept for measuring) caches no load: one the walk started before giving up would be sent twice.
    if (!roots || !ctx?.loaders.inlining) return this.compiledRun(document, operationName, context, variables);
    const run = { schema: this.schema, document, operation, variableValues: read.coerced, contextValue: context, roots };
    return executeSynchronously(run).then((answer) => {
      if (!answer) return this.compiledRun(document, operationName, context, variables);
      this.onRun('synchronous');
      return answer;
    });
  }

  private compiledRun(
    document: DocumentNode,
    operationName: string | null | undefined,
    context: unknown,
    variables: Record<string, unknown> | null | undefined,
  ): Promise<ExecutionResult> | undefined {
    const q = this.of(document, operationName);
    if (!q) return undefined;
    this.onRun('graphql-jit');
    return Promise.resolve(q.query(undefined, context, variables ?? {})) as Promise<ExecutionResult>;
  }

  /** graphql-ws's `execute`: synchronous or compiled where it may be, graphql-js elsewhere. */
  async execute(args: ExecutionArgs): Promise<ExecutionResult> {
    return (await this.run(args.document, args.operationName, args.contextValue, args.variableValues)) ?? execute(args);
  }
}

/** A variable that could not be read, as Apollo tells one (it codes it BAD_USER_INPUT). */
function variableError(e: GraphQLError): boolean {
  const node = e.nodes?.length === 1 ? e.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const v = `Variable "$${node.variable.name.value}"`;
  return [' has invalid value', ' got invalid value ', ' of required type ', ' of non-null type '].some((rest) =>
    e.message.startsWith(v + rest),
  );
}

/** An execution error as Apollo would hand it to formatError: coded, with its stack for debug mode. */
function asApolloWould(e: GraphQLError, debug: boolean): GraphQLFormattedError {
  const formatted =
    typeof e.toJSON === 'function' ? e.toJSON() : { message: e.message, locations: e.locations, path: e.path, extensions: e.extensions };
  const extensions: Record<string, unknown> = { ...formatted.extensions };
  extensions.code ??= variableError(e) ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
  if (debug) extensions.stacktrace = String(e.originalError?.stack ?? e.stack ?? '').split('\n');
  return { ...formatted, extensions };
}

/** The status and headers errors ask for (`extensions.http`: a refusal's 401 and its challenge), as Apollo merges them. */
function httpOf(errors: readonly GraphQLError[]): { status: number | undefined; headers: HeaderMap } {
  const head = { status: undefined as number | undefined, headers: new HeaderMap() };
  for (const e of errors) {
    const http = e.extensions?.http as { status?: number; headers?: Iterable<[string, string]> } | undefined;
    if (http?.status) head.status = http.status;
    for (const [name, value] of http?.headers ?? []) head.headers.set(name, value);
  }
  return head;
}

/** The HTTP adapter: an Apollo plugin answering a query with its compiled form, once it has one. */
export function compiledQueriesPlugin(
  compiled: CompiledQueries,
  format: (formatted: GraphQLFormattedError, error: GraphQLError) => GraphQLFormattedError,
  debug: boolean,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ request, document, contextValue }) {
          if (request.http?.headers.get('apollo-federation-include-trace')) return null;
          const running = compiled.run(document, request.operationName, contextValue, request.variables);
          if (!running) return null;
          const result = await running;
          // Left to graphql-js: Apollo runs it (root fields already resolved are taken from the context).
          if (!result) return null;
          const http = httpOf(result.errors ?? []);
          const errors = result.errors?.map((e) => format(asApolloWould(e, debug), e));
          // Variables that could not be read: no data at all, and 400 (as Apollo answers them).
          if (!http.status && errors?.length && result.data === undefined) http.status = 400;
          return {
            http,
            body: { kind: 'single', singleResult: { ...result, errors } },
          };
        },
      };
    },
  };
}
