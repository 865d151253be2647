/**
 * Scenario 4: many dashboards at once. `clients` loops send the dashboard
 * query for `seconds` (loopback only, bounded in time), all with the service
 * account: identical engine GETs in flight for one credential are joined.
 */
import { startServer } from '../src/server/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { QUERIES } from './dashboard.ts';
import { graphql, percentile, resetStats, runClients, simStats } from './lib.ts';

export interface ConcurrencyResult {
  vms: number;
  clients: number;
  seconds: number;
  queries: number;
  qps: number;
  p50: number;
  p99: number;
  upstreamPerQuery: number;
  errors: number;
  peakRssMB: number;
}

export async function concurrencyScenario(vms: number, clients: number, seconds: number): Promise<ConcurrencyResult> {
  const sim = await startSimulator({ vms, hosts: Math.max(4, Math.round(vms / 50)), clusters: 4, datacenters: 2, port: 0 });
  const server = await startServer({
    engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' },
    port: 0,
    landingPage: false,
    anonymous: 'service-account',
    logLevel: 'warn',
  });
  await graphql(server.url, '{ api { time } }');
  await resetStats(sim.url);
  const { times, errors, elapsed } = await runClients(server.url, QUERIES.dashboard.query, clients, seconds);
  const upstream = (await simStats(sim.url)).requests;
  await server.close();
  await sim.close();
  return {
    vms,
    clients,
    seconds,
    queries: times.length,
    qps: times.length / elapsed,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    upstreamPerQuery: upstream / Math.max(1, times.length),
    errors,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}
