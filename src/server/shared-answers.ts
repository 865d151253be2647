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
 * When a window ends, every dashboard's next poll misses at once. So that
 * they do not all execute the query, the first to miss leads: it executes,
 * and the others asking the same while it runs are given the answer that
 * just expired (stale while revalidating), kept one window past its end for
 * this and only this: never after a change (a write, an event), and never
 * when no refresh is running. Without one (the first answer of all, or
 * one a change ended) they wait for the leader's answer instead. A leader
 * whose answer has errors (or who is gone) shares nothing; those waiting
 * then execute on their own, each within its own deadline.
 *
 * An answer is kept only for a query asked before (the same key, among the
 * last few hundred of its credential): a dashboard polls, so its second
 * query is kept and its third is served; a query asked once (an explorer's
 * typing, a script's one look) would only take memory until it aged out,
 * and a megabyte of answer kept per query is work for the collector too.
 * The first asker's concurrent twins still share its answer.
 *
 * Two adapters use it, one per transport: an Apollo plugin for HTTP and an
 * `execute` wrapper for graphql-ws, so a query costs the same on either.
 */
import { createHash } from 'node:crypto';
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult } from 'graphql';
import { execute } from 'graphql';
import { FreshWindow, type Generation } from '../rhev/index.ts';
import type { Holder } from './credentials.ts';
import type { Operation } from './operation.ts';

type Answer = ExecutionResult | FormattedExecutionResult;

/** Keys remembered as asked, per credential. */
const MAX_ASKED = 512;

export class SharedAnswers {
  private readonly windows = new WeakMap<Holder, FreshWindow<Answer>>();
  /** Queries being executed by a leader, by credential and key: what the others asking the same wait for. */
  private readonly running = new WeakMap<Holder, Map<string, Promise<Answer | undefined>>>();
  /** Keys each credential has asked (as hashes, the last MAX_ASKED): an answer is kept only for a key asked before. */
  private readonly asked = new WeakMap<Holder, Map<string, true>>();
  /** Answers served without executing; of which expiring ones, while a refresh ran. */
  served = 0;
  servedExpiring = 0;

  constructor(
    readonly windowMs: number,
    private readonly generation: Generation,
    private readonly onServed: (expiring: boolean) => void = () => {},
  ) {}

  static key(query: string, variables: unknown, operationName: string | null | undefined): string {
    return `${operationName ?? ''}\n${JSON.stringify(variables ?? {})}\n${query}`;
  }

  /**
   * A fresh answer to this query of this credential, or the answer of a
   * leader executing it now; undefined when the caller must execute it, in
   * which case it leads: `finish` must be called with what it answered.
   */
  async share(
    holder: Holder,
    key: string,
  ): Promise<{ answer: Answer } | { finish: (answer: Answer | undefined, dataSince?: number) => void }> {
    const window = this.windowOf(holder);
    if (!window) return { finish: () => {} };
    const fresh = window.get(key);
    if (fresh) return this.serve(fresh, false);
    const running = this.runningOf(holder).get(key);
    if (running) {
      const expiring = window.getExpiring(key);
      if (expiring) return this.serve(expiring.value, true);
      const led = await running;
      if (led) return this.serve(led, false);
    }
    return { finish: this.lead(holder, window, key) };
  }

  private serve(answer: Answer, expiring: boolean): { answer: Answer } {
    this.served++;
    if (expiring) this.servedExpiring++;
    this.onServed(expiring);
    return { answer };
  }

  /** The caller executes; others asking the same meanwhile wait for it. */
  private lead(holder: Holder, window: FreshWindow<Answer>, key: string): (answer: Answer | undefined, dataSince?: number) => void {
    const running = this.runningOf(holder);
    const keep = this.askedBefore(holder, key);
    // Taken before executing: the answer is kept only if nothing changed meanwhile (fresh.ts rule 4).
    const stamp = window.stamp();
    let settle!: (answer: Answer | undefined) => void;
    const promise = new Promise<Answer | undefined>((resolve) => (settle = resolve));
    // A second leader of the same key (its wait ended in nothing) replaces the first; each removes only its own.
    running.set(key, promise);
    return (answer, dataSince = Number.POSITIVE_INFINITY) => {
      if (running.get(key) === promise) running.delete(key);
      const good = answer && !answer.errors?.length ? answer : undefined;
      // The answer is as old as the oldest engine data it was built from (fresh.ts), not as its execution.
      if (good && keep) window.set(key, good, { ...stamp, sentAt: Math.min(stamp.sentAt, dataSince) });
      settle(good);
    };
  }

  /** Whether this credential asked this key before; it has now (the oldest key is forgotten past MAX_ASKED). */
  private askedBefore(holder: Holder, key: string): boolean {
    let asked = this.asked.get(holder);
    if (!asked) this.asked.set(holder, (asked = new Map()));
    const hash = createHash('sha256').update(key).digest('base64');
    const before = asked.delete(hash);
    asked.set(hash, true);
    if (asked.size > MAX_ASKED) asked.delete(asked.keys().next().value!);
    return before;
  }

  private runningOf(holder: Holder): Map<string, Promise<Answer | undefined>> {
    let m = this.running.get(holder);
    if (!m) this.running.set(holder, (m = new Map()));
    return m;
  }

  private windowOf(holder: Holder): FreshWindow<Answer> | undefined {
    if (this.windowMs <= 0) return undefined;
    let w = this.windows.get(holder);
    // Kept one window past its end, for the callers a refresh would otherwise hold up (rule 6 of fresh.ts).
    if (!w) this.windows.set(holder, (w = new FreshWindow<Answer>(this.windowMs, this.generation, 64, Date.now, this.windowMs)));
    return w;
  }
}

type WithOperation = { operation?: Operation };

/** The HTTP adapter: answers a query from the window before Apollo executes it, and keeps what it executed. */
export function shareAnswersPlugin(shared: SharedAnswers): ApolloServerPlugin<WithOperation> {
  return {
    async requestDidStart() {
      let finish: ((answer: Answer | undefined, dataSince?: number) => void) | undefined;
      return {
        async responseForOperation({ contextValue, operation, request, source }) {
          const holder = contextValue.operation?.holder;
          if (!holder || operation.operation !== 'query' || request.http?.headers.get('apollo-federation-include-trace')) return null;
          const got = await shared.share(holder, SharedAnswers.key(source, request.variables, request.operationName));
          if ('answer' in got)
            return { http: { headers: new HeaderMap(), status: undefined }, body: { kind: 'single', singleResult: got.answer } };
          finish = got.finish;
          return null;
        },
        async willSendResponse({ response, contextValue }) {
          finish?.(response.body.kind === 'single' ? response.body.singleResult : undefined, contextValue.operation?.dataSince);
        },
      };
    },
  };
}

/** The WebSocket adapter: graphql-ws's `execute`, answering a query from the window when it can. */
export function sharedExecute(
  shared: SharedAnswers,
  keyOf: (op: Operation) => string | undefined,
  /** How an answer not in the window is made (default graphql-js; compiled.ts's executor where it runs). */
  run: (args: ExecutionArgs) => Promise<ExecutionResult> = async (args) => execute(args),
) {
  return async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const op = (args.contextValue as WithOperation | undefined)?.operation;
    const key = op ? keyOf(op) : undefined;
    if (!op || key === undefined) return run(args);
    const got = await shared.share(op.holder, key);
    if ('answer' in got) return got.answer as ExecutionResult;
    let result: ExecutionResult | undefined;
    try {
      result = await run(args);
      return result;
    } finally {
      got.finish(result, op.dataSince);
    }
  };
}
