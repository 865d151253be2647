/**
 * How every limit of rules/ says no: a validation error with a stable code,
 * the limit's name and its number, reported (not thrown) so that both
 * transports answer it as the caller's fault (HTTP 400; a graphql-ws `error`
 * message) with the other validation errors of the same document.
 */
import { type ASTNode, GraphQLError, type ValidationContext } from 'graphql';

export interface Refusal {
  /** The stable code callers switch on (`QUERY_TOO_DEEP`). */
  readonly code: string;
  /** The limit's name, as in config.ts and the README (`maxDepth`). */
  readonly limit: string;
  readonly max: number;
  /** What the document came to, where known. */
  readonly found?: number;
}

export function refusal(message: string, r: Refusal, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: r.code, limit: r.limit, max: r.max, ...(r.found === undefined ? {} : { found: r.found }) },
  });
}

/**
 * graphql-armor's rules throw by default (which Apollo answers with 500);
 * this makes them report a coded refusal instead. Their message carries a
 * "Syntax Error:" prefix that is not true of a limit, and is dropped.
 */
export function armorOptions(code: string, limit: string, max: number) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = Number(/found (\d+)/.exec(error.message)?.[1]);
        context?.reportError(
          refusal(error.message.replace(/^Syntax Error: /, ''), { code, limit, max, found: Number.isFinite(found) ? found : undefined }),
        );
      },
    ],
  };
}
