/**
 * What an engine (or whatever answers in its place) can do to the server:
 * answers too large to hold, answers that never end, a byte every so often,
 * links and redirects to another host, HTML pages, silence. Each is refused
 * with a coded error, within the operation's deadline, with the socket given
 * back and nothing sent where it should not go.
 */

import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type RunningServer, type ServerConfig, startServer } from '../../src/server/index.ts';
import { until } from '../helpers.ts';
import { gql } from './helpers.ts';
import { type Hostile, hostileEngine } from './hostile-engine.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function engine(options: Parameters<typeof hostileEngine>[0] = {}): Promise<Hostile> {
  const h = await hostileEngine(options);
  open.push(h);
  return h;
}

async function serverFor(
  h: Hostile,
  config: Partial<Omit<ServerConfig, 'engine'>> & { engine?: Partial<ServerConfig['engine']> } = {},
): Promise<RunningServer> {
  const s = await startServer({
    port: 0,
    landingPage: false,
    anonymous: 'service-account',
    logLevel: 'silent',
    ...config,
    engine: { url: h.apiUrl, username: 'admin@internal', password: 'pw', retries: 0, ...config.engine },
  });
  open.push(s);
  return s;
}

describe('answers too large to hold', () => {
  it('a 20 MB list in items of 1 KB is read item by item past a 1 MB cap: the cap holds per item', async () => {
    const h = await engine({ routes: { vms: { kind: 'huge', bytes: 20 * 1024 * 1024 } } });
    const s = await serverFor(h, { limits: { maxResponseBytes: 1024 * 1024 } });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.vms.length).toBeGreaterThan(19_000);
  });

  it('one item of 20 MB over a 1 MB cap is UPSTREAM_TOO_LARGE, the socket is closed and memory is back', async () => {
    const h = await engine({ routes: { vms: { kind: 'huge', bytes: 20 * 1024 * 1024, oneItem: true } } });
    const s = await serverFor(h, { limits: { maxResponseBytes: 1024 * 1024 } });
    await gql(s, '{ api { time } }');
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 5; i++) {
      const r = await gql(s, '{ vms { name } }');
      expect(r.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_TOO_LARGE', limit: 'maxResponseBytes', max: 1024 * 1024 });
    }
    // The engine sees its sockets closed: nothing keeps reading a dropped answer.
    await until(async () => h.openSockets <= 1, 5000);
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('an answer kept whole (an error answer) declaring a length over the cap is refused before its body is read', async () => {
    const h = await engine({ routes: { vms: { kind: 'huge', bytes: 8 * 1024 * 1024, declareLength: true, status: 500 } } });
    const s = await serverFor(h, { limits: { maxResponseBytes: 64 * 1024 } });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions!.code).toBe('UPSTREAM_TOO_LARGE');
  });

  it('an endless answer ends at the list cap, not at the deadline, and does not keep growing after the caller is answered', async () => {
    const h = await engine({ routes: { vms: { kind: 'endless' } } });
    const max = 32 * 1024 * 1024;
    const s = await serverFor(h, { limits: { maxResponseBytes: 4 * 1024 * 1024, maxListBytes: max, operationTimeoutMs: 60_000 } });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_TOO_LARGE', limit: 'maxListBytes', max });
    await until(async () => h.openSockets <= 1, 5000);
  });
});

describe('the same attacks on an engine read as JSON (engine.format json)', () => {
  const json = { engine: { apiVersion: 4 as const, format: 'json' as const } };

  it('reads a well-formed list, and holds the cap per item: 20 MB of 1 KB items pass a 1 MB cap, one 20 MB item does not', async () => {
    const fine = await engine({ vms: 5 });
    expect((await gql(await serverFor(fine, json), '{ vms { name } }')).data.vms).toHaveLength(5);
    expect(fine.requests.find((q) => q.path === '/api/vms')?.accept).toBe('application/json');
    const many = await engine({ routes: { vms: { kind: 'huge', bytes: 20 * 1024 * 1024 } } });
    const r = await gql(await serverFor(many, { ...json, limits: { maxResponseBytes: 1024 * 1024 } }), '{ vms { name } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.vms.length).toBeGreaterThan(19_000);
    const one = await engine({ routes: { vms: { kind: 'huge', bytes: 20 * 1024 * 1024, oneItem: true } } });
    const big = await gql(await serverFor(one, { ...json, limits: { maxResponseBytes: 1024 * 1024 } }), '{ vms { name } }');
    expect(big.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_TOO_LARGE', limit: 'maxResponseBytes' });
    await until(async () => one.openSockets <= 1, 5000);
  });

  it('an endless JSON list ends at the list cap', async () => {
    const h = await engine({ routes: { vms: { kind: 'endless' } } });
    const max = 32 * 1024 * 1024;
    const s = await serverFor(h, { ...json, limits: { maxResponseBytes: 4 * 1024 * 1024, maxListBytes: max, operationTimeoutMs: 60_000 } });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_TOO_LARGE', limit: 'maxListBytes', max });
  });

  it('a list cut off in the middle of an item is UPSTREAM_PARSE_ERROR, in JSON as in XML', async () => {
    const h = await engine({ routes: { vms: { kind: 'garbled' } } });
    for (const config of [json, { engine: { apiVersion: 4 as const } }]) {
      const r = await gql(await serverFor(h, config), '{ vms { name } }');
      expect(r.errors![0].extensions!.code).toBe('UPSTREAM_PARSE_ERROR');
    }
    expect(h.requests.filter((q) => q.path === '/api/vms')).toHaveLength(2);
  });
});

describe('links and redirects to another origin', () => {
  it('links to another host:port are refused and the other host gets no request, let alone credentials', async () => {
    const elsewhere = await engine();
    const h = await engine({ linkOrigin: elsewhere.origin });
    const s = await serverFor(h);
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions!.code).toBe('UPSTREAM_FOREIGN_ORIGIN');
    expect(r.errors![0].message).toContain(elsewhere.origin);
    expect(elsewhere.requests).toHaveLength(0);
    // A caller's own credentials are not sent there either.
    const user = await gql(s, '{ vms { name } }', undefined, { username: 'someone@internal', password: 'theirs' });
    expect(user.errors![0].extensions!.code).toBe('UPSTREAM_FOREIGN_ORIGIN');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a redirect to another origin is refused, not followed', async () => {
    const elsewhere = await engine();
    const h = await engine({ routes: { vms: { kind: 'redirect', to: `${elsewhere.origin}/api/vms` } } });
    const s = await serverFor(h);
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions!.code).toBe('UPSTREAM_FOREIGN_ORIGIN');
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('time limits reach every engine request', () => {
  it('an engine hanging below a list: the operation answers at its deadline and the hung requests are closed', async () => {
    const h = await engine({ routes: { disks: { kind: 'hang' } } });
    const s = await serverFor(h, {
      engine: { url: h.apiUrl, username: 'a', password: 'b', timeoutMs: 600_000 },
      limits: { operationTimeoutMs: 400 },
    });
    const r = await gql(s, '{ vms { name disks { name } } }');
    expect(r.errors!.length).toBeGreaterThan(0);
    expect(r.errors!.every((e) => e.extensions!.code === 'OPERATION_TIMEOUT')).toBe(true);
    // The list itself came back: only the fields that waited on the engine are missing.
    expect(r.data.vms.map((v: any) => v.name)).toEqual(['vm0', 'vm1', 'vm2']);
    expect(r.data.vms.every((v: any) => v.disks === null)).toBe(true);
    // The disk requests' sockets are given back: only keep-alive sockets of finished requests may stay.
    await until(async () => h.openSockets <= 2, 5000);
  });

  it('a byte every 50 ms does not keep a request alive past its total timeout', async () => {
    const h = await engine({ routes: { vms: { kind: 'dribble', everyMs: 50 } } });
    const s = await serverFor(h, { engine: { url: h.apiUrl, username: 'a', password: 'b', timeoutMs: 500, retries: 0 } });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions!.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('retries stop at the deadline: no engine request is sent after the answer', async () => {
    const h = await engine({ routes: { vms: { kind: 'status', status: 503 } } });
    const s = await serverFor(h, {
      engine: { url: h.apiUrl, username: 'a', password: 'b', retries: 50 },
      limits: { operationTimeoutMs: 300 },
    });
    const r = await gql(s, '{ vms { name } }');
    expect(r.errors![0].extensions!.code).toBe('OPERATION_TIMEOUT');
    const sent = h.requests.length;
    await new Promise((res) => setTimeout(res, 1500));
    expect(h.requests.length).toBe(sent);
  });

  it("hung requests do not exhaust the credential's sockets: after 24 timed-out queries the next one is answered", async () => {
    const h = await engine({ routes: { vms: { kind: 'hang' } } });
    const s = await serverFor(h, {
      engine: { url: h.apiUrl, username: 'a', password: 'b', timeoutMs: 600_000 },
      limits: { operationTimeoutMs: 200 },
    });
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => gql(s, `{ vms(search: "name=n${i}") { name } }`)));
    expect(answers.every((a) => a.errors?.[0].extensions?.code === 'OPERATION_TIMEOUT')).toBe(true);
    h.set({});
    const ok = await gql(s, '{ vms { name } }');
    expect(ok.errors).toBeUndefined();
    expect(ok.data.vms).toHaveLength(3);
  });
});

describe('what an engine says is quoted with care', () => {
  it('an HTML error page stays with the operator: the caller gets a fixed sentence with the status, the debug log a redacted excerpt', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'debug',
      new Writable({
        write: (c, _e, cb) => {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const h = await engine({ routes: { vms: { kind: 'html', status: 500 } } });
    const s = await serverFor(h, { logger });
    const r = await gql(s, '{ vms { name } }');
    const e = r.errors![0];
    expect(JSON.stringify(e)).not.toMatch(/<|script|steal|Bad gateway|IllegalState|hunter2/);
    expect(e.extensions).toMatchObject({ status: 500, reason: 'Internal Server Error' });
    expect(e.extensions!.detail).toMatch(/answered HTTP 500 without a fault document/);
    expect(e.extensions!.stacktrace).toBeUndefined();
    const log = lines.join('');
    expect(log).toMatch(/HTTP 500 page for GET \/api\/vms/);
    expect(log).toMatch(/Bad gateway/);
    expect(log).toMatch(/password=\*\*\*/);
    expect(log).not.toContain('hunter2');
  });
});

describe('what an engine lists cannot act for its data', () => {
  it('an action and a link named like fields a VM lacks are neither called nor answered: the fields are null, by graphql-js and compiled code alike', async () => {
    const h = await engine({ routes: { vms: { kind: 'fieldNames' } } });
    const s = await serverFor(h);
    // The first asking runs graphql-js, the second compiled code (compiled.ts); the answer is kept from the second on.
    for (let i = 0; i < 2; i++) {
      const r = await gql(s, '{ vms { name description comment } }');
      expect(r.errors).toBeUndefined();
      expect(r.data.vms).toEqual([
        { name: 'vm0', description: null, comment: null },
        { name: 'vm1', description: null, comment: null },
      ]);
    }
    expect(h.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(h.requests.some((r) => /description|comment/.test(r.path))).toBe(false);
  });
});

describe('lists of any length', () => {
  it('a 300,000-item list is read and answered whole: no spread of engine-sized arrays overflows the stack', async () => {
    const h = await engine({ routes: { vms: { kind: 'many', items: 300_000 } } });
    const s = await serverFor(h);
    const r = await gql(s, '{ vms { id } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.vms).toHaveLength(300_000);
    expect(r.data.vms[299_999].id).toBe('00000000-0000-4000-8000-000000299999');
  }, 60_000);
});

describe('one budget for engine answers in flight', () => {
  it('concurrent large answers past answerBudgetBytes are refused with SERVER_BUSY, the bytes held never pass it, and all is given back', async () => {
    // Each answer is one 12 MB item: held whole until it is read (a list of small items holds one item at a time).
    const h = await engine({ routes: { vms: { kind: 'huge', bytes: 12 * 1024 * 1024, oneItem: true } } });
    const budget = 20 * 1024 * 1024;
    const s = await serverFor(h, { limits: { answerBudgetBytes: budget, maxResponseBytes: 16 * 1024 * 1024 } });
    // Four credentials (four connections) ask at once: each answer fits the single-answer cap, all four do not fit the budget.
    const users = [1, 2, 3, 4].map((i) => ({ username: `u${i}@internal`, password: 'pw' }));
    const answers = await Promise.all(users.map((u) => gql(s, '{ vms { name } }', undefined, u)));
    const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'ok');
    expect(codes).toContain('SERVER_BUSY');
    const busy = answers.find((a) => a.errors?.[0]?.extensions?.code === 'SERVER_BUSY')!;
    expect(busy.errors![0].extensions).toMatchObject({ limit: 'answerBudgetBytes', max: budget });
    const peak = await s.metrics.registry.getSingleMetricAsString('rhev_upstream_answer_bytes_peak');
    expect(Number(/ (\d+)$/m.exec(peak)![1])).toBeLessThanOrEqual(budget);
    const now = await s.metrics.registry.getSingleMetricAsString('rhev_upstream_answer_bytes_in_flight');
    expect(Number(/ (\d+)$/m.exec(now)![1])).toBe(0);
    // Later, one at a time, the same answer is read.
    await until(async () => h.openSockets <= 4);
    expect((await gql(s, '{ vms(max: 1) { name } }', undefined, users[0])).errors).toBeUndefined();
  }, 60_000);
});
