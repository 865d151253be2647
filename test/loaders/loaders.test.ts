/**
 * The loaders' batching choices on their own, against a simulator: what
 * each way of asking costs the engine, counted in requests (by route), not
 * timed. One test per choice the loaders make (docs/architecture.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loaders } from '../../src/loaders/index.ts';
import { bundledApiModel } from '../../src/model/index.ts';
import { Connection } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator } from '../helpers.ts';

let sim: Simulator;
let conn: Connection;
const api = bundledApiModel();

beforeAll(async () => {
  sim = await simulator(SMALL);
  conn = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' });
  await conn.api(); // the entry point is read once per connection
});
afterAll(async () => {
  await conn.close();
  await sim.close();
});

/** The engine requests `fn` makes, by route. */
async function requests(fn: () => unknown): Promise<Record<string, number>> {
  await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
  await fn();
  return ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { byRoute: Record<string, number> }).byRoute;
}

const loaders = (batching = true) => new Loaders(conn, api, { batching });
const vmsCollection = () => api.topLevel('vms')!;

describe('the loaders', () => {
  it('read one id with one GET of the item', async () => {
    const id = String((await conn.getAll('vms', { max: 1 }))[0].id);
    const l = loaders();
    expect(await requests(() => l.load('VM', id))).toEqual({ 'GET /vms/{id}': 1 });
  });

  it('read many ids asked in one tick with one list of the collection', async () => {
    const ids = (await conn.getAll('clusters')).map((c) => String(c.id));
    const l = loaders();
    const byRoute = await requests(() => Promise.all(ids.map((id: string) => l.load('Cluster', id))));
    expect(byRoute).toEqual({ 'GET /clusters': 1 });
  });

  it('answer an id a list already returned without a request', async () => {
    const l = loaders();
    const vms = await l.list(vmsCollection(), { max: 3 });
    expect(await requests(() => l.load('VM', vms[0].id))).toEqual({});
  });

  it("answer ids at once, without a promise, from whole collections the connection's freshness window holds", async () => {
    const windowed = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', freshnessMs: 60_000 });
    try {
      const clusters = await windowed.getAll('clusters');
      const l = new Loaders(windowed, api);
      let got: unknown;
      expect(
        await requests(() => {
          got = l.load('Cluster', String(clusters[1].id));
        }),
      ).toEqual({});
      expect(got).toBe(clusters[1]); // the object itself: not a promise of it
      // An id the window's list does not have goes to the engine as before.
      expect(await requests(() => l.load('Cluster', '00000000-0000-0000-0000-00000000beef'))).toEqual({ 'GET /clusters/{id}': 1 });
      // Without a window nothing is held: a promise, answered by a request.
      expect(loaders().load('Cluster', String(clusters[1].id))).toBeInstanceOf(Promise);
    } finally {
      await windowed.close();
    }
  });

  it('inline sub-collections the engine can inline in the list of the parents, with detail=', async () => {
    const l = loaders();
    const vms = await l.list(vmsCollection(), { max: 5, detail: ['disks', 'nics'] });
    const byRoute = await requests(() =>
      Promise.all(vms.map((vm) => Promise.all([l.children('VM', 'disks', vm), l.children('VM', 'nics', vm)]))),
    );
    expect(byRoute).toEqual({});
  });

  it('fetch an inlinable sub-collection of parents listed without it with one list of the parents and detail=', async () => {
    const l = loaders();
    const hosts = await l.list(api.topLevel('hosts')!, { max: 3 });
    const byRoute = await requests(() => Promise.all([...hosts, ...hosts].map((h) => l.children('Host', 'statistics', h))));
    expect(byRoute).toEqual({ 'GET /hosts': 1 });
  });

  it('otherwise fetch a sub-collection once per parent, each parent once however often it is asked', async () => {
    const l = loaders();
    const vms = await l.list(vmsCollection(), { max: 3 });
    const byRoute = await requests(() => Promise.all([...vms, ...vms].map((vm) => l.children('VM', 'snapshots', vm))));
    expect(byRoute).toEqual({ 'GET /vms/{id}/snapshots': vms.length });
  });

  it('answer a reverse relation (Cluster.vms) for many parents with one list grouped by reference', async () => {
    const l = loaders();
    const clusters = await l.list(api.topLevel('clusters')!, {});
    const byRoute = await requests(() => Promise.all(clusters.map((c) => l.reverse(vmsCollection(), 'cluster', c.id))));
    expect(byRoute).toEqual({ 'GET /vms': 1 });
  });

  it('without batching, pay one request per item: the naive cost the bench compares against', async () => {
    const ids = (await conn.getAll('clusters')).map((c) => String(c.id));
    const l = loaders(false);
    const byRoute = await requests(() => Promise.all(ids.map((id: string) => l.load('Cluster', id))));
    expect(byRoute).toEqual({ 'GET /clusters/{id}': ids.length });
  });
});
