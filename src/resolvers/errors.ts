/**
 * Errors as callers see them: every failure of the client, of the engine or
 * of a limit becomes a GraphQLError with a stable code (README's table) and,
 * where the engine said something, its words, in one place for every
 * resolver.
 */
import { GraphQLError } from 'graphql';
import {
  Aborted,
  ActionError,
  BadFilter,
  BudgetExceeded,
  ConnectionError,
  Fault,
  ForeignOrigin,
  ParseError,
  ResponseTooLarge,
  RhevError,
} from '../rhev/index.ts';
import { XmlCharacterError } from '../xml/index.ts';
import { badInput } from './arguments.ts';
import { OperationTimeout } from './context.ts';

/** Runs a resolver body and turns client errors into GraphQL errors with stable codes and the engine's words. */
export async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toGraphQLError(e);
  }
}

export function toGraphQLError(e: unknown): GraphQLError {
  if (e instanceof GraphQLError) return e;
  if (e instanceof OperationTimeout)
    return new GraphQLError(e.message, { extensions: { code: 'OPERATION_TIMEOUT', limit: 'operationTimeoutMs', max: e.ms } });
  if (e instanceof Aborted) {
    if (e.reason instanceof OperationTimeout) return toGraphQLError(e.reason);
    return new GraphQLError(e.message, { extensions: { code: 'CANCELLED' }, originalError: e });
  }
  if (e instanceof ResponseTooLarge)
    return new GraphQLError(e.message, {
      extensions: { code: 'UPSTREAM_TOO_LARGE', limit: e.setting, max: e.limit },
      originalError: e,
    });
  if (e instanceof ForeignOrigin) return new GraphQLError(e.message, { extensions: { code: 'UPSTREAM_FOREIGN_ORIGIN' }, originalError: e });
  if (e instanceof BadFilter) return badInput(e.message, 'filter');
  if (e instanceof XmlCharacterError) return badInput(e.message, 'input');
  if (e instanceof Error && ['CALLER_GONE', 'OPERATION_ENDED'].includes((e as { code?: string }).code ?? ''))
    return new GraphQLError(e.message, { extensions: { code: 'CANCELLED' } });
  if (e instanceof ActionError) {
    return new GraphQLError(e.fault.detail ?? e.fault.reason, {
      extensions: { code: e.code, reason: e.fault.reason, detail: e.fault.detail, status: e.fault.status },
      originalError: e,
    });
  }
  if (e instanceof Fault)
    return new GraphQLError(e.detail ?? e.reason, {
      extensions: {
        code: e.code === 'ENGINE_ERROR' ? 'UPSTREAM_ERROR' : e.code,
        reason: e.reason,
        detail: e.detail,
        status: e.status,
        // Refused credentials are the caller's to fix: the whole answer is a 401 with the Basic challenge, on the first refusal as on later ones.
        ...(e.status === 401 ? { http: { status: 401, headers: new Map([['www-authenticate', 'Basic realm="rhev-graphql"']]) } } : {}),
      },
      originalError: e,
    });
  if (e instanceof BudgetExceeded)
    return new GraphQLError(e.message, {
      extensions: { code: 'SERVER_BUSY', limit: 'answerBudgetBytes', max: e.limit },
      originalError: e,
    });
  if (e instanceof ParseError)
    return new GraphQLError(`The engine's answer could not be read: ${e.message}`, {
      extensions: { code: 'UPSTREAM_PARSE_ERROR' },
      originalError: e,
    });
  if (e instanceof ConnectionError)
    return new GraphQLError(e.message, {
      extensions: { code: e.code === 'TIMEOUT' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE' },
      originalError: e,
    });
  // Every other error of the client (not found, an action the resource lacks, ...) keeps the code it has.
  if (e instanceof RhevError) return new GraphQLError(e.message, { extensions: { code: e.code }, originalError: e });
  return new GraphQLError((e as Error)?.message ?? String(e), { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
