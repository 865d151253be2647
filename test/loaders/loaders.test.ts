/**
 * The loaders' batching choices on their own, against a simulator: what
 * each way of asking costs the engine, counted in requests (by route), not
 * timed. One test per choice the loaders make (docs/architecture.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loaders } from '../../src/loaders/index.ts';
import { bundledApiModel, bundledV4ApiModel } from '../../src/model/index.ts';
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
    const vms = await l.list(vmsCollection(), { max: 5, inline: ['disks', 'nics'] });
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

  it("fetch a sub-collection whose items name their parent (DataCenter.clusters) with one list of the items' own collection, grouped", async () => {
    expect(api.batching('DataCenter', 'clusters')).toBe('group');
    const l = loaders();
    const dcs = await l.list(api.topLevel('datacenters')!, {});
    let got: (readonly { data_center?: { id: string } }[])[] = [];
    const byRoute = await requests(async () => {
      got = await Promise.all(dcs.map((dc) => l.children('DataCenter', 'clusters', dc)));
    });
    expect(byRoute).toEqual({ 'GET /clusters': 1 });
    // Each parent gets exactly the items that name it.
    got.forEach((clusters, i) => {
      expect(clusters.length).toBeGreaterThan(0);
      for (const c of clusters) expect(c.data_center?.id).toBe(dcs[i].id);
    });
  });

  it('without batching, pay one request per item: the naive cost the bench compares against', async () => {
    const ids = (await conn.getAll('clusters')).map((c) => String(c.id));
    const l = loaders(false);
    const byRoute = await requests(() => Promise.all(ids.map((id: string) => l.load('Cluster', id))));
    expect(byRoute).toEqual({ 'GET /clusters/{id}': ids.length });
  });
});

describe('the loaders on API v4', () => {
  let v4: Simulator;
  let c: Connection;
  const model = bundledV4ApiModel();
  beforeAll(async () => {
    v4 = await simulator({ ...SMALL, dialects: 'v4' });
    c = new Connection({ url: v4.apiUrl, username: 'admin@internal', password: 'admin', apiVersion: 4 });
    await c.api();
  });
  afterAll(async () => {
    await c.close();
    await v4.close();
  });
  const counted = async (fn: () => unknown) => {
    await fetch(`${v4.url}/__simulator/reset`, { method: 'POST' });
    await fn();
    const byRoute = ((await (await fetch(`${v4.url}/__simulator/stats`)).json()) as { byRoute: Record<string, number> }).byRoute;
    return Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.includes('/sso/')));
  };

  it('read one id with one GET, many ids asked in one tick with one list', async () => {
    const ids = (await c.getAll('clusters')).map((x) => String(x.id));
    const l = new Loaders(c, model);
    expect(await counted(() => l.load('Cluster', ids[0]))).toEqual({ 'GET /clusters/{id}': 1 });
    const many = new Loaders(c, model);
    expect(await counted(() => Promise.all(ids.map((id) => many.load('Cluster', id))))).toEqual({ 'GET /clusters': 1 });
  });

  it('inline any sub-collection with follow= in the list of the parents: children cost nothing after', async () => {
    expect(model.batching('Vm', 'diskattachments')).toBe('inline');
    const l = new Loaders(c, model);
    const vms = await l.list(model.topLevel('vms')!, { max: 5, inline: ['diskattachments', 'nics'] });
    const byRoute = await counted(() =>
      Promise.all(vms.map((vm) => Promise.all([l.children('Vm', 'diskattachments', vm), l.children('Vm', 'nics', vm)]))),
    );
    expect(byRoute).toEqual({});
  });

  it('fetch a sub-collection of parents listed without it with one list of the parents that follows it', async () => {
    const l = new Loaders(c, model);
    const hosts = await l.list(model.topLevel('hosts')!, { max: 3 });
    const byRoute = await counted(() => Promise.all([...hosts, ...hosts].map((h) => l.children('Host', 'nics', h))));
    expect(byRoute).toEqual({ 'GET /hosts': 1 });
  });

  it('answer a reverse relation (Cluster.vms) for many parents with one list grouped by reference', async () => {
    const l = new Loaders(c, model);
    const clusters = await l.list(model.topLevel('clusters')!, {});
    const byRoute = await counted(() => Promise.all(clusters.map((x) => l.reverse(model.topLevel('vms')!, 'cluster', x.id))));
    expect(byRoute).toEqual({ 'GET /vms': 1 });
  });
});
