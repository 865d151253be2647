/**
 * Lists the engine sends again unchanged, in the server (src/rhev/unchanged.ts):
 * once a window ends, a query asks the engine exactly as often as before,
 * and every list the engine answers with the same bytes is served as the
 * objects made before (`rhev_unchanged_lists_total`); a list changed
 * elsewhere is read again, and the answer shows the change. Engine requests
 * are counted at the simulator. On API v4 and v3, over HTTP and WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/rhev/index.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator, stats } from '../helpers.ts';
import { askOverWebSocket, serverFor } from './helpers.ts';

const WINDOW_MS = 300;
/** The dashboard's relations and a field the test changes; v3 spells a status as an object. */
const QUERY = {
  v4: '{ vms { name description status cluster { name dataCenter { name } } host { name } disks { name } nics { name } } }',
  v3: '{ vms { name description status { state } cluster { name dataCenter { name } } host { name } disks { name } nics { name } } }',
};

for (const dialect of ['v4', 'v3'] as const)
  describe(`a server over lists the engine sends again unchanged (API ${dialect})`, () => {
    let sim: Simulator;
    let server: RunningServer;
    let asked = 0;

    /** The query over HTTP or WebSocket, its text its own (no shared answer), with the engine requests and unchanged lists it cost. */
    const ask = async (over: 'http' | 'ws' = 'http') => {
      const before = [(await stats(sim)).requests as number, await unchanged()];
      const query = `${QUERY[dialect]} # ${++asked}`;
      const body = (over === 'http' ? await overHttp(query) : await askOverWebSocket(server.url, query)) as {
        data?: { vms: { name: string; description?: string }[] };
        errors?: unknown[];
      };
      expect(body.errors).toBeUndefined();
      return { body, requests: (await stats(sim)).requests - before[0], unchanged: (await unchanged()) - before[1] };
    };
    const overHttp = async (query: string) =>
      (
        await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        })
      ).json();
    const unchanged = async () => Number(/^rhev_unchanged_lists_total (\d+)/m.exec(await server.metrics.registry.metrics())?.[1] ?? 0);
    const windowEnds = () => new Promise((r) => setTimeout(r, WINDOW_MS + 20));

    beforeAll(async () => {
      sim = await simulator({ vms: 30, hosts: 4, dialects: dialect });
      server = await serverFor(sim, { freshnessMs: WINDOW_MS });
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      await sim?.close();
    });

    it('asks the engine as often as before, serves what it sent again unchanged, and reads again what changed', async () => {
      await ask(); // logs in and reads the entry point
      await windowEnds();
      const first = await ask();
      expect(first.requests).toBeGreaterThanOrEqual(4);
      expect(first.unchanged).toBe(first.requests);
      await windowEnds();
      const second = await ask();
      expect(second.requests).toBe(first.requests);
      expect(second.unchanged).toBe(second.requests);
      expect(second.body).toEqual(first.body);
      await windowEnds();
      const overWs = await ask('ws');
      expect([overWs.requests, overWs.unchanged]).toEqual([first.requests, first.requests]);
      expect(overWs.body).toEqual(first.body);

      // Changed elsewhere (as the admin portal would): the VM list differs, the others do not.
      const other = new Connection({
        url: sim.apiUrl,
        username: 'admin@internal',
        password: 'admin',
        apiVersion: dialect === 'v4' ? 4 : 3,
      }).connect();
      const vm = (await other.getAll('vms', { max: 1 }))[0];
      vm.description = `changed ${Date.now()}`;
      await vm.update();
      await other.close();
      await windowEnds();
      const third = await ask();
      expect(third.requests).toBe(first.requests);
      expect(third.unchanged).toBe(third.requests - 1);
      expect(third.body.data!.vms.find((v) => v.name === vm.name)?.description).toBe(vm.description);
    }, 30_000);
  });
