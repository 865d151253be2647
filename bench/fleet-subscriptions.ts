/**
 * Scenario 8b: fleet-wide subscriptions. 1 and 100 subscribers of
 * `vmsChanged` over 1,000 VMs while a driver starts and stops a VM every
 * 250 ms: the engine's load should not grow with the subscribers (one fleet
 * watch lists the VMs once per poll for all of them), and every subscriber
 * should hear of every change.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { resetStats, simStats } from './lib.ts';
import { settle, subscriptionStack } from './subscriptions.ts';

export interface FleetSubscriptionRow {
  subscribers: number;
  vms: number;
  seconds: number;
  upstreamPerSecond: number;
  /** Events about the driven VM each subscriber got, the fewest of any. */
  fewestEvents: number;
}

export async function fleetSubscriptionScenario(
  vms: number,
  counts: number[],
  seconds: number,
  step: (label: string) => void,
): Promise<FleetSubscriptionRow[]> {
  const rows: FleetSubscriptionRow[] = [];
  for (const count of counts) {
    const { sim, server } = await subscriptionStack(vms);
    const id = [...sim.engine.store.table('vms').values()].find((v) => !v.vmpool)!.id as string;
    // A few sockets, as a router multiplexes its callers' subscriptions.
    const clients = Array.from({ length: Math.min(count, 10) }, () =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 }),
    );
    const heard = new Array<number>(count).fill(0);
    const disposers = Array.from({ length: count }, (_, i) =>
      clients[i % clients.length].subscribe<{ vmsChanged: { id: string } }>(
        { query: 'subscription { vmsChanged { id state } }' },
        {
          next: (v) => {
            if (v.data?.vmsChanged.id === id) heard[i]++;
          },
          error: () => {},
          complete: () => {},
        },
      ),
    );
    await settle(server, count);
    await resetStats(sim.url);
    heard.fill(0);
    const auth = { authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`, 'content-type': 'application/xml' };
    const t0 = performance.now();
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const state = sim.engine.store.get('vms', id)!.status.state;
      const action = state === 'down' ? 'start' : state === 'up' ? 'stop' : undefined;
      if (action) await fetch(`${sim.apiUrl}/vms/${id}/${action}`, { method: 'POST', headers: auth, body: '<action/>' });
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const st = await simStats(sim.url);
    const driver = Object.entries(st.byRoute)
      .filter(([r]) => r.startsWith('POST'))
      .reduce((a, [, n]) => a + n, 0);
    rows.push({ subscribers: count, vms, seconds, upstreamPerSecond: (st.requests - driver) / elapsed, fewestEvents: Math.min(...heard) });
    for (const d of disposers) d();
    for (const c of clients) await c.dispose();
    await server.close();
    await sim.close();
    step(`${count} fleet subscribers`);
  }
  return rows;
}
