/**
 * `npm run soak`: a bounded run (5 minutes by default; SOAK_SECONDS to
 * change) of mixed queries, mutations and subscriptions at steady
 * concurrency, against the simulator with a small rate of injected faults.
 * It samples memory as it goes, sorts every error into explained (injected
 * faults, engine refusals of racing actions) and unexplained. Then a
 * hostile phase (bench/hostile.ts, HOSTILE_SECONDS, 60 by default) attacks
 * the server from both sides. It writes docs/reliability.md. Loopback only;
 * it stops by itself.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer } from '../src/server/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { hostileMarkdown, hostilePhase, loginBound } from './hostile.ts';
import { percentile } from './lib.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const HOSTILE_SECONDS = Number(process.env.HOSTILE_SECONDS ?? 60);
const WORKERS = 12;
const FAULT_RATE = 0.02;
const EXPLAINED = new Set([
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_PARSE_ERROR',
  'CONFLICT',
  'NOT_FOUND',
  'OPERATION_TIMEOUT',
]);

// A 4.3 engine (both dialects): the server finds v4 and serves it, as it does for the engines people run.
const sim = await startSimulator({
  dialects: 'both',
  vms: 500,
  hosts: 12,
  clusters: 4,
  port: 0,
  transitionMs: 500,
  faults: { rate: FAULT_RATE, kinds: ['503', 'reset', 'slow', 'truncated', 'malformed'], slowMs: 300 },
});
const server = await startServer({
  engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' },
  port: 0,
  landingPage: false,
  anonymous: 'service-account',
  logLevel: 'warn',
  watch: { intervalMs: 500, maxIntervalMs: 4000, eventsMs: 1000 },
});

const post = async (query: string, variables?: object, auth?: string) => {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
};

const counts = { queries: 0, mutations: 0, subscriptionEvents: 0, errors: 0, explained: 0 };
const unexplained = new Map<string, number>();
const latencies: number[] = [];
const memory: { t: number; rssMB: number; heapMB: number }[] = [];
const note = (r: { errors?: { message: string; extensions?: { code?: string } }[] }) => {
  for (const e of r.errors ?? []) {
    counts.errors++;
    if (EXPLAINED.has(e.extensions?.code ?? '')) counts.explained++;
    else
      unexplained.set(
        `${e.extensions?.code}: ${e.message.slice(0, 120)}`,
        (unexplained.get(`${e.extensions?.code}: ${e.message.slice(0, 120)}`) ?? 0) + 1,
      );
  }
};

const ids = (await post('{ vms { id } }')).data?.vms.map((v: { id: string }) => v.id) ?? [];
const userAuth = `Basic ${Buffer.from('user@internal:user').toString('base64')}`;
const QUERIES = [
  '{ vms(max: 100) { name status cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name } } }',
  '{ dataCenters { name clusters { name hosts { name vms(max: 20) { name } } } } }',
  '{ hosts { name status statistics { name } } }',
  '{ api { summary { vms { total active } } } events(max: 20) { description } }',
];

const end = Date.now() + SECONDS * 1000;
const started = Date.now();
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  memory.push({ t: Math.round((Date.now() - started) / 1000), rssMB: m.rss / 1e6, heapMB: m.heapUsed / 1e6 });
}, 10_000);

// Subscribers come and go for the whole run.
const subscriber = async () => {
  while (Date.now() < end) {
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const id = ids[Math.floor(Math.random() * ids.length)];
    await new Promise<void>((resolve) => {
      const stop = setTimeout(() => {
        dispose();
        resolve();
      }, 5000);
      const dispose = client.subscribe(
        { query: 'subscription($id: ID!) { vmStatus(id: $id) { state } }', variables: { id } },
        {
          next: () => {
            counts.subscriptionEvents++;
          },
          error: () => {
            clearTimeout(stop);
            resolve();
          },
          complete: () => {
            clearTimeout(stop);
            resolve();
          },
        },
      );
    });
    await client.dispose();
  }
};

const worker = async (w: number) => {
  let k = 0;
  while (Date.now() < end) {
    k++;
    const t0 = performance.now();
    if (k % 7 === 0) {
      const id = ids[(w * 31 + k) % ids.length];
      const action = k % 14 === 0 ? 'stopVm' : 'startVm';
      note(await post(`mutation($id: ID!) { ${action}(id: $id) { status } }`, { id }));
      counts.mutations++;
    } else {
      note(await post(QUERIES[k % QUERIES.length], undefined, k % 5 === 0 ? userAuth : undefined));
      counts.queries++;
    }
    latencies.push(performance.now() - t0);
  }
};

process.stderr.write(`soak: ${SECONDS} s, ${WORKERS} workers and 3 subscribers, ${FAULT_RATE * 100}% injected faults\n`);
await Promise.all([...Array.from({ length: WORKERS }, (_, w) => worker(w)), subscriber(), subscriber(), subscriber()]);
clearInterval(sampler);
// Closed sockets are cleaned up as their close events arrive: give them a moment before counting.
let watchersLeft = '';
for (let i = 0; i < 30; i++) {
  watchersLeft = await server.metrics.registry.getSingleMetricAsString('rhev_watchers_active');
  if (/rhev_watchers_active 0/.test(watchersLeft)) break;
  await new Promise((r) => setTimeout(r, 100));
}
sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
process.stderr.write(`soak: hostile phase, ${HOSTILE_SECONDS} s\n`);
const hostile = await hostilePhase(sim, server, HOSTILE_SECONDS);
await server.close();
await sim.close();
const hostileFailed =
  hostile.crashes > 0 ||
  hostile.hangs > 0 ||
  hostile.foreignRequests > 0 ||
  !hostile.mainServerAnswers ||
  (hostile.refusedSockets > 0 && hostile.failedLogins / hostile.refusedSockets > 1) ||
  hostile.failedLogins > loginBound(hostile) ||
  hostile.lockouts > 0 ||
  hostile.leakedSubscriptions > 0 ||
  hostile.leakedWatchers > 0 ||
  hostile.budgetPeakBytes > hostile.budgetBytes ||
  Math.abs(hostile.rssAfterMB - hostile.rssBeforeMB) / hostile.rssBeforeMB > 0.2;

const first = memory.slice(1, 4);
const last = memory.slice(-3);
const avg = (xs: typeof memory) => xs.reduce((a, m) => a + m.heapMB, 0) / Math.max(1, xs.length);
const totalUnexplained = [...unexplained.values()].reduce((a, b) => a + b, 0);
const md = `# Reliability

Written by \`npm run soak\` (last run ${new Date().toISOString().slice(0, 10)}, ${SECONDS} s${SECONDS < 300 ? ', shorter than the standard 5 minutes' : ''}); do not edit by hand.

A bounded soak on API v4 (the simulator as a 4.3 engine): ${WORKERS} workers sending mixed queries (as the service account and, every fifth, as a
filtered user) and start/stop mutations, and 3 subscribers coming and going, against the simulator
(500 VMs) with ${FAULT_RATE * 100}% of engine requests failing (503s, resets, slow answers, truncated or malformed XML).

| | |
|---|---|
| queries | ${counts.queries} |
| mutations | ${counts.mutations} |
| subscription events | ${counts.subscriptionEvents} |
| errors | ${counts.errors} (explained: ${counts.explained}: injected faults, actions refused while racing) |
| **unexplained errors** | **${totalUnexplained}** |
| p50 / p99 latency | ${percentile(latencies, 0.5).toFixed(0)} ms / ${percentile(latencies, 0.99).toFixed(0)} ms |
| heap, early vs late (avg of 3 samples) | ${avg(first).toFixed(0)} MB vs ${avg(last).toFixed(0)} MB |
| watchers left after the run | ${/rhev_watchers_active (\d+)/.exec(watchersLeft)?.[1] ?? '?'} |

${totalUnexplained ? `Unexplained errors:\n\n${[...unexplained].map(([k, v]) => `- ${v} x ${k}`).join('\n')}\n` : ''}
Memory samples (every 10 s):

| s | RSS MB | heap MB |
|---|---|---|
${memory.map((m) => `| ${m.t} | ${m.rssMB.toFixed(0)} | ${m.heapMB.toFixed(0)} |`).join('\n')}

${hostileMarkdown(hostile)}
What the tests show besides (\`npm test\`, test/server/reliability.test.ts and limits.test.ts):
1,000 dashboard queries with 10% injected faults each answer completely or with partial data and
upstream error codes, with retries counted and memory back to its baseline; an action whose
connection breaks after sending is reported as of unknown outcome and never re-sent; a stuck engine
gives UPSTREAM_TIMEOUT or OPERATION_TIMEOUT within the configured bounds; an absent engine is reported
by /health and fails queries fast until it returns; two credentials never see each other's objects,
and credentials and session ids never reach logs or metrics; hostile queries are refused before they run; and (test/server/hostile-upstream.test.ts,
websocket-limits.test.ts, inputs.test.ts, credentials.test.ts, logging.test.ts) each attack of the
hostile phase, one at a time, with its exact code.

Deployment behind a router with several instances: each instance keeps its own engine sessions,
watchers and memory of refused credentials, so N instances cost the engine N pollers per watched type
and up to N logins per wrong credential per minute; put the subgraph behind the router with session
affinity per credential when that matters.
`;
writeFileSync(fileURLToPath(new URL('../docs/reliability.md', import.meta.url)), md);
process.stderr.write(
  `soak: ${counts.queries} queries, ${counts.mutations} mutations, ${counts.errors} errors, ${totalUnexplained} unexplained; hostile phase: ${hostile.crashes} crashes, ${hostile.hangs} hangs, ${hostile.foreignRequests} foreign requests, RSS ${hostile.rssBeforeMB.toFixed(0)} -> ${hostile.rssAfterMB.toFixed(0)} MB; written docs/reliability.md\n`,
);
process.exit(totalUnexplained || hostileFailed ? 1 : 0);
