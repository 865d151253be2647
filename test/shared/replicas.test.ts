/**
 * Three replicas of the built server sharing one redis-server (issue 25),
 * each a process of its own in front of one simulated v4 engine, checked by
 * what the engine was asked (the simulator counts every request):
 * - a list is read from the engine once per credential and window, however
 *   many replicas are asked, at once or one after another;
 * - a write through one replica is seen by a read through another at once
 *   (100 times out of 100, with the reader's window holding the old value);
 * - a wrong password reaches the engine once, whichever replicas it is sent
 *   to and however often;
 * - with Redis killed, every replica goes on answering on its own (said
 *   once in its log, `rhev_shared_cache_up 0`), and shares again once Redis
 *   is back.
 */
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator } from '../helpers.ts';
import { ask, REDIS_SERVER, RedisServer, type Replica, startReplica, until, upstreamRequests } from './replicas.ts';

if (!REDIS_SERVER) console.warn('replica tests skipped: redis-server is absent (apt-get install redis-server; .ci/run does)');

const USER = { username: 'user@internal', password: 'user' };

describe.skipIf(!REDIS_SERVER)('three replicas sharing one Redis', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let replicas: Replica[] = [];

  /** What the engine was asked since the last reset, by route. */
  const engineRequests = async (): Promise<Record<string, number>> =>
    ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { byRoute: Record<string, number> }).byRoute;
  const reset = () => fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });

  beforeAll(async () => {
    redis = await RedisServer.start();
    sim = await simulator({ vms: 60, hosts: 4, dialects: 'v4', transitionMs: 20 });
    // A long window, so that anything read twice from the engine is a failure to share, not a window that ended.
    replicas = await Promise.all([1, 2, 3].map(() => startReplica(sim.apiUrl, redis.url, { RHEV_FRESHNESS_MS: '20000' })));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.kill();
    await sim?.close();
  });

  it('reads a list from the engine once per credential and window, for every replica', async () => {
    await reset();
    const together = await Promise.all(replicas.map((r) => ask(r.url, '{ vms { name status } }')));
    const oneByOne = [];
    for (const r of replicas) oneByOne.push(await ask(r.url, '{ vms { name status } }'));
    for (const answer of [...together, ...oneByOne]) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.vms).toEqual(together[0].data.vms);
    }
    expect((await engineRequests())['GET /vms']).toBe(1);
    // Another credential reads for itself (it may see less), once for all three as well.
    const theirs = await Promise.all(replicas.map((r) => ask(r.url, '{ vms { name } }', USER)));
    for (const answer of theirs) expect(answer.data.vms).toEqual(theirs[0].data.vms);
    expect(theirs[0].data.vms.length).toBeLessThan(together[0].data.vms.length);
    expect((await engineRequests())['GET /vms']).toBe(2);
    // Whichever replica claimed a read read it from the engine; the others took it from Redis.
    const shared = await Promise.all(replicas.map(async (r) => /^rhev_shared_reads_total\{how="shared"\} [1-9]/m.test(await r.metrics())));
    expect(shared.filter(Boolean).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('gives a read back at once when it finds nothing, so no replica waits on it', async () => {
    const missing = '{ vm(id: "00000000-0000-0000-0000-00000000dead") { name } }';
    const answers = await Promise.all(replicas.map((r) => ask(r.url, missing)));
    for (const answer of answers) expect(answer.data.vm).toBeNull();
    const redisClient = new Redis(redis.url);
    try {
      expect(await redisClient.keys('rhev-graphql:read:*:claim')).toEqual([]);
    } finally {
      redisClient.disconnect();
    }
  }, 60_000);

  it('shows a write through one replica to a read through another at once, 100 times out of 100', async () => {
    const [a, b] = replicas;
    const { data } = await ask(a.url, '{ vms(search: "status=down", max: 1) { id name } }');
    const vm = data.vms[0];
    const read = `{ vm(id: "${vm.id}") { description } vms(search: "name=${vm.name}") { description } }`;
    let stale = 0;
    for (let i = 0; i < 100; i++) {
      // B's window holds the description from before the write.
      await ask(b.url, read);
      const wrote = await ask(a.url, `mutation { updateVm(id: "${vm.id}", input: { description: "round ${i}" }) { description } }`);
      expect(wrote.errors).toBeUndefined();
      const seen = await ask(b.url, read);
      if (seen.data.vm.description !== `round ${i}` || seen.data.vms[0].description !== `round ${i}`) stale++;
    }
    expect(stale).toBe(0);
  }, 120_000);

  it('asks the engine once about a wrong password, whichever replicas it is sent to and however often', async () => {
    await reset();
    const wrong = { username: 'user@internal', password: 'not-the-password' };
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(replicas.flatMap((r) => [ask(r.url, '{ vmCount }', wrong), ask(r.url, '{ hostCount }', wrong)]));
      for (const answer of answers) expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await engineRequests())['POST /ovirt-engine/sso/oauth/token']).toBe(1);
  }, 60_000);

  it('goes on alone while Redis is down, saying so once, and shares again once it is back', async () => {
    const before = replicas.map((r) => r.process.output().length);
    await redis.kill();
    for (const r of replicas) {
      const answer = await ask(r.url, '{ vms { name } hosts { name } }');
      expect(answer.errors).toBeUndefined();
      expect(answer.data.vms.length).toBeGreaterThan(0);
    }
    for (const [i, r] of replicas.entries()) {
      await until(async () => /^rhev_shared_cache_up 0$/m.test(await r.metrics()), 10_000, 'rhev_shared_cache_up 0');
      expect(
        r.process
          .output()
          .slice(before[i])
          .match(/Redis is unreachable/g),
      ).toHaveLength(1);
      expect(r.process.output()).not.toMatch(/redis:\/\/[^"\s]*@/); // no credentials of Redis in the log
    }
    await redis.start();
    for (const r of replicas)
      await until(async () => /^rhev_shared_cache_up 1$/m.test(await r.metrics()), 15_000, 'rhev_shared_cache_up 1');
    await reset();
    const together = await Promise.all(replicas.map((r) => ask(r.url, '{ vms { name description } }')));
    for (const answer of together) expect(answer.errors).toBeUndefined();
    expect((await engineRequests())['GET /vms']).toBe(1);
  }, 90_000);
});

describe.skipIf(!REDIS_SERVER)('three replicas starting with a wrong service account password', () => {
  it('ask the engine once between them, and are ready (callers bring their own credentials)', async () => {
    const redis = await RedisServer.start();
    const sim = await simulator({ vms: 10, dialects: 'v4' });
    const env = { RHEV_PASSWORD: 'not-the-password', RHEV_ANONYMOUS: 'refuse' };
    const replicas = await Promise.all([1, 2, 3].map(() => startReplica(sim.apiUrl, redis.url, env)));
    try {
      const stats = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { byRoute: Record<string, number> };
      // The engine check of each replica, asked once between them: the first asks, the others adopt its refusal.
      expect(Object.values(stats.byRoute).reduce((a, b) => a + b, 0)).toBe(1);
      for (const r of replicas) expect((await fetch(r.url.replace(/graphql$/, 'health/ready'))).status).toBe(200);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await redis.kill();
      await sim.close();
    }
  }, 60_000);
});

describe.skipIf(!REDIS_SERVER)('subscriptions on three replicas sharing one Redis', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let replicas: Replica[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    sim = await simulator({ vms: 30, hosts: 3, dialects: 'v4', transitionMs: 20 });
    const env = {
      RHEV_WATCH_INTERVAL_MS: '200',
      RHEV_WATCH_MAX_INTERVAL_MS: '400',
      RHEV_WATCH_EVENTS_MS: '200',
      RHEV_REDIS_LEASE_MS: '1500',
    };
    replicas = await Promise.all([1, 2, 3].map(() => startReplica(sim.apiUrl, redis.url, env)));
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.kill();
    await sim?.close();
  });

  /** Engine requests a replica made to a route, from its metrics (0 once it is gone). */
  const polled = async (r: Replica, route: string) => upstreamRequests(await r.metrics().catch(() => ''), route);

  /** Every vmsChanged event a replica's subscriber hears, as `name:state`. */
  function listen(r: Replica): string[] {
    const heard: string[] = [];
    const client = createClient({ url: r.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { vmsChanged { state vm { name } } }' },
      {
        next: ({ data }) => heard.push(`${(data as any).vmsChanged.vm?.name}:${(data as any).vmsChanged.state}`),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return heard;
  }

  /** Starts a VM that is down through `r`, and says which (found in the simulator: a list query would be a /vms read of its own). */
  async function startOne(r: Replica): Promise<string> {
    const vm = [...sim.engine.store.table('vms').values()].find((v) => v.status?.state === 'down' && !v.vmpool)!;
    expect((await ask(r.url, `mutation { startVm(id: "${vm.id}") { status } }`)).errors).toBeUndefined();
    return vm.name;
  }

  it('poll the engine from one replica, every subscriber hearing every change; another takes over when it dies', async () => {
    const heard = replicas.map(listen);
    // Every replica's subscriber has its first picture before anything changes.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await Promise.all(replicas.map((r) => polled(r, '/vms')));
    const feedBefore = await Promise.all(replicas.map((r) => polled(r, '/events')));
    const started = await startOne(replicas[0]);
    for (const h of heard) await until(async () => h.includes(`${started}:up`), 15_000, `every replica's subscriber hearing ${started} up`);
    const after = await Promise.all(replicas.map((r) => polled(r, '/vms')));
    const pollers = after.map((n, i) => n - before[i]).filter((n) => n > 0);
    expect(pollers).toHaveLength(1);
    // The engine's event feed is read by one replica too.
    const feedAfter = await Promise.all(replicas.map((r) => polled(r, '/events')));
    expect(feedAfter.filter((n, i) => n > feedBefore[i])).toHaveLength(1);
    const leader = after.findIndex((n, i) => n > before[i]);

    // The leader dies without a word: one of the others takes its lease over and polls.
    const dead = replicas[leader];
    const killedAt = Date.now();
    dead.process.child.kill('SIGKILL');
    await dead.process.exited;
    const living = replicas.filter((r) => r !== dead);
    const base = await Promise.all(living.map((r) => polled(r, '/vms')));
    await until(
      async () => (await Promise.all(living.map((r) => polled(r, '/vms')))).some((n, i) => n > base[i]),
      10_000,
      'another replica polling',
    );
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeLessThan(1500 + 3000);
    const next = await startOne(living[0]);
    for (const i of living.map((r) => replicas.indexOf(r)))
      await until(async () => heard[i].includes(`${next}:up`), 15_000, `the living replicas' subscribers hearing ${next} up`);
  }, 90_000);
});

describe.skipIf(!REDIS_SERVER)('a poller that shuts down', () => {
  it('gives its lease back and says so, so another replica polls at once, long before the lease would run out', async () => {
    const redis = await RedisServer.start();
    const sim = await simulator({ vms: 10, dialects: 'v4' });
    // A long lease (60 s, renewed every 20 s): taken over within seconds only if it was given back.
    const env = { RHEV_WATCH_INTERVAL_MS: '200', RHEV_WATCH_MAX_INTERVAL_MS: '400', RHEV_REDIS_LEASE_MS: '60000' };
    const replicas = await Promise.all([1, 2].map(() => startReplica(sim.apiUrl, redis.url, env)));
    const clients = replicas.map((r) => createClient({ url: r.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 }));
    try {
      for (const c of clients)
        c.subscribe({ query: 'subscription { vmsChanged { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      const polls = async (r: Replica) => upstreamRequests(await r.metrics(), '/vms');
      await until(async () => (await Promise.all(replicas.map(polls))).some((n) => n > 0), 10_000, 'a replica polling');
      const leader = (await Promise.all(replicas.map(polls))).findIndex((n) => n > 0);
      const other = replicas[1 - leader];
      const before = await polls(other);
      const stoppedAt = Date.now();
      await replicas[leader].stop();
      await until(async () => (await polls(other)) > before, 10_000, 'the other replica polling');
      expect(Date.now() - stoppedAt).toBeLessThan(40_000);
    } finally {
      for (const c of clients) await Promise.resolve(c.dispose()).catch(() => undefined);
      await Promise.all(replicas.map((r) => r.stop()));
      await redis.kill();
      await sim.close();
    }
  }, 90_000);
});
