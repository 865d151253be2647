import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createLogger, startServer } from '../../src/server/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { simulator } from '../helpers.ts';
import { gql, post, stack } from './helpers.ts';

const DASHBOARD =
  '{ vms { name status { state } cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }';
const UPSTREAM_CODES = ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_PARSE_ERROR'];

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

describe('upstream faults', () => {
  it('1,000 dashboard queries with 10% injected faults: every answer complete, or partial with upstream codes; retries counted; memory back to its baseline', async () => {
    const st = await stack({ vms: 20 }, { limits: { operationTimeoutMs: 10_000 } });
    try {
      await gql(st, '{ api { time } }');
      gc();
      const baseline = process.memoryUsage().heapUsed;
      st.sim.configure({ faults: { rate: 0.1, kinds: ['503', 'reset', 'slow', 'truncated', 'malformed'], slowMs: 150 } });
      let complete = 0,
        partial = 0;
      const codes = new Set<string>();
      let next = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next < 1000) {
            next++;
            const r = await gql(st, DASHBOARD);
            if (!r.errors) {
              complete++;
              continue;
            }
            partial++;
            for (const e of r.errors) codes.add(e.extensions?.code);
          }
        }),
      );
      st.sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
      expect(complete + partial).toBe(1000);
      expect(complete).toBeGreaterThan(0);
      expect(
        [...codes].every((c) => UPSTREAM_CODES.includes(c)),
        [...codes].join(),
      ).toBe(true);
      const metrics = await st.server.metrics.registry.getSingleMetricAsString('rhev_upstream_retries_total');
      expect(Number(/rhev_upstream_retries_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
      // The server still answers, and what the run allocated is gone.
      expect((await gql(st, '{ api { time } }')).errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 100));
      gc();
      expect(process.memoryUsage().heapUsed - baseline).toBeLessThan(40 * 1024 * 1024);
    } finally {
      await st.close();
    }
  }, 120_000);

  // Broken after sending, or a 2xx answer that cannot be read: either way the engine may have run it.
  it.each([
    ['a connection broken after sending', 'reset' as const, /broke|reach|socket/i],
    ['a truncated 2xx answer', 'truncated' as const, /accepted start/],
  ])('an action that met %s is reported as unknown, re-read, and never sent twice', async (_what, fault, detail) => {
    const s = await stack({ vms: 20 });
    try {
      const id = (await gql(s, '{ vms(search: "status=down", max: 1) { id } }')).data.vms[0].id;
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      s.sim.configure({ faults: { rate: 1, kinds: [fault], slowMs: 0, methods: ['POST'] } });
      const r = await gql(
        s,
        'mutation($id: ID!) { startVm(id: $id) { status outcomeUnknown fault { reason detail } resource { status { state } } } }',
        { id },
      );
      s.sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
      expect(r.errors).toBeUndefined();
      expect(r.data.startVm).toMatchObject({ status: 'unknown', outcomeUnknown: true, fault: { reason: 'Outcome unknown' } });
      expect(r.data.startVm.fault.detail).toMatch(detail);
      // The engine did receive it (and started the VM): the re-read shows so.
      expect(r.data.startVm.resource.status.state).not.toBe('down');
      const stats = (await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as any;
      expect(stats.actions['vms#start']).toBe(1);
    } finally {
      await s.close();
    }
  });
});

describe('hostile upstream documents', () => {
  it('refuses XML with a DOCTYPE or entity declarations instead of expanding it', async () => {
    const { createServer } = await import('node:http');
    const evil = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0"?><!DOCTYPE api [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><api><time>&b;</time></api>',
        ),
    );
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const port = (evil.address() as { port: number }).port;
    const server = await startServer({
      engine: { url: `http://127.0.0.1:${port}/api`, username: 'a', password: 'b', retries: 0 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
    });
    try {
      const r = await gql(server, '{ api { time } }');
      expect(r.errors![0].extensions!.code).toBe('UPSTREAM_PARSE_ERROR');
      expect(r.errors![0].message).toMatch(/DOCTYPE/);
    } finally {
      await server.close();
      evil.close();
    }
  });
});

describe('timeouts and an absent engine', () => {
  it('a stuck engine gives timeout errors within the configured bounds', async () => {
    const sim = await simulator({ vms: 5, latencyMs: 5000 });
    const upstream = await startServer({
      engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin', timeoutMs: 200, retries: 0 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
    });
    const operation = await startServer({
      engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin', timeoutMs: 60_000 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      limits: { operationTimeoutMs: 300 },
    });
    try {
      const a = await gql(upstream, '{ vms { name } }');
      expect(a.errors![0].extensions!.code).toBe('UPSTREAM_TIMEOUT');
      const b = await gql(operation, '{ vms { name } }');
      expect(b.errors![0].extensions).toMatchObject({ code: 'OPERATION_TIMEOUT', limit: 'operationTimeoutMs' });
    } finally {
      await upstream.close();
      await operation.close();
      await sim.close();
    }
  });

  it('starts without an engine, says so, fails fast, and recovers when the engine returns', async () => {
    const probe = await startSimulator({ vms: 1, port: 0 });
    const port = probe.port;
    await probe.close();
    const server = await startServer({
      engine: { url: `http://127.0.0.1:${port}/api`, username: 'admin@internal', password: 'admin' },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
    });
    let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      const health = await (await fetch(server.url.replace(/graphql$/, 'health'))).json();
      expect(health).toMatchObject({ status: 'ok', engine: { reachable: false } });
      // Every query is answered at once with the reason (503, one code), not tried against nothing.
      for (let i = 0; i < 2; i++) {
        const res = await post(server, '{ vms { name } }');
        expect(res.status).toBe(503);
        const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
        expect(body.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
        expect(body.errors[0].message).toMatch(/The engine is not ready: cannot reach .*ECONNREFUSED/);
      }
      sim = await startSimulator({ vms: 5, port });
      let ok = false;
      for (let i = 0; i < 60 && !ok; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ok = !(await gql(server, '{ vms { name } }')).errors;
      }
      expect(ok).toBe(true);
    } finally {
      await server.close();
      await sim?.close();
    }
  });
});

describe('isolation and secrets', () => {
  it("two credentials querying at the same time never see each other's objects, and nothing secret is logged", async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'debug',
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const sim = await simulator({ vms: 30 });
    const server = await startServer({
      engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin', verbosity: 10 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      logger,
    });
    try {
      const user = { username: 'user@internal', password: 'user' };
      const mine = new Set((await gql(server, '{ vms { id } }', undefined, user)).data.vms.map((v: any) => v.id));
      expect(mine.size).toBe(3);
      for (let round = 0; round < 5; round++) {
        const [u, a] = await Promise.all([
          gql(server, '{ vms { id } hosts { id } }', undefined, user),
          gql(server, '{ vms { id } hosts { id } }'),
        ]);
        expect(u.data.vms.every((v: any) => mine.has(v.id))).toBe(true);
        expect(u.data.vms).toHaveLength(3);
        expect(a.data.vms.length).toBeGreaterThan(3);
      }
      const text = lines.join('\n');
      expect(text.length).toBeGreaterThan(0);
      for (const secret of [
        'admin:admin',
        'user@internal:user',
        Buffer.from('admin@internal:admin').toString('base64'),
        Buffer.from('user@internal:user').toString('base64'),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/JSESSIONID=[^*]/);
      const metrics = await (await fetch(server.url.replace(/graphql$/, 'metrics'))).text();
      expect(metrics).not.toMatch(/admin|user@internal|JSESSIONID/);
    } finally {
      await server.close();
      await sim.close();
    }
  });
});
