/**
 * The `Cache-Control` of an answer, from the cache hints of the schema
 * (schema/cache.ts): `max-age=<hint>, private` when every object the query
 * reaches is of a hinted (slow-changing) type, `no-store` otherwise, for
 * mutations, and for answers with errors.
 *
 * Apollo Server's own cache-control plugin does the same by hooking every
 * field as it resolves, which a 1,000-VM dashboard pays for on every query.
 * Our hints are static (a type's, never a value's), so the policy depends on
 * the document alone: it is worked out once per document (Apollo keeps
 * parsed documents) and Apollo's plugin stays off. The answers shared
 * between callers (shared-answers.ts) get the same header, from the same
 * document.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/** The hinted maxAge of each type that has one. */
function hintsOf(schema: GraphQLSchema): Map<string, number> {
  const hints = new Map<string, number>();
  for (const t of Object.values(schema.getTypeMap())) {
    const d = t.astNode?.directives?.find((x) => x.name.value === 'cacheControl');
    const arg = d?.arguments?.find((a) => a.name.value === 'maxAge');
    if (arg?.value.kind === Kind.INT) hints.set(t.name, Number(arg.value.value));
  }
  return hints;
}

/** The maxAge an operation's answer may be kept for: the least of the hints of every object it reaches; 0 when one has none. */
function maxAgeOf(schema: GraphQLSchema, hints: Map<string, number>, document: DocumentNode, operation: OperationDefinitionNode): number {
  if (operation.operation !== 'query') return 0;
  let maxAge = Number.POSITIVE_INFINITY;
  const info = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(info, {
      Field() {
        const type = info.getType();
        const named = type ? getNamedType(type) : undefined;
        if (!named || !isCompositeType(named)) return;
        if (named.name === 'Query') return;
        maxAge = Math.min(maxAge, hints.get(named.name) ?? 0);
      },
    }),
  );
  return Number.isFinite(maxAge) ? maxAge : 0;
}

export function cachePolicyPlugin(schema: GraphQLSchema): ApolloServerPlugin {
  const hints = hintsOf(schema);
  const decided = new WeakMap<OperationDefinitionNode, number>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ document, operation, response }) {
          let maxAge = 0;
          if (hints.size && document && operation && response.body.kind === 'single' && !response.body.singleResult.errors) {
            const kept = decided.get(operation);
            maxAge = kept ?? maxAgeOf(schema, hints, document, operation);
            if (kept === undefined) decided.set(operation, maxAge);
          }
          response.http.headers.set('cache-control', maxAge > 0 ? `max-age=${maxAge}, private` : 'no-store');
        },
      };
    },
  };
}
