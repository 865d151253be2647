/**
 * The freshness window (src/rhev/fresh.ts), abused with a clock of our own:
 * the edge of the window, changes while a request is out, a full window; and
 * a connection using it against the simulator, its requests counted there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, FreshWindow, Generation } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator, stats } from '../helpers.ts';

function clock() {
  const c = { t: 1000, now: () => c.t };
  return c;
}

describe('FreshWindow', () => {
  it('serves an answer while it is younger than the window, counted from when its request was sent', () => {
    const c = clock();
    const w = new FreshWindow<string>(100, new Generation(), 10, c.now);
    const stamp = w.stamp();
    c.t += 40; // the answer took 40 ms to arrive: it is 40 ms old when kept
    w.set('k', 'v', stamp);
    c.t += 59;
    expect(w.get('k')).toBe('v');
    c.t += 1; // 100 ms after sending: no longer fresh
    expect(w.get('k')).toBeUndefined();
    expect(w.size).toBe(0);
    expect([w.hits, w.misses]).toEqual([1, 1]);
  });

  it('forgets everything when the generation changes, in every window sharing it', () => {
    const g = new Generation();
    const a = new FreshWindow<string>(1000, g);
    const b = new FreshWindow<string>(1000, g);
    a.set('k', 'a', a.stamp());
    b.set('k', 'b', b.stamp());
    g.bump();
    expect(a.get('k')).toBeUndefined();
    expect(b.get('k')).toBeUndefined();
  });

  it('does not keep an answer whose request was out when something changed', () => {
    const w = new FreshWindow<string>(1000);
    const stamp = w.stamp();
    w.generation.bump(); // a write finished while the read was out: its answer may predate the write
    w.set('k', 'old', stamp);
    expect(w.get('k')).toBeUndefined();
    w.set('k', 'new', w.stamp());
    expect(w.get('k')).toBe('new');
  });

  it('keeps at most maxEntries answers, dropping the oldest kept first', () => {
    const w = new FreshWindow<number>(1000, new Generation(), 3);
    for (let i = 0; i < 5; i++) w.set(`k${i}`, i, w.stamp());
    expect(w.size).toBe(3);
    expect(w.get('k0')).toBeUndefined();
    expect(w.get('k1')).toBeUndefined();
    expect(w.get('k4')).toBe(4);
  });

  it('lets go of what it can no longer serve a window after keeping it, asked or not (memory comes back)', async () => {
    const gen = new Generation();
    const w = new FreshWindow<string>(40, gen);
    w.set('a', 'x'.repeat(1000), w.stamp());
    w.set('b', 'y', w.stamp());
    expect(w.size).toBe(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(w.size).toBe(0);
    // A change drops what was kept before it at the next sweep, too.
    const long = new FreshWindow<string>(60_000, gen);
    long.set('c', 'z', long.stamp());
    gen.bump();
    long.sweep();
    expect(long.size).toBe(0);
  });

  it('a window of 0 keeps nothing and counts nothing', () => {
    const w = new FreshWindow<string>(0);
    w.set('k', 'v', w.stamp());
    expect(w.get('k')).toBeUndefined();
    expect([w.size, w.hits, w.misses]).toEqual([0, 0, 0]);
  });
});

describe('a connection with a freshness window (counted at the simulator)', () => {
  let sim: Simulator;
  const reset = () => fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
  const requests = async () => (await stats(sim)).requests as number;
  const connect = (generation?: Generation) =>
    new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', freshnessMs: 60_000, generation }).connect();
  beforeAll(async () => {
    sim = await simulator({ vms: 30 });
  });
  afterAll(() => sim.close());

  it('answers a repeated list and get from the window, bound once and shared', async () => {
    const conn = connect();
    await conn.api();
    await reset();
    const a = await conn.getAll('vms');
    const b = await conn.getAll('vms');
    const one = await conn.get('vms', { id: a[0].id });
    const again = await conn.get('vms', { id: a[0].id });
    expect(await requests()).toBe(2);
    expect(b[0]).toBe(a[0]);
    expect(again).toBe(one);
    expect(conn.freshness.hits).toBe(2);
    // A filter is applied to what the window holds: no request.
    expect((await conn.getAll('vms', { filter: { name: a[1].name } })).map((v) => v.id)).toEqual([a[1].id]);
    expect(await requests()).toBe(2);
    await conn.close();
  });

  it('fresh: true asks the engine, and its answer refreshes the window', async () => {
    const conn = connect();
    await conn.getAll('vms');
    await reset();
    await conn.getAll('vms', { fresh: true });
    await conn.getAll('vms');
    expect(await requests()).toBe(1);
    await conn.close();
  });

  it('a write through one connection forgets what every connection of its generation kept', async () => {
    const g = new Generation();
    const writer = connect(g);
    const reader = connect(g);
    const before = await reader.getAll('vms');
    const vm = await writer.get('vms', { id: before[0].id });
    vm!.description = 'written';
    await vm!.update();
    await reset();
    const after = await reader.getAll('vms');
    expect(await requests()).toBe(1);
    expect(after.find((v) => v.id === vm!.id)?.description).toBe('written');
    await writer.close();
    await reader.close();
  });

  it('invalidate() forgets too (what the event feed calls)', async () => {
    const conn = connect();
    await conn.getAll('vms');
    conn.invalidate();
    await reset();
    await conn.getAll('vms');
    expect(await requests()).toBe(1);
    await conn.close();
  });

  it('without freshnessMs nothing is kept: each call asks the engine', async () => {
    const conn = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' }).connect();
    await conn.getAll('vms');
    await reset();
    await conn.getAll('vms');
    await conn.getAll('vms');
    expect(await requests()).toBe(2);
    await conn.close();
  });
});

describe('reload on a connection with a freshness window', () => {
  it('leaves the objects the window shares as they are and returns the fresh copy; elsewhere it reloads in place', async () => {
    const sim = await simulator({ vms: 3 });
    try {
      const windowed = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', freshnessMs: 60_000 });
      const [vm] = await windowed.getAll('vms', { max: 1 });
      const before = JSON.stringify(vm);
      const description = `changed ${Date.now()}`;
      // Changed elsewhere (another connection, as the admin portal would).
      const other = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' });
      const same = (await other.get('vms', { id: vm.id }))!;
      same.description = description;
      await same.update();
      const fresh = await windowed.reload(vm);
      expect(fresh).not.toBe(vm);
      expect(fresh.description).toBe(description);
      expect(JSON.stringify(vm)).toBe(before);
      // Without a window nothing is shared: reload changes the object itself, as Python-RHEV's does.
      const mine = (await other.get('vms', { id: vm.id }))!;
      expect(await other.reload(mine)).toBe(mine);
      await Promise.all([windowed.close(), other.close()]);
    } finally {
      await sim.close();
    }
  });
});
