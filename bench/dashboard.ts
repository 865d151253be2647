/**
 * Scenarios 2 and 3: dashboard queries through the subgraph at several
 * inventory sizes, on API v3 and on API v4 (the same questions in each
 * dialect's schema), with the loaders and with batching off (the naive way),
 * against the lower bound (one request per level); and the same data fetched
 * the way a script would with the client alone.
 */
import { Connection } from '../src/rhev/index.ts';
import { startServer } from '../src/server/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { graphql, percentile, resetStats, simStats } from './lib.ts';

export const QUERIES = {
  dashboard: {
    query:
      '{ vms { name status { state } cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }',
    levels: 3,
  },
  hierarchy: { query: '{ dataCenters { name clusters { name hosts { name vms { name } } } } }', levels: 4 },
  statistics: { query: '{ vms { name statistics { name unit values { value { datum } } } } }', levels: 1 },
} as const;

/** The same questions in the v4 schema: statuses are enums, disks come through the attachments, values are lists. */
export const QUERIES_V4 = {
  dashboard: {
    query:
      '{ vms { name status cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }',
    levels: 3,
  },
  hierarchy: QUERIES.hierarchy,
  statistics: { query: '{ vms { name statistics { name unit values { datum } } } }', levels: 1 },
} as const;

export interface DashboardRow {
  dialect: 'v3' | 'v4';
  query: string;
  vms: number;
  latencyMs: number;
  requests: number;
  bytes: number;
  p50: number;
  p95: number;
  naiveRequests?: number;
  naiveP50?: number;
  lowerBound: number;
  /** p50 at 0 ms latency: the server's work plus the simulator's. */
  floorP50: number;
  /** What the simulator spent answering one query's requests (finding and writing documents), ms. */
  engineServeMs: number;
  /** The GraphQL answer's size, bytes. */
  answerBytes: number;
}

export interface ScriptRow {
  vms: number;
  latencyMs: number;
  requests: number;
  ms: number;
}

export async function dashboardScenario(
  sizes: number[],
  reps: number,
  latency: number,
  step: (label: string) => void,
  dialect: 'v3' | 'v4' = 'v3',
): Promise<{ rows: DashboardRow[]; script: ScriptRow[] }> {
  const rows: DashboardRow[] = [];
  const script: ScriptRow[] = [];
  const queries = dialect === 'v4' ? QUERIES_V4 : QUERIES;
  for (const n of sizes) {
    const sim = await startSimulator({
      vms: n,
      hosts: Math.max(4, Math.round(n / 50)),
      clusters: 4,
      datacenters: 2,
      port: 0,
      dialects: dialect,
    });
    const engine = { url: sim.apiUrl, username: 'admin@internal', password: 'admin' };
    // Every query answered afresh: this scenario measures what one query costs (sharing is scenarios 5 and 6).
    const server = await startServer({
      engine,
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      logLevel: 'warn',
      freshnessMs: 0,
    });
    const naive =
      n <= 1000
        ? await startServer({ engine, port: 0, landingPage: false, anonymous: 'service-account', logLevel: 'warn', batching: false })
        : undefined;
    await graphql(server.url, '{ api { time } }');
    if (naive) await graphql(naive.url, '{ api { time } }');
    for (const [name, q] of Object.entries(queries)) {
      // Counts and bytes at 0 ms; times at 0 ms (the processing floor) and at the stated latency.
      await resetStats(sim.url);
      const answer = await graphql(server.url, q.query);
      const st = (await simStats(sim.url)) as { requests: number; bytes?: number };
      const floor: number[] = [];
      await resetStats(sim.url);
      for (let i = 0; i < reps; i++) floor.push((await graphql(server.url, q.query)).ms);
      const engineServeMs = ((await simStats(sim.url)) as { serveMs?: number }).serveMs! / reps;
      sim.configure({ latencyMs: latency });
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push((await graphql(server.url, q.query)).ms);
      let naiveRequests: number | undefined;
      let naiveP50: number | undefined;
      if (naive) {
        // Naive at latency only for the small inventory: thousands of round trips take minutes.
        if (n > 100) sim.configure({ latencyMs: 0 });
        await resetStats(sim.url);
        const r = await graphql(naive.url, q.query);
        naiveRequests = (await simStats(sim.url)).requests;
        naiveP50 = n > 100 ? undefined : r.ms;
      }
      sim.configure({ latencyMs: 0 });
      rows.push({
        dialect,
        query: name,
        vms: n,
        latencyMs: latency,
        requests: st.requests,
        bytes: st.bytes ?? 0,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        naiveRequests,
        naiveP50,
        lowerBound: q.levels * latency + percentile(floor, 0.5),
        floorP50: percentile(floor, 0.5),
        engineServeMs,
        answerBytes: answer.bytes,
      });
      step(`${dialect} ${name} at ${n} VMs`);
    }
    // Scenario 3: a script with the client alone: list, then each VM's sub-collections (v3's).
    if (n <= 1000 && dialect === 'v3') {
      for (const lat of n <= 100 ? [0, latency] : [0]) {
        sim.configure({ latencyMs: lat });
        const conn = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' });
        await conn.api();
        await resetStats(sim.url);
        const t0 = performance.now();
        const [clusters, hosts, dcs] = await Promise.all([conn.getAll('clusters'), conn.getAll('hosts'), conn.getAll('datacenters')]);
        void clusters;
        void hosts;
        void dcs;
        for (const vm of await conn.getAll('vms')) {
          await vm.disks();
          await vm.nics();
        }
        script.push({ vms: n, latencyMs: lat, requests: (await simStats(sim.url)).requests, ms: performance.now() - t0 });
        await conn.close();
      }
      sim.configure({ latencyMs: 0 });
      step(`script at ${n} VMs`);
    }
    await server.close();
    await naive?.close();
    await sim.close();
  }
  return { rows, script };
}
