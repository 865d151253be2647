/**
 * One operation, from the moment a transport accepts it to its answer: the
 * signal that bounds it, the context its resolvers get, and the one log line
 * and metric it leaves.
 *
 * The signal aborts at the operation's deadline (queries and mutations;
 * subscriptions run until they complete), when its caller goes away, and
 * when it has answered: every engine request it started, however deep in the
 * tree and however joined with others, ends then and gives its socket back.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Span } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { type EngineShapes, Loaders } from '../loaders/index.ts';
import type { ApiModel } from '../model/index.ts';
import { CallerGone, type Context, OperationEnded, OperationTimeout } from '../resolvers/context.ts';
import type { CompiledQueries } from './compiled.ts';
import type { ServerLogger } from './config.ts';
import type { CredentialPool, Holder } from './credentials.ts';
import type { Metrics } from './metrics.ts';
import type { SharedAnswers } from './shared-answers.ts';
import { endOperationSpan, engineRequestSpan, operationSpan } from './tracing.ts';

export type TransportName = 'http' | 'ws';

export interface OperationServices {
  readonly api: ApiModel;
  readonly pool: CredentialPool;
  readonly metrics: Metrics;
  readonly logger: ServerLogger;
  readonly batching?: boolean;
  /** What the engine's answers were found to carry, learnt by this server's loaders (loaders.ts). */
  readonly shapes?: EngineShapes;
  /** Identical queries of one credential answered once while fresh (shared-answers.ts). */
  readonly answers?: SharedAnswers;
  /** Why the engine cannot answer any operation, when it is not an engine (engine-check.ts). */
  readonly engineProblem?: () => string | undefined;
  /** The replicas sharing a Redis (shared/): looked at before each operation. */
  readonly deployment?: { sync(): Promise<void> };
  /** Queries run by compiled code once seen twice (compiled.ts); absent: graphql-js runs everything. */
  readonly compiled?: CompiledQueries;
}

/** The refusal of an operation the engine cannot answer: said once, in the engine check's words. */
export function engineNotReady(services: OperationServices): GraphQLError | undefined {
  const problem = services.engineProblem?.();
  // One answer whatever is wrong with the engine: 503, coded, saying what and when to come back.
  return problem
    ? new GraphQLError(`The engine is not ready: ${problem}`, {
        extensions: { code: 'UPSTREAM_UNAVAILABLE', http: { status: 503, headers: new Map([['retry-after', '10']]) } },
      })
    : undefined;
}

/**
 * An operation refused before it became one (no credentials, a limit the
 * document breaks, a WebSocket's refused subscribe): the same log line and
 * the same count on both transports.
 */
export function noteRefused(
  services: OperationServices,
  transport: TransportName,
  name: string | null,
  codes: readonly string[],
  requestId?: string,
): void {
  services.metrics.operations.inc({ transport, type: 'refused', outcome: 'error' });
  services.logger.info({ requestId, operation: name, type: 'refused', transport, errors: [...codes] }, 'operation');
}

/** Operations by the signal their engine requests carry, so each request is counted for its operation. */
const bySignal = new WeakMap<AbortSignal, Operation>();

/**
 * The id that ties an operation's log lines to the caller's own: the
 * caller's `x-request-id` when it is a plain token (at most 128 letters,
 * digits and `._:-`), else one made here. Either way it is sent back.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

/** Counts an engine request for the operation whose signal it carried, and traces it below the operation's span. */
export function countRequest(
  signal: AbortSignal | undefined,
  request?: { method: string; route: string; status: number; ms: number; bytes: number },
): void {
  const op = signal ? bySignal.get(signal) : undefined;
  if (!op) return;
  op.upstream++;
  if (request && op.span.isRecording()) engineRequestSpan(op.span, request);
}

/** Notes, for the operation whose signal a call carried, when the engine was asked for data it was given. */
export function noteData(sentAt: number, signal: AbortSignal | undefined): void {
  const op = signal ? bySignal.get(signal) : undefined;
  if (op && sentAt < op.dataSince) op.dataSince = sentAt;
}

export class Operation {
  private readonly controller = new AbortController();
  private readonly started = performance.now();
  private readonly timer?: NodeJS.Timeout;
  private ended = false;
  /** Engine requests this operation started. */
  upstream = 0;
  /** What the log lines of this operation carry to tie them together (the caller's `x-request-id`, or one made). */
  readonly requestId: string;
  /** Its trace span (tracing.ts; a no-op span unless tracing is on). */
  readonly span: Span;
  /** When the engine was asked for the oldest data this operation used (Infinity: none yet). */
  dataSince = Number.POSITIVE_INFINITY;
  readonly context: Context & { readonly operation: Operation };

  constructor(
    private readonly services: OperationServices,
    readonly transport: TransportName,
    readonly holder: Holder,
    options: { timeoutMs?: number; subscription?: boolean; requestId?: string },
  ) {
    this.requestId = options.requestId ?? randomUUID();
    this.span = operationSpan(transport, this.requestId);
    bySignal.set(this.controller.signal, this);
    // Every engine request in flight listens to the signal (removing itself when done); a wide
    // query has many at once, which is no leak.
    setMaxListeners(0, this.controller.signal);
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      this.timer = setTimeout(() => this.controller.abort(new OperationTimeout(ms)), ms);
    }
    const connection = holder.connection;
    const signal = this.controller.signal;
    this.context = {
      connection,
      signal,
      loaders: new Loaders(connection, services.api, { batching: services.batching, signal, shapes: services.shapes }),
      watchers: options.subscription ? holder.watchers() : undefined,
      rootValues: new Map(),
      operation: this,
    };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The caller went away: stop at once. */
  callerGone(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new CallerGone());
  }

  /**
   * The operation has answered (or failed): cancel what it left running,
   * release its credential, count it and write its log line. Idempotent.
   */
  end(info: { type?: string; name?: string | null; codes?: readonly string[] }): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new OperationEnded());
    this.services.pool.release(this.holder);
    const loaders = this.context.loaders;
    const m = this.services.metrics;
    m.loaderBatches.inc(loaders.counters.batches);
    m.loaderHits.inc(Math.max(0, loaders.counters.loads - loaders.counters.keys));
    const codes = [...new Set(info.codes ?? [])];
    const labels = { transport: this.transport, type: info.type ?? 'unknown', outcome: codes.length ? 'error' : 'ok' };
    const ms = performance.now() - this.started;
    m.operations.inc(labels);
    m.operationDuration.observe(labels, ms / 1000);
    endOperationSpan(this.span, { type: labels.type, name: info.name ?? null, codes, upstream: this.upstream });
    this.services.logger.info(
      {
        requestId: this.requestId,
        operation: info.name ?? null,
        type: info.type ?? 'unknown',
        transport: this.transport,
        ms: Math.round(ms),
        upstream: this.upstream,
        errors: codes,
        user: this.holder.service ? 'service account' : this.holder.user,
      },
      'operation',
    );
  }
}
