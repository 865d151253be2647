/**
 * Scenario 9: replicas (issue 25). The same load on one server (no Redis,
 * the default) and on three replicas sharing a redis-server: 100 dashboards
 * polling the v4 dashboard query, each request sent to the next replica in
 * turn as a Service without affinity would, and 100 `vmsChanged`
 * subscribers spread over the replicas, while a driver starts and stops a
 * VM every second, over a 1,000-VM v4 engine (the simulator, in its own
 * process; every process apart). Measured side by side:
 * - engine requests per minute (the driver's own taken out);
 * - stale reads after one's own write: a write through one replica, then a
 *   read through the next, 20 times;
 * - engine logins per wrong credential sent to every replica ten times;
 * - on three replicas, failover: the replica polling for all is killed,
 *   and the time until another polls is taken from their metrics.
 * And the form shared answers take in Redis against the engine's own:
 * bytes of a 1,000-VM list, and the time to read each back.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { basicAuthorization } from '../src/http/basic.ts';
import { bundledV4Model } from '../src/model/index.ts';
import { parseAnswer } from '../src/rhev/answers.ts';
import { decodeDoc, encodeDoc } from '../src/shared/index.ts';
import { ask, REDIS_SERVER, RedisServer, upstreamRequests } from '../test/shared/replicas.ts';
import { QUERIES_V4 } from './dashboard.ts';
import { measure, resetStats, simStats } from './lib.ts';
import { type Started, startCommand, startSimulatorProcess } from './processes.ts';

export interface ReplicaRow {
  replicas: number;
  dashboards: number;
  subscribers: number;
  seconds: number;
  engineRequestsPerMinute: number;
  /** Events about the driven VM that the subscriber hearing fewest got. */
  fewestEvents: number;
  staleAfterOwnWrite: number;
  loginsPerWrongCredential: number;
  /** Three replicas: from the poller's death to another's first poll (ms). */
  failoverMs?: number;
}

export interface StoredForm {
  vms: number;
  engineBytes: number;
  storedBytes: number;
  readEngineMs: number;
  readStoredMs: number;
}

export interface ReplicasResult {
  rows: ReplicaRow[];
  stored: StoredForm;
}

function startReplica(engineUrl: string, redisUrl?: string): Promise<Started> {
  return startCommand(['serve', '--port', '0', '--log-level', 'warn'], /subgraph at (\S+)/, {
    RHEV_URL: engineUrl,
    RHEV_USERNAME: 'admin@internal',
    RHEV_PASSWORD: 'admin',
    RHEV_ANONYMOUS: 'service-account',
    ...(redisUrl ? { RHEV_REDIS_URL: redisUrl } : {}),
  });
}

/** Engine requests a replica made to a route so far, from its metrics (0 once it is gone). */
async function polled(replica: Started, route: string): Promise<number> {
  const text = await fetch(replica.url.replace(/graphql$/, 'metrics'))
    .then((r) => r.text())
    .catch(() => '');
  return upstreamRequests(text, route);
}

/** The load of one run: dashboards and subscribers over `seconds`, a VM started and stopped every second. */
async function load(simApi: string, simUrl: string, replicas: Started[], pollS: number, seconds: number) {
  let turn = 0;
  const next = () => replicas[turn++ % replicas.length].url;
  const sockets = replicas.flatMap((r) =>
    Array.from({ length: 5 }, () => createClient({ url: r.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 })),
  );
  const driven = (await ask(replicas[0].url, '{ vms(search: "status=down", max: 1) { id } }')).data.vms[0].id as string;
  const heard = new Array<number>(100).fill(0);
  const stops = heard.map((_, i) =>
    sockets[i % sockets.length].subscribe<{ vmsChanged: { id: string } }>(
      { query: 'subscription { vmsChanged { id state } }' },
      { next: (v) => void (v.data?.vmsChanged.id === driven && heard[i]++), error: () => {}, complete: () => {} },
    ),
  );
  await new Promise((r) => setTimeout(r, 3000));
  await resetStats(simUrl);
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  const dashboards = Array.from({ length: 100 }, async (_, i) => {
    await new Promise((r) => setTimeout(r, (i * pollS * 1000) / 100));
    while (Date.now() < end) {
      const at = Date.now();
      await ask(next(), QUERIES_V4.dashboard.query).catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.max(0, at + pollS * 1000 - Date.now())));
    }
  });
  const auth = { authorization: basicAuthorization('admin@internal', 'admin'), 'content-type': 'application/xml' };
  let up = false;
  while (Date.now() < end) {
    await fetch(`${simApi}/vms/${driven}/${up ? 'stop' : 'start'}`, { method: 'POST', headers: auth, body: '<action/>' });
    up = !up;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await Promise.all(dashboards);
  const elapsed = (Date.now() - t0) / 1000;
  const st = await simStats(simUrl);
  const driver = Object.entries(st.byRoute)
    .filter(([route]) => route.startsWith('POST /vms'))
    .reduce((a, [, n]) => a + n, 0);
  for (const stop of stops) stop();
  for (const s of sockets) await s.dispose();
  return { elapsed, engineRequestsPerMinute: ((st.requests - driver) / elapsed) * 60, fewestEvents: Math.min(...heard) };
}

/** Writes through one replica and reads through the next, `rounds` times: how many reads missed the write. */
async function staleAfterOwnWrite(replicas: Started[], rounds: number): Promise<number> {
  const vm = (await ask(replicas[0].url, '{ vms(max: 1) { id } }')).data.vms[0].id as string;
  let stale = 0;
  for (let i = 0; i < rounds; i++) {
    const reader = replicas[(i + 1) % replicas.length].url;
    await ask(reader, `{ vm(id: "${vm}") { description } }`);
    await ask(replicas[i % replicas.length].url, `mutation { updateVm(id: "${vm}", input: { description: "bench ${i}" }) { id } }`);
    if ((await ask(reader, `{ vm(id: "${vm}") { description } }`)).data?.vm?.description !== `bench ${i}`) stale++;
  }
  return stale;
}

/** A wrong password sent to every replica ten times at once: how many logins reached the engine. */
async function loginsPerWrongCredential(simUrl: string, replicas: Started[]): Promise<number> {
  await resetStats(simUrl);
  const wrong = { username: 'user@internal', password: `wrong-${Date.now()}` };
  await Promise.all(replicas.flatMap((r) => Array.from({ length: 10 }, () => ask(r.url, '{ vmCount }', wrong))));
  return (await simStats(simUrl)).byRoute['POST /ovirt-engine/sso/oauth/token'] ?? 0;
}

/** Kills the replica polling for all (subscribers on every replica) and times until another polls. */
async function failover(replicas: Started[]): Promise<number> {
  const sockets = replicas.map((r) => createClient({ url: r.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 }));
  const stops = sockets.map((s) =>
    s.subscribe({ query: 'subscription { vmsChanged { id } }' }, { next: () => {}, error: () => {}, complete: () => {} }),
  );
  await new Promise((r) => setTimeout(r, 3000));
  // The poller is the one whose polls go on (the interval grows while nothing changes: wait for one).
  const a = await Promise.all(replicas.map((r) => polled(r, '/vms')));
  let leader = -1;
  for (const deadline = Date.now() + 30_000; leader < 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
    leader = (await Promise.all(replicas.map((r) => polled(r, '/vms')))).findIndex((n, i) => n > a[i]);
  }
  if (leader < 0) return Number.NaN;
  const living = replicas.filter((_, i) => i !== leader);
  const base = await Promise.all(living.map((r) => polled(r, '/vms')));
  const killedAt = Date.now();
  replicas[leader].child.kill('SIGKILL');
  let ms = Number.NaN;
  while (Date.now() - killedAt < 30_000) {
    if ((await Promise.all(living.map((r) => polled(r, '/vms')))).some((n, i) => n > base[i])) {
      ms = Date.now() - killedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const [i, s] of sockets.entries()) {
    if (i === leader) continue;
    stops[i]();
    await s.dispose();
  }
  return ms;
}

/** The engine's 1,000-VM list against its shared form: bytes, and the time to read each back. */
async function storedForm(simApi: string, reps: number): Promise<StoredForm> {
  const xml = await (await fetch(`${simApi}/vms`, { headers: { authorization: basicAuthorization('admin@internal', 'admin') } })).text();
  const xsd = bundledV4Model();
  const doc = parseAnswer(xml, undefined, xsd);
  const stored = encodeDoc(doc);
  return {
    vms: (doc.vm as unknown[]).length,
    engineBytes: Buffer.byteLength(xml),
    storedBytes: Buffer.byteLength(stored),
    readEngineMs: measure('engine XML', 'ms', reps, () => {
      const t = performance.now();
      parseAnswer(xml, undefined, xsd);
      return performance.now() - t;
    }).median,
    readStoredMs: measure('stored form', 'ms', reps, () => {
      const t = performance.now();
      decodeDoc(stored);
      return performance.now() - t;
    }).median,
  };
}

export async function replicasScenario(pollS: number, seconds: number, step: (label: string) => void): Promise<ReplicasResult | undefined> {
  if (!REDIS_SERVER) {
    process.stderr.write('replicas scenario skipped: redis-server is absent\n');
    return undefined;
  }
  const sim = await startSimulatorProcess({ vms: 1000, dialect: 'v4' });
  const redis = await RedisServer.start();
  const rows: ReplicaRow[] = [];
  try {
    const stored = await storedForm(sim.apiUrl, 7);
    for (const n of [1, 3]) {
      const replicas = await Promise.all(Array.from({ length: n }, () => startReplica(sim.apiUrl, n > 1 ? redis.url : undefined)));
      try {
        const run = await load(sim.apiUrl, sim.url, replicas, pollS, seconds);
        const row: ReplicaRow = {
          replicas: n,
          dashboards: 100,
          subscribers: 100,
          seconds: run.elapsed,
          engineRequestsPerMinute: run.engineRequestsPerMinute,
          fewestEvents: run.fewestEvents,
          staleAfterOwnWrite: await staleAfterOwnWrite(replicas, 20),
          loginsPerWrongCredential: await loginsPerWrongCredential(sim.url, replicas),
        };
        if (n > 1) row.failoverMs = await failover(replicas);
        rows.push(row);
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
      }
      step(`${n} replicas`);
    }
    return { rows, stored };
  } finally {
    await redis.kill();
    await sim.stop();
  }
}
