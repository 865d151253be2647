/**
 * Fleet-wide live updates (subscriptions/fleet.ts), on v4 and v3:
 * `vmsChanged` tells every subscriber each VM whose status changes, with
 * the VM; `vmsChanged(search:)` only those the search matches; and the
 * engine is asked one list per poll however many subscribe (counted at the
 * simulator against the hub's polls).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers.ts';
import { countRequests, gql, type Stack, stack, wsClient } from '../server/helpers.ts';

interface Event {
  id: string;
  state: string | null;
  vm: { id: string; name: string } | null;
}

/** Subscribes and keeps what arrives, until disposed. */
function listen(s: Stack, query: string): { events: Event[]; dispose(): Promise<void> } {
  const client = wsClient(s);
  const events: Event[] = [];
  const stop = client.subscribe<{ [k: string]: Event }>(
    { query },
    { next: (v) => events.push(Object.values(v.data ?? {})[0]), error: () => {}, complete: () => {} },
  );
  return {
    events,
    async dispose() {
      stop();
      await client.dispose();
    },
  };
}

for (const dialect of ['v4', 'v3'] as const) {
  describe(`vmsChanged on ${dialect}`, () => {
    let s: Stack;
    let vms: { id: string; name: string; up: boolean }[];
    beforeAll(async () => {
      s = await stack(
        { vms: 20, hosts: 4, dialects: dialect, transitionMs: 50 },
        { engine: { apiVersion: dialect === 'v4' ? 4 : 3 }, watch: { intervalMs: 50, maxIntervalMs: 200, eventsMs: 50 } },
      );
      const status = dialect === 'v4' ? 'status' : 'status { state }';
      const listed = (await gql(s, `{ vms { id name ${status} } }`)).data.vms as { id: string; name: string; status: unknown }[];
      vms = listed.map((v) => ({ id: v.id, name: v.name, up: JSON.stringify(v.status).toLowerCase().includes('up') }));
    });
    afterAll(() => s.close());

    const stop = (id: string) => gql(s, 'mutation($id: ID!) { stopVm(id: $id) { status } }', { id });

    it('tells every subscriber each VM that changes, with the VM, for one list per poll however many subscribe', async () => {
      const subscribers = Array.from({ length: 10 }, () => listen(s, 'subscription { vmsChanged { id state vm { id name } } }'));
      try {
        const holder = s.server.pool.acquire(undefined);
        const hub = holder.watchers();
        await until(async () => hub.polls > 0, 5000); // the first picture is taken
        const target = vms.find((v) => v.up && v.name.startsWith('app-'))!;
        const polls0 = hub.polls;
        const cost = await countRequests(s, async () => {
          expect((await stop(target.id)).errors).toBeUndefined();
          await until(async () => subscribers.every((x) => x.events.some((e) => e.id === target.id && e.state === 'down')), 10_000);
        });
        for (const x of subscribers) {
          const mine = x.events.filter((e) => e.id === target.id);
          expect(mine.at(-1)?.vm).toEqual({ id: target.id, name: target.name });
        }
        // The whole list, once per poll, for ten subscribers.
        expect(cost.byRoute['GET /vms'] ?? 0).toBeLessThanOrEqual(hub.polls - polls0);
        s.server.pool.release(holder);
      } finally {
        await Promise.all(subscribers.map((x) => x.dispose()));
      }
    });

    it('with a search, tells only of the VMs it matches', async () => {
      const web = listen(s, 'subscription { vmsChanged(search: "name=web*") { id state vm { name } } }');
      try {
        const holder = s.server.pool.acquire(undefined);
        const hub = holder.watchers();
        const p0 = hub.polls;
        await until(async () => hub.polls > p0, 5000);
        s.server.pool.release(holder);
        const w = vms.find((v) => v.up && v.name.startsWith('web-'))!;
        const d = vms.find((v) => v.up && v.name.startsWith('db-'))!;
        await stop(d.id);
        await stop(w.id);
        await until(async () => web.events.some((e) => e.id === w.id && e.state === 'down'), 10_000);
        expect(web.events.every((e) => e.vm === null || e.vm.name.startsWith('web-'))).toBe(true);
        expect(web.events.some((e) => e.id === d.id)).toBe(false);
      } finally {
        await web.dispose();
      }
    });
  });
}
