/**
 * Scenario 10: inventories of any size (issue 26). The dashboard query once
 * at 10,000, 30,000 and 100,000 VMs, on API v4 and v3, with the simulator
 * and the server each in a process of its own: whether it answers, the
 * engine requests it cost (the same four at every size), the bytes the
 * engine sent and the answer's, the server's CPU time and peak resident
 * memory, and the heap still in use two windows later (read from the
 * server's own metrics after it collected its garbage, asked through the
 * inspector: what is live, not what V8 has not yet freed).
 *
 * A 100,000-VM v4 list is about 1.1 GB and takes the simulator most of a
 * minute to write, so the engine request and operation time limits are
 * raised for these rows, and the server runs with Node's heap limit set as
 * for a 2 GiB container (README, "Inventories of any size").
 */
import { DEFAULT_FRESHNESS_MS } from '../src/server/config.ts';
import { QUERIES, QUERIES_V4 } from './dashboard.ts';
import { resetStats } from './lib.ts';
import { collectGarbage, cpuMs, peakRssMB, startServerProcess, startSimulatorProcess } from './processes.ts';

export interface ScaleRow {
  dialect: 'v3' | 'v4';
  vms: number;
  /** The first error's code, when the dashboard did not answer. */
  error?: string;
  /** VMs in the answer. */
  answered: number;
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  engineRequests: number;
  engineMB: number;
  answerMB: number;
  /** The server's heap in use two windows after the answer, after a full collection. */
  heapAfterWindowMB: number;
}

/** As README's "Inventories of any size" runs it: longer time limits, and Node's heap limit under a 2 GiB container's. */
const LIMITS = {
  RHEV_ENGINE_TIMEOUT_MS: '600000',
  RHEV_OPERATION_TIMEOUT_MS: '600000',
  // The inspector on a port of its own choosing, for collectGarbage only.
  NODE_OPTIONS: '--max-old-space-size=1792 --inspect=127.0.0.1:0',
};

export async function scaleScenario(
  sizes: number[],
  step: (label: string) => void,
  dialects: readonly ('v3' | 'v4')[] = ['v4', 'v3'],
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const dialect of dialects) {
    for (const vms of sizes) {
      rows.push(await dashboardAt(dialect, vms));
      step(`scale, ${dialect} at ${vms} VMs`);
    }
  }
  return rows;
}

async function dashboardAt(dialect: 'v3' | 'v4', vms: number): Promise<ScaleRow> {
  const sim = await startSimulatorProcess({ vms, dialect });
  try {
    const server = await startServerProcess(sim.apiUrl, DEFAULT_FRESHNESS_MS, dialect, undefined, LIMITS);
    try {
      await post(server.url, '{ api { __typename } }');
      await resetStats(sim.url);
      const pid = server.child.pid!;
      const cpu0 = cpuMs(pid);
      const t0 = performance.now();
      const query = (dialect === 'v4' ? QUERIES_V4 : QUERIES).dashboard.query;
      const { body, bytes } = await post(server.url, query);
      const ms = performance.now() - t0;
      const cpu = cpuMs(pid) - cpu0;
      const stats = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number; bytes: number };
      await new Promise((r) => setTimeout(r, 2 * DEFAULT_FRESHNESS_MS + 500));
      await collectGarbage(server);
      const metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
      const heap = Number(/^nodejs_heap_size_used_bytes (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
      return {
        dialect,
        vms,
        error: body.errors?.[0]?.extensions?.code ?? (body.errors ? 'ERROR' : undefined),
        answered: body.data?.vms?.length ?? 0,
        ms,
        cpuMs: cpu,
        peakRssMB: peakRssMB(pid),
        engineRequests: stats.requests,
        engineMB: stats.bytes / 1e6,
        answerMB: bytes / 1e6,
        heapAfterWindowMB: heap / 1e6,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await sim.stop();
  }
}

interface Answer {
  data?: { vms?: unknown[] } | null;
  errors?: { extensions?: { code?: string } }[];
}

async function post(url: string, query: string): Promise<{ body: Answer; bytes: number }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(900_000),
  });
  const text = await res.text();
  return { body: JSON.parse(text) as Answer, bytes: Buffer.byteLength(text) };
}
