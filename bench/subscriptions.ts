/**
 * Scenario 5: status subscriptions while VMs change state. For 1, 100 and
 * 1,000 subscribers spread over the same VMs, a driver starts and stops
 * watched VMs; measured: upstream requests per second during the window,
 * delay from the engine's change to the client's event, memory per
 * subscription.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../src/server/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { percentile, quick, resetStats, simStats } from './lib.ts';

// A full collection before each heap reading, so one subscription's share is not lost in garbage.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

export interface SubscriptionRow {
  subscribers: number;
  watchedVms: number;
  seconds: number;
  upstreamPerSecond: number;
  delayP50: number;
  delayP95: number;
  events: number;
  kbPerSubscription: number;
}

/** The simulator and a server for a subscription scenario; subscribers share few sockets, so the per-socket caps (a protection, not the subject) are raised. */
export async function subscriptionStack(vms: number) {
  const sim = await startSimulator({ vms, hosts: 20, clusters: 4, datacenters: 2, port: 0, transitionMs: 1000 });
  const server = await startServer({
    engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' },
    port: 0,
    landingPage: false,
    anonymous: 'service-account',
    logLevel: 'warn',
    limits: { maxSubscriptionsPerConnection: 10_000, maxOperationsPerConnection: 10_000 },
  });
  return { sim, server };
}

/**
 * Waits until `count` subscriptions are open (and `ready` holds), then until
 * the pollers have backed off to their steady pace (the default longest
 * interval, 8 s), so every run is measured from the same state; a quick run
 * does not wait for that.
 */
export async function settle(server: RunningServer, count: number, ready: () => boolean = () => true): Promise<void> {
  const settleEnd = Date.now() + 30_000;
  while (Date.now() < settleEnd) {
    const open = await server.metrics.registry.getSingleMetricAsString('rhev_subscriptions_active');
    if (open.includes(`rhev_subscriptions_active ${count}`) && ready()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, quick ? 500 : 8500));
}

export async function subscriptionScenario(
  vms: number,
  counts: number[],
  seconds: number,
  step: (label: string) => void,
): Promise<SubscriptionRow[]> {
  const rows: SubscriptionRow[] = [];
  for (const count of counts) {
    const { sim, server } = await subscriptionStack(vms);
    const ids = [...sim.engine.store.table('vms').values()].filter((v) => !v.vmpool).map((v) => v.id as string);
    // The same VMs are watched at every subscriber count: up to 1,000 of them.
    const watched = ids.slice(0, Math.min(1000, ids.length, Math.max(...counts)));
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const changedAt = new Map<string, number>();
    const delays: number[] = [];
    let events = 0;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const disposers: (() => void)[] = [];
    for (let i = 0; i < count; i++) {
      const id = watched[i % watched.length];
      let last: string | undefined;
      disposers.push(
        client.subscribe<{ vmStatus: { state: string } }>(
          { query: 'subscription($id: ID!) { vmStatus(id: $id) { state } }', variables: { id } },
          {
            next: (v) => {
              events++;
              const state = v.data?.vmStatus.state;
              if (last !== undefined && state !== last && changedAt.has(id)) delays.push(performance.now() - changedAt.get(id)!);
              last = state;
            },
            error: () => {},
            complete: () => {},
          },
        ),
      );
    }
    // Wait until every subscription is open and has its first state, so setting up is not measured as load.
    await settle(server, count, () => events >= count);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    await resetStats(sim.url);
    const end = Date.now() + seconds * 1000;
    const t0 = performance.now();
    // The driver: start and stop the first VM (watched at every subscriber count) through the engine API.
    const auth = { authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`, 'content-type': 'application/xml' };
    while (Date.now() < end) {
      const id = watched[0];
      const vm = sim.engine.store.get('vms', id)!;
      const action = vm.status.state === 'down' ? 'start' : vm.status.state === 'up' ? 'stop' : undefined;
      if (action) {
        changedAt.set(id, performance.now());
        await fetch(`${sim.apiUrl}/vms/${id}/${action}`, { method: 'POST', headers: auth, body: '<action/>' });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const st = await simStats(sim.url);
    // The driver's own actions are not the subgraph's load.
    const driver = Object.entries(st.byRoute)
      .filter(([r]) => r.startsWith('POST'))
      .reduce((a, [, n]) => a + n, 0);
    rows.push({
      subscribers: count,
      watchedVms: Math.min(count, watched.length),
      seconds,
      upstreamPerSecond: (st.requests - driver) / elapsed,
      delayP50: percentile(delays, 0.5),
      delayP95: percentile(delays, 0.95),
      events, // One subscription's share is lost in the noise of a whole heap; reported from 100 on.
      kbPerSubscription: count >= 100 ? (heapAfter - heapBefore) / 1024 / count : NaN,
    });
    for (const d of disposers) d();
    await client.dispose();
    await server.close();
    await sim.close();
    step(`${count} subscribers`);
  }
  return rows;
}
