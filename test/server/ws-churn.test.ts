/**
 * Nothing a caller opened outlives its socket (issue 21.2). graphql-transport-ws
 * lets a client reuse an id once its operation completed; a client that
 * subscribes, completes and subscribes again under one id, quickly, must not
 * leave operations, watchers or polling behind. Counted through the server's
 * gauges and the simulator's request count, on sockets authenticated at
 * connection_init and at the upgrade request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { basic, stats } from '../helpers.ts';
import { gql, rawSocket, type Stack, stack } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 20, dialects: 'v4' }, { anonymous: 'refuse' });
});
afterAll(() => s.close());

async function gauge(name: string): Promise<number> {
  const text = await s.server.metrics.registry.getSingleMetricAsString(name);
  return Number(/ (\d+(\.\d+)?)$/m.exec(text)?.[1] ?? Number.NaN);
}

const SUB = 'subscription($id: ID!) { vmStatus(id: $id) { state } }';

async function churn(socket: WebSocket, ids: string[], rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const vm = ids[i % ids.length];
    socket.send(JSON.stringify({ id: 'c0', type: 'subscribe', payload: { query: SUB, variables: { id: vm } } }));
    // Now and then give the server a moment, so some operations are mid-start and some running when completed.
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 15));
    socket.send(JSON.stringify({ id: 'c0', type: 'complete' }));
  }
  // The last one stays open: it must be served, and must end with the socket.
  socket.send(JSON.stringify({ id: 'c0', type: 'subscribe', payload: { query: SUB, variables: { id: ids[0] } } }));
}

describe('an id reused on one socket', () => {
  const ways: [string, object | undefined, Record<string, string> | undefined][] = [
    ['connection_init', { username: 'admin@internal', password: 'admin' }, undefined],
    ['the upgrade request', undefined, { authorization: basic('admin@internal', 'admin') }],
  ];
  for (const [how, params, headers] of ways) {
    it(`leaves no operation, watcher or polling after the socket closes (credentials at ${how})`, async () => {
      const ids = (
        (await gql(s, '{ vms(max: 10) { id } }', undefined, { username: 'admin@internal', password: 'admin' })).data.vms as {
          id: string;
        }[]
      ).map((v) => v.id);
      const { socket, outcome, messages } = await rawSocket(s.server.wsUrl, params, headers);
      expect((await outcome).ack).toBe(true);
      await churn(socket, ids, 150);
      await new Promise((r) => setTimeout(r, 500));
      // While open, at most the last operation under c0 is alive.
      expect(await gauge('rhev_subscriptions_active')).toBeLessThanOrEqual(1);
      expect(messages.some((m) => m.type === 'next')).toBe(true);
      expect(await gauge('rhev_subscriptions_active')).toBe(1);
      socket.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(await gauge('rhev_subscriptions_active')).toBe(0);
      expect(await gauge('rhev_watchers_active')).toBe(0);
      // And the engine hears nothing more from it.
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      await new Promise((r) => setTimeout(r, 1200));
      expect((await stats(s.sim)).requests).toBe(0);
    });
  }
});
