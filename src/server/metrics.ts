/**
 * Prometheus metrics (prom-client), one registry per server. Routes are
 * reported as patterns (`GET /vms/{id}/disks`), never with ids, credentials
 * or session data.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly upstreamRequests = new Counter({ name: 'rhev_upstream_requests_total', help: 'Requests sent to the engine', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly upstreamLatency = new Histogram({ name: 'rhev_upstream_request_duration_seconds', help: 'Time to the engine\'s complete answer', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  readonly upstreamRetries = new Counter({ name: 'rhev_upstream_retries_total', help: 'Requests retried after a transient failure', labelNames: ['method', 'route', 'reason'], registers: [this.registry] });
  readonly loaderBatches = new Counter({ name: 'rhev_loader_batches_total', help: 'Batches the per-request loaders ran', registers: [this.registry] });
  readonly loaderHits = new Counter({ name: 'rhev_loader_cache_hits_total', help: 'Loads answered from the request\'s cache or joined to another load', registers: [this.registry] });
  readonly subscriptions = new Gauge({ name: 'rhev_subscriptions_active', help: 'Open subscriptions', registers: [this.registry] });
  readonly watchers = new Gauge({ name: 'rhev_watchers_active', help: 'Resources being watched for subscriptions (one per resource per credential)', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/ovirt-engine/api/vms/5ee8...;max=3/disks` -> `/vms/{id}/disks`. */
export function routePattern(path: string): string {
  const rest = path.replace(/^\/(ovirt-engine\/)?(api|rhevm-api)(?=\/|$)/, '');
  const segs = rest.split('/').filter(Boolean).map((s) => s.split(';')[0]).map((s) => (UUID.test(s) || /^\d+$/.test(s) ? '{id}' : s));
  return `/${segs.join('/')}`;
}
