/**
 * How errors leave the server, the same on HTTP and WebSocket: the stable
 * code of whoever raised the error (Apollo files every validation error
 * under one code; the limits of rules/ keep their own), the caller's
 * mistakes coded BAD_USER_INPUT, field suggestions withheld where the schema
 * is private, and stack traces only in debug mode.
 */
import type { GraphQLError, GraphQLFormattedError } from 'graphql';

export interface FormatOptions {
  /** Keep stack traces (debug mode). */
  readonly debug: boolean;
  /** Drop "Did you mean ...?": suggestions tell strangers the schema (where introspection is off). */
  readonly hideSuggestions: boolean;
}

/** graphql-js's words for a value of the wrong type or enum, written inline rather than in variables. */
const VALUE_ERROR = /does not exist in ".+" enum|Expected value of type|Expected type|cannot represent/i;

export function formatError(formatted: GraphQLFormattedError, error: unknown, options: FormatOptions): GraphQLFormattedError {
  const extensions: Record<string, unknown> = { ...formatted.extensions };
  const own = ownCode(error);
  if (extensions.code === 'GRAPHQL_VALIDATION_FAILED' || extensions.code === undefined) {
    if (own) extensions.code = own;
    else if (VALUE_ERROR.test(formatted.message)) extensions.code = 'BAD_USER_INPUT';
    else extensions.code ??= 'GRAPHQL_VALIDATION_FAILED';
  }
  // An error that brought no code but a 4xx status (Apollo's persisted-query hash mismatch) is the caller's: BAD_REQUEST, as Apollo codes such errors.
  if (extensions.code === 'INTERNAL_SERVER_ERROR' && !own && clientStatus(error)) extensions.code = 'BAD_REQUEST';
  if (!options.debug) delete extensions.stacktrace;
  delete extensions.http;
  const message = options.hideSuggestions ? formatted.message.replace(/ ?Did you mean .*\?$/, '') : formatted.message;
  return { ...formatted, message, extensions };
}

/** The code the original error carried, under Apollo's wrapping. */
function ownCode(error: unknown): string | undefined {
  for (let e = error as (GraphQLError & { originalError?: unknown }) | undefined, i = 0; e && i < 4; e = e.originalError as typeof e, i++) {
    const code = e.extensions?.code;
    if (typeof code === 'string' && code !== 'GRAPHQL_VALIDATION_FAILED' && code !== 'INTERNAL_SERVER_ERROR') return code;
  }
  return undefined;
}

/** Whether the error asked for an HTTP status of 4xx. */
function clientStatus(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | undefined)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The codes of a list of formatted errors (for the operation's log line). */
export function codesOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string[] {
  return (errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}
