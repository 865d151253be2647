/**
 * The WebSocket transport is held to every limit HTTP is: the same
 * validation rules, the same message size, the same deadline, credentials
 * checked once at connection_init, and per-socket caps (subscriptions open,
 * operations in flight) that refusals do not use up.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stats } from '../helpers.ts';
import { collect, gql, rawSocket, type Stack, stack, wsClient } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 30 }, { limits: { maxSubscriptionsPerConnection: 2 } });
});
afterAll(async () => {
  await s.close();
});

const DEEP = `{ vms { ${'cluster { dataCenter { clusters { '.repeat(10)}name${' } } }'.repeat(10)} } }`;

describe('the same validation rules as HTTP', () => {
  it('refuses depth, aliases, tokens, directives and engine cost with the same codes', async () => {
    const client = wsClient(s);
    try {
      const cases: [string, string][] = [
        [DEEP, 'QUERY_TOO_DEEP'],
        [`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: api { time }`).join(' ')} }`, 'TOO_MANY_ALIASES'],
        [`{ api { time ${'@include(if: true) '.repeat(30)} } }`, 'TOO_MANY_DIRECTIVES'],
        [`{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: api { time }`).join(' ')} }`, 'GRAPHQL_PARSE_FAILED'],
        ['{ vms { disks { statistics { name } } } }', 'QUERY_TOO_EXPENSIVE'],
      ];
      for (const [query, code] of cases) {
        const r = await collect(client, query, {}, 5000);
        expect(JSON.stringify(r.error), query.slice(0, 40)).toContain(code);
        expect(r.events).toHaveLength(0);
      }
      // The same documents over HTTP get the same codes, as client errors.
      for (const [query, code] of cases) {
        const res = await fetch(s.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        expect(res.status, code).toBe(400);
        expect(((await res.json()) as any).errors[0].extensions.code).toBe(code);
      }
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket that sends a message over the body limit (1009), without buffering it', async () => {
    const { socket, outcome } = await rawSocket(s.server.wsUrl);
    expect((await outcome).ack).toBe(true);
    const closed = new Promise<number>((r) => socket.on('close', (code) => r(code)));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ api { time } } # ${'x'.repeat(1_100_000)}` } }));
    expect(await closed).toBe(1009);
    // The server is fine.
    expect((await gql(s, '{ api { time } }')).errors).toBeUndefined();
  });

  it('checks subscription ids like every other id', async () => {
    const client = wsClient(s);
    try {
      const r = await collect(client, 'subscription { vmStatus(id: "../../hosts") { state } }', {}, 5000);
      expect(JSON.stringify(r.error)).toContain('BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
  });

  it('refused operations hold no slot: after many refusals the socket still opens its two subscriptions, and no third', async () => {
    const id = (await gql(s, '{ vms(max: 1) { id } }')).data.vms[0].id;
    const client = wsClient(s);
    try {
      for (let i = 0; i < 8; i++) {
        const r = await collect(client, DEEP, {}, 5000);
        expect(JSON.stringify(r.error)).toContain('QUERY_TOO_DEEP');
        const bad = await collect(client, 'subscription { vmStatus(id: "nope") { state } }', {}, 5000);
        expect(JSON.stringify(bad.error)).toContain('BAD_USER_INPUT');
      }
      const open = [1, 2].map(() => collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 1500));
      await new Promise((r) => setTimeout(r, 300));
      const third = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 1500);
      expect(JSON.stringify(third.error)).toContain('TOO_MANY_SUBSCRIPTIONS');
      const [a, b] = await Promise.all(open);
      expect(a.events.length).toBeGreaterThan(0);
      expect(b.events.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });
});

describe('per-socket counts: subscriptions open, and operations in flight', () => {
  it('a second subscription is refused while queries still run; with the socket full, a third operation is refused', async () => {
    const t = await stack({ vms: 5, latencyMs: 600 }, { limits: { maxSubscriptionsPerConnection: 1, maxOperationsPerConnection: 3 } });
    const client = wsClient(t);
    try {
      const id = (await gql(t, '{ vms(max: 1) { id } }')).data.vms[0].id;
      const watching = collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 4000);
      await new Promise((r) => setTimeout(r, 100));
      const second = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 1000);
      expect(second.error).toMatchObject([
        { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'maxSubscriptionsPerConnection', max: 1 } },
      ]);
      // Queries are not subscriptions: two run beside it, and the socket is full (3 in flight).
      const queries = [1, 2].map(() => collect(client, '{ vms { name } }', {}, 4000));
      await new Promise((r) => setTimeout(r, 100));
      const third = await collect(client, '{ api { time } }', {}, 1000);
      expect(third.error).toMatchObject([{ extensions: { code: 'TOO_MANY_OPERATIONS', limit: 'maxOperationsPerConnection', max: 3 } }]);
      for (const q of await Promise.all(queries)) expect(q.events[0]?.vms?.length).toBeGreaterThanOrEqual(5);
      expect((await watching).events.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
      await t.close();
    }
  });
});

describe('the operation deadline', () => {
  it('bounds queries sent over WebSocket', async () => {
    const slow = await stack({ vms: 5, latencyMs: 3000 }, { limits: { operationTimeoutMs: 300 } });
    const client = wsClient(slow);
    try {
      const r = await collect(client, '{ vms { name } }', {}, 5000);
      expect(JSON.stringify(r.events) + JSON.stringify(r.error)).toContain('OPERATION_TIMEOUT');
    } finally {
      await client.dispose();
      await slow.close();
    }
  });
});

describe('credentials at connection_init', () => {
  it('wrong credentials close the socket with 4403 after one failed login, and the next socket with them costs none', async () => {
    await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
    const first = await rawSocket(s.server.wsUrl, { username: 'admin@internal', password: 'wrong' });
    expect(await first.outcome).toEqual({ ack: false, code: 4403 });
    const second = await rawSocket(s.server.wsUrl, { authorization: `Basic ${Buffer.from('admin@internal:wrong').toString('base64')}` });
    expect(await second.outcome).toEqual({ ack: false, code: 4403 });
    await new Promise((r) => setTimeout(r, 500));
    const st = await stats(s.sim);
    expect(st.failedLogins).toBe(1);
    // Nothing is held (or polled) for them.
    expect(s.server.pool.size).toBeLessThanOrEqual(2);
  });

  it('good credentials are acknowledged and served as themselves', async () => {
    const { socket, outcome } = await rawSocket(s.server.wsUrl, { username: 'user@internal', password: 'user' });
    expect((await outcome).ack).toBe(true);
    socket.close();
    const client = wsClient(s, { username: 'user@internal', password: 'user' });
    try {
      const r = await collect(client, '{ vms { id } }', {}, 5000);
      expect(r.events[0].vms).toHaveLength(3);
    } finally {
      await client.dispose();
    }
  });

  it('anonymous sockets are refused with 4403 when the anonymous policy is refuse', async () => {
    const strict = await stack({ vms: 3 }, { anonymous: 'refuse' });
    try {
      const { outcome } = await rawSocket(strict.server.wsUrl);
      expect(await outcome).toEqual({ ack: false, code: 4403 });
      const withCreds = await rawSocket(strict.server.wsUrl, { username: 'admin@internal', password: 'admin' });
      expect((await withCreds.outcome).ack).toBe(true);
      withCreds.socket.close();
    } finally {
      await strict.close();
    }
  });
});
