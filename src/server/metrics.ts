/**
 * Prometheus metrics (prom-client), one registry per server. Routes are
 * reported as the model's templates (`GET /vms/{id}/disks`), never with ids,
 * credentials or session data.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiModel, Collection } from '../model/index.ts';

export class Metrics {
  readonly registry = new Registry();
  readonly upstreamRequests = new Counter({
    name: 'rhev_upstream_requests_total',
    help: 'Requests sent to the engine',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly upstreamLatency = new Histogram({
    name: 'rhev_upstream_request_duration_seconds',
    help: "Time to the engine's complete answer",
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamRetries = new Counter({
    name: 'rhev_upstream_retries_total',
    help: 'Requests retried after a transient failure',
    labelNames: ['method', 'route', 'reason'],
    registers: [this.registry],
  });
  readonly loaderBatches = new Counter({
    name: 'rhev_loader_batches_total',
    help: 'Batches the per-request loaders ran',
    registers: [this.registry],
  });
  readonly loaderHits = new Counter({
    name: 'rhev_loader_cache_hits_total',
    help: "Loads answered from the request's cache or joined to another load",
    registers: [this.registry],
  });
  readonly sharedAnswers = new Counter({
    name: 'rhev_shared_answers_total',
    help: "Queries answered with an identical query's answer of the same credential: within the freshness window (answer=fresh), or past it by at most one window while a refresh ran (answer=expiring)",
    labelNames: ['answer'] as const,
    registers: [this.registry],
  });
  /** Counts a query answered with a shared answer (shared-answers.ts): an expiring one, or a fresh one. */
  readonly countSharedAnswer = (expiring: boolean): void => {
    this.sharedAnswers.inc({ answer: expiring ? 'expiring' : 'fresh' });
  };
  readonly compiledQueries = new Counter({
    name: 'rhev_compiled_queries_total',
    help: 'Queries run by compiled code (graphql-jit) rather than graphql-js',
    registers: [this.registry],
  });
  readonly synchronousQueries = new Counter({
    name: 'rhev_synchronous_queries_total',
    help: 'Queries answered by the synchronous executor, all their data at hand (execution/synchronous.ts)',
    registers: [this.registry],
  });
  readonly unchangedLists = new Counter({
    name: 'rhev_unchanged_lists_total',
    help: 'Engine lists asked for again that the engine answered with the same bytes as the last time, served as the objects made then instead of being read again (rhev/unchanged.ts)',
    registers: [this.registry],
  });
  /** Counts a query run by other than graphql-js (compiled.ts): the synchronous executor, or graphql-jit. */
  readonly countExecution = (executor: 'synchronous' | 'graphql-jit'): void => {
    (executor === 'synchronous' ? this.synchronousQueries : this.compiledQueries).inc();
  };
  readonly subscriptions = new Gauge({ name: 'rhev_subscriptions_active', help: 'Open subscriptions', registers: [this.registry] });
  readonly watchers = new Gauge({
    name: 'rhev_watchers_active',
    help: 'Resources being watched for subscriptions (one per resource per credential)',
    registers: [this.registry],
  });
  readonly credentials = new Gauge({
    name: 'rhev_credentials_held',
    help: 'Credentials with an engine connection held open',
    registers: [this.registry],
  });
  readonly evictions = new Counter({
    name: 'rhev_credential_evictions_total',
    help: 'Credentials evicted (idle, over the cap, or refused by the engine)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'rhev_operations_total',
    help: 'GraphQL operations served',
    labelNames: ['transport', 'type', 'outcome'],
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'rhev_operation_duration_seconds',
    help: 'How long GraphQL operations took, from accepted to answered (subscriptions: to their end)',
    labelNames: ['transport', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: 'rhev_build_info',
    help: 'Always 1: the version of rhev-graphql, the Node.js it runs on, and the API dialect it serves',
    labelNames: ['version', 'node', 'dialect'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports whether the engine answers as an engine, from the readiness check (1 ready, 0 not, nothing before the first look). */
  watchEngine(readiness: { readonly ready: boolean | undefined }): void {
    new Gauge({
      name: 'rhev_engine_up',
      help: 'Whether the engine answered the last readiness check as an engine (1) or not (0)',
      registers: [this.registry],
      collect() {
        const r = readiness.ready;
        if (r !== undefined) this.set(r ? 1 : 0);
      },
    });
  }

  /**
   * The replicas' shared Redis (shared/), when there is one: whether it is
   * used now, and how engine reads were answered (from Redis, read here and
   * put there, or read here alone).
   */
  watchShared(store: { readonly up: boolean }): Counter<'how'> {
    new Gauge({
      name: 'rhev_shared_cache_up',
      help: 'Whether this replica shares windows, refusals and watchers through Redis now (1) or works on its own (0)',
      registers: [this.registry],
      collect() {
        this.set(store.up ? 1 : 0);
      },
    });
    return new Counter({
      name: 'rhev_shared_reads_total',
      help: "Engine reads on a miss of this replica's window: taken from Redis (shared), read and put there (put), or read alone (own)",
      labelNames: ['how'],
      registers: [this.registry],
    });
  }

  /** Reports the bytes of engine answers in flight, and the most ever, from the server's budget. */
  watchBudget(budget: { readonly inFlight: number; readonly peak: number; readonly limit: number }): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge(
      'rhev_upstream_answer_bytes_in_flight',
      'Bytes of engine answers streaming in now, across every credential (limit: answerBudgetBytes)',
      () => budget.inFlight,
    );
    gauge('rhev_upstream_answer_bytes_peak', 'The most bytes of engine answers ever streaming in at once', () => budget.peak);
  }
}

/**
 * `/ovirt-engine/api/vms/5ee8...;max=3/disks` -> `/vms/{id}/disks`.
 *
 * Labels come only from the API model: a segment is kept when the model
 * names a collection, sub-collection or action there, an id becomes `{id}`,
 * and anything else ends the template with `{other}`. However callers shape
 * their ids and paths, the number of label values is bounded by the model.
 */
export function routeTemplate(api: ApiModel, path: string): string {
  // The SSO service beside the API (v4 logins): its few endpoints by name.
  const sso = /^\/ovirt-engine\/sso\/oauth\/(token|token-info|revoke)(?=[/?]|$)/.exec(path);
  if (sso) return `/sso/oauth/${sso[1]}`;
  if (path.startsWith('/ovirt-engine/sso/')) return '/sso/{other}';
  const rest = path.replace(/^\/(ovirt-engine\/)?(api|rhevm-api)(\/v3)?(?=\/|$)/, '');
  const segs = rest
    .split('/')
    .filter(Boolean)
    .map((s) => s.split(';')[0]);
  const out: string[] = [];
  let level: readonly Collection[] = api.top;
  let current: Collection | undefined;
  let atItem = false;
  for (const seg of segs) {
    if (current && !atItem) {
      if (current.collectionActions.has(seg)) {
        out.push(seg);
        break;
      }
      out.push('{id}');
      atItem = true;
      level = current.sub;
      continue;
    }
    if (current && atItem && current.actions.has(seg)) {
      out.push(seg);
      break;
    }
    const next = level.find((c) => c.rel === seg);
    if (!next) {
      out.push(current || !KNOWN_ROOTS.has(seg) ? '{other}' : seg);
      break;
    }
    out.push(seg);
    current = next;
    atItem = false;
  }
  return `/${out.join('/')}`;
}

/** Entry-point links that are not collections of the model. */
const KNOWN_ROOTS = new Set(['capabilities']);
