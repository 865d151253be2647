/**
 * An event log of 300,000 entries (issue 26): `{ events { id } }` is
 * answered whole, through the real path (the simulator writing the list as
 * a chunked stream, the server reading it as it arrives), in one engine
 * request for the list. Before answers were read as they streamed, 150,000
 * events overflowed the call stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

const EVENTS = 300_000;

describe('an event log of 300,000 entries', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack(
      { vms: 20, hosts: 2, dialects: 'v4', maxEvents: EVENTS + 1000 },
      { engine: { apiVersion: 4, timeoutMs: 120_000 }, limits: { operationTimeoutMs: 120_000 } },
    );
    const vm = [...s.sim.engine.store.table('vms').values()][0];
    for (let i = 0; i < EVENTS; i++) s.sim.engine.event(9999, 'normal', `entry ${i}`, { vm });
  }, 120_000);
  afterAll(() => s?.close());

  it('is answered whole, in one engine request for the list', async () => {
    let answer: any;
    const counted = await countRequests(s, async () => {
      answer = await gql(s, '{ events { id } }');
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.events.length).toBeGreaterThanOrEqual(EVENTS);
    expect(new Set(answer.data.events.map((e: { id: string }) => e.id)).size).toBe(answer.data.events.length);
    expect(counted.byRoute['GET /ovirt-engine/api/events'] ?? counted.byRoute['GET /events']).toBe(1);
  }, 180_000);
});
