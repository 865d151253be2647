/**
 * Scenario 6: a fleet of dashboards polling. N dashboards (one credential)
 * each send the dashboard query every `pollS` seconds, their phases spread
 * over the interval as real ones would be, against the server in its own
 * process and the simulator in another. Meanwhile somebody else (another
 * client of the engine, not through us) writes the current time into one
 * VM's description every 250 ms, so each answer says how old its data is.
 *
 * Reported per N, with the freshness window on (the default) and off:
 * engine requests per minute (counted at the simulator, the writer's own
 * requests taken out) and the staleness each answer showed (answer received
 * minus the newest time it carried; the writer's 250 ms step included).
 */

import { basicAuthorization } from '../src/http/basic.ts';
import { DEFAULT_FRESHNESS_MS } from '../src/server/config.ts';
import { QUERIES } from './dashboard.ts';
import { percentile, resetStats, simStats } from './lib.ts';
import { startServerProcess, startSimulatorProcess } from './processes.ts';

export interface FleetRow {
  freshnessMs: number;
  dashboards: number;
  pollS: number;
  seconds: number;
  answers: number;
  errors: number;
  engineRequestsPerMinute: number;
  stalenessP50: number;
  stalenessMax: number;
}

const TICK_MS = 250;
/** The dashboard query, with the field the writer writes into. */
export const FLEET_QUERY = QUERIES.dashboard.query.replace('{ vms { name ', '{ vms { name description ');

/** Writes the time into one VM's description every TICK_MS, straight to the engine; resolves to how many writes it sent. */
function startWriter(apiUrl: string, vmHref: string): { stop: () => Promise<number> } {
  let writes = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      await fetch(`${apiUrl}${vmHref}`, {
        method: 'PUT',
        headers: { authorization: basicAuthorization('admin@internal', 'admin'), 'content-type': 'application/xml' },
        body: `<vm><description>${Date.now()}</description></vm>`,
      }).then((r) => r.arrayBuffer());
      writes++;
      await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - t0))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return writes;
    },
  };
}

/** One dashboard: polls every pollS from its phase until `end`; each answer's staleness goes to `staleness`. */
async function dashboard(url: string, phaseMs: number, pollS: number, end: number, out: { staleness: number[]; errors: number }) {
  await new Promise((r) => setTimeout(r, phaseMs));
  while (Date.now() < end) {
    const next = Date.now() + pollS * 1000;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: FLEET_QUERY }),
      });
      const body = (await res.json()) as { data?: { vms: { description?: string }[] }; errors?: unknown[] };
      const received = Date.now();
      if (body.errors || !body.data) out.errors++;
      else {
        const newest = Math.max(...body.data.vms.map((v) => Number(v.description)).filter((n) => Number.isFinite(n) && n > 1e12));
        if (Number.isFinite(newest)) out.staleness.push(received - newest);
      }
    } catch {
      out.errors++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
}

export async function fleetScenario(
  counts: number[],
  pollS: number,
  seconds: number,
  step: (label: string) => void,
  windows: number[] = [DEFAULT_FRESHNESS_MS, 0],
): Promise<FleetRow[]> {
  const sim = await startSimulatorProcess({ vms: 1000 });
  const rows: FleetRow[] = [];
  try {
    const first = await fetch(`${sim.apiUrl}/vms;max=1`, { headers: { authorization: basicAuthorization('admin@internal', 'admin') } });
    const vmHref = /<vm href="\/api(\/vms\/[^"]+)"/.exec(await first.text())![1];
    for (const freshnessMs of windows) {
      const server = await startServerProcess(sim.apiUrl, freshnessMs);
      try {
        for (const n of counts) {
          const writer = startWriter(sim.apiUrl, vmHref);
          await new Promise((r) => setTimeout(r, 2 * TICK_MS));
          await resetStats(sim.url);
          const t0 = Date.now();
          const end = t0 + seconds * 1000;
          const out = { staleness: [] as number[], errors: 0 };
          await Promise.all(Array.from({ length: n }, (_, i) => dashboard(server.url, (i * pollS * 1000) / n, pollS, end, out)));
          const elapsed = (Date.now() - t0) / 1000;
          const engine = (await simStats(sim.url)).byRoute;
          const writes = await writer.stop();
          const total = Object.values(engine).reduce((a, b) => a + b, 0);
          // The writer's PUTs (and any it sent after the count was read) are not the server's.
          const ours = total - Math.min(writes, engine['PUT /vms/{id}'] ?? 0);
          rows.push({
            freshnessMs,
            dashboards: n,
            pollS,
            seconds: elapsed,
            answers: out.staleness.length,
            errors: out.errors,
            engineRequestsPerMinute: (ours / elapsed) * 60,
            stalenessP50: percentile(out.staleness, 0.5),
            stalenessMax: out.staleness.length ? Math.max(...out.staleness) : Number.NaN,
          });
          step(`fleet, window ${freshnessMs} ms, ${n} dashboards`);
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
