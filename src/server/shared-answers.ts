/**
 * Identical queries of one credential share one answer while it is fresh.
 *
 * Fifty dashboards showing the same page send the same query with the same
 * variables. The engine data under it is already shared for the freshness
 * window (rhev/fresh.ts); executing the query fifty times over that data
 * still costs fifty times the server's own work (resolvers, GC,
 * serialisation). Within the same window, and under the same rules (one
 * generation: our writes and the engine's events forget everything), the
 * answer itself is shared:
 *
 * - only queries (never mutations or subscriptions), and only answers
 *   without errors: a failure is not kept for others to see;
 * - per credential: the holder owns its window, so one caller's answer is
 *   never served to another, and an evicted credential takes its answers
 *   with it;
 * - keyed by the query's text, its variables and its operation name;
 * - not when a router asks for a trace of the execution (ftv1): a trace
 *   describes an execution that happened.
 *
 * Two adapters use it, one per transport: an Apollo plugin for HTTP and an
 * `execute` wrapper for graphql-ws, so a query costs the same on either.
 */
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult } from 'graphql';
import { execute } from 'graphql';
import { FreshWindow, type Generation, type Stamp } from '../rhev/index.ts';
import type { Holder } from './credentials.ts';
import type { Operation } from './operation.ts';

type Answer = ExecutionResult | FormattedExecutionResult;

export class SharedAnswers {
  private readonly windows = new WeakMap<Holder, FreshWindow<Answer>>();
  /** Answers served without executing. */
  served = 0;

  constructor(
    readonly windowMs: number,
    private readonly generation: Generation,
    private readonly onServed: () => void = () => {},
  ) {}

  static key(query: string, variables: unknown, operationName: string | null | undefined): string {
    return `${operationName ?? ''}\n${JSON.stringify(variables ?? {})}\n${query}`;
  }

  /** A fresh answer to this query of this credential, if there is one. */
  lookup(holder: Holder, key: string): Answer | undefined {
    const hit = this.windowOf(holder)?.get(key);
    if (hit) {
      this.served++;
      this.onServed();
    }
    return hit;
  }

  /** Taken before executing: the answer is kept only if nothing changed meanwhile. */
  stamp(holder: Holder): Stamp | undefined {
    return this.windowOf(holder)?.stamp();
  }

  keep(holder: Holder, key: string, answer: Answer, stamp: Stamp | undefined): void {
    if (!stamp || answer.errors?.length) return;
    this.windowOf(holder)?.set(key, answer, stamp);
  }

  private windowOf(holder: Holder): FreshWindow<Answer> | undefined {
    if (this.windowMs <= 0) return undefined;
    let w = this.windows.get(holder);
    if (!w) this.windows.set(holder, (w = new FreshWindow<Answer>(this.windowMs, this.generation, 64)));
    return w;
  }
}

type WithOperation = { operation?: Operation };

/** The HTTP adapter: answers a query from the window before Apollo executes it, and keeps what it executed. */
export function shareAnswersPlugin(shared: SharedAnswers): ApolloServerPlugin<WithOperation> {
  return {
    async requestDidStart() {
      let kept: { holder: Holder; key: string; stamp: Stamp | undefined } | undefined;
      return {
        async responseForOperation({ contextValue, operation, request, source }) {
          const holder = contextValue.operation?.holder;
          if (!holder || operation.operation !== 'query' || request.http?.headers.get('apollo-federation-include-trace')) return null;
          const key = SharedAnswers.key(source, request.variables, request.operationName);
          const hit = shared.lookup(holder, key);
          if (hit) return { http: { headers: new HeaderMap(), status: undefined }, body: { kind: 'single', singleResult: hit } };
          kept = { holder, key, stamp: shared.stamp(holder) };
          return null;
        },
        async willSendResponse({ response }) {
          if (kept && response.body.kind === 'single') shared.keep(kept.holder, kept.key, response.body.singleResult, kept.stamp);
        },
      };
    },
  };
}

/** The WebSocket adapter: graphql-ws's `execute`, answering a query from the window when it can. */
export function sharedExecute(shared: SharedAnswers, keyOf: (op: Operation) => string | undefined) {
  return async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const op = (args.contextValue as WithOperation | undefined)?.operation;
    const key = op ? keyOf(op) : undefined;
    if (!op || key === undefined) return execute(args);
    const hit = shared.lookup(op.holder, key);
    if (hit) return hit as ExecutionResult;
    const stamp = shared.stamp(op.holder);
    const result = await execute(args);
    shared.keep(op.holder, key, result, stamp);
    return result;
  };
}
