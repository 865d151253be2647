/**
 * The operation log: one structured line per operation, on both transports,
 * with what an operator needs (name, kind, duration, engine requests, error
 * codes, who) and nothing a thief wants (passwords, Authorization headers,
 * session ids), even at the most verbose level.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/index.ts';
import { collect, countRequests, gql, type Stack, stack, wsClient } from './helpers.ts';

const lines: string[] = [];
const logger = createLogger(
  'trace',
  new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  }),
);
const USER = { username: 'user@internal', password: 'user' };

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 20 }, { logger, engine: { verbosity: 10 } });
});
afterAll(async () => {
  await s.close();
});

const operations = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'operation');

describe('the operation log', () => {
  it('writes one line per HTTP operation with its name, duration, engine requests, error codes and user', async () => {
    lines.length = 0;
    let counted = { total: 0 };
    counted = await countRequests(s, () => gql(s, 'query Dashboard { vms { name cluster { name } host { name } } }'));
    await gql(s, 'query Mine { vms { id } }', undefined, USER);
    await gql(s, '{ vm(id: "not-a-guid") { name } }');
    const ops = operations();
    expect(ops).toHaveLength(3);
    expect(ops[0]).toMatchObject({
      operation: 'Dashboard',
      type: 'query',
      transport: 'http',
      errors: [],
      user: 'service account',
      upstream: counted.total,
    });
    expect(ops[0].ms).toBeTypeOf('number');
    expect(ops[1]).toMatchObject({ operation: 'Mine', user: 'user@internal' });
    expect(ops[2]).toMatchObject({ operation: null, errors: ['BAD_USER_INPUT'], upstream: 0 });
  });

  it('writes one line per WebSocket operation, refused ones included', async () => {
    lines.length = 0;
    const client = wsClient(s);
    try {
      await collect(client, 'query OverWs { api { time } }', {}, 5000);
      await collect(client, `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: api { time }`).join(' ')} }`, {}, 5000);
    } finally {
      await client.dispose();
    }
    const ops = operations();
    expect(ops.find((o) => o.operation === 'OverWs')).toMatchObject({ type: 'query', transport: 'ws', errors: [] });
    expect(ops.find((o) => o.type === 'refused')).toMatchObject({ transport: 'ws', errors: ['TOO_MANY_ALIASES'] });
  });

  it('carries no password, Authorization header or session id, at trace level with bodies logged', async () => {
    lines.length = 0;
    await gql(s, '{ vms { id } hosts { id } }', undefined, USER);
    await gql(s, '{ vms { id } }', undefined, { username: 'user@internal', password: 'wrong-password' });
    const client = wsClient(s, { username: 'user@internal', password: 'user' });
    try {
      await collect(client, '{ vms { id } }', {}, 5000);
    } finally {
      await client.dispose();
    }
    const text = lines.join('\n');
    expect(text).toMatch(/rhev: > GET/); // the client's own lines are here
    for (const secret of [
      'wrong-password',
      'admin:admin',
      'user@internal:user',
      Buffer.from('admin@internal:admin').toString('base64'),
      Buffer.from('user@internal:user').toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/JSESSIONID=[^*]|"jsessionid":"[^*]|Basic [A-Za-z0-9+/=]{8,}/i);
  });
});

describe('refusals', () => {
  it('are one log line and one count, on HTTP and WebSocket alike', async () => {
    const counted = async () =>
      Number(
        /transport="ws",type="refused",outcome="error"\} (\d+)/.exec(
          await s.server.metrics.registry.getSingleMetricAsString('rhev_operations_total'),
        )?.[1] ?? 0,
      );
    const before = await counted();
    lines.length = 0;
    const client = wsClient(s);
    try {
      await collect(client, `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: api { time }`).join(' ')} }`, {}, 5000);
    } finally {
      await client.dispose();
    }
    expect(await counted()).toBe(before + 1);
    expect(operations().filter((o) => o.type === 'refused' && o.transport === 'ws')).toHaveLength(1);
  });
});
