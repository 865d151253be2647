/**
 * Reading API v4 as JSON (`engineFormat: 'json'`, docs/protocol.md
 * §13.4): over HTTP to the simulator, every collection the entry point
 * links, a list with `follow=`, a get and the engine's faults are read into
 * the same objects and errors as from XML, in as many engine requests. API
 * v3 stays XML whatever is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, type EngineFormat, INLINE } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator, stats } from '../helpers.ts';

let sim: Simulator;
let xml: Connection;
let json: Connection;
const open = (engineFormat: EngineFormat, apiVersion: 3 | 4 = 4) =>
  new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', retries: 0, apiVersion, engineFormat });

beforeAll(async () => {
  sim = await simulator({ ...SMALL, dialects: 'both' });
  [xml, json] = [open('xml'), open('json')];
});
afterAll(async () => {
  await Promise.all([xml.close(), json.close()]);
  await sim.close();
});

/** What a read gave: its objects as data (bound methods left out, what the engine inlined put back), or its error. */
async function outcome(read: () => Promise<unknown>): Promise<unknown> {
  const data = (o: any) => (o && typeof o === 'object' && o[INLINE] ? { ...o, inlined: o[INLINE] } : o);
  try {
    const got = await read();
    return JSON.parse(JSON.stringify(Array.isArray(got) ? got.map(data) : data(got)));
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

/** The engine requests a read made, and the bytes the engine sent for them. */
async function traffic(read: () => Promise<unknown>): Promise<{ requests: number; bytes: number }> {
  const before = await stats(sim);
  await read();
  const after = await stats(sim);
  return { requests: after.requests - before.requests, bytes: after.bytes - before.bytes };
}

describe('reading v4 as JSON', () => {
  it('reads every collection the entry point links into the objects XML gives', async () => {
    const rels = ((await xml.api()).link as { rel: string }[]).map((l) => l.rel).filter((r) => !r.includes('/'));
    expect(rels.length).toBeGreaterThan(30);
    let compared = 0;
    for (const rel of rels) {
      const [fromXml, fromJson] = [await outcome(() => xml.getAll(rel)), await outcome(() => json.getAll(rel))];
      expect(fromJson, rel).toEqual(fromXml);
      if (Array.isArray(fromXml) && fromXml.length) compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('reads a list with follow=, a get, and what the engine refuses, alike', async () => {
    const follow = { follow: 'disk_attachments.disk,nics' };
    const vms = (await outcome(() => json.getAll('vms', follow))) as { id: string; inlined?: { nics?: unknown } }[];
    expect(vms).toEqual(await outcome(() => xml.getAll('vms', follow)));
    expect(vms.filter((v) => v.inlined?.nics).length).toBe(vms.length);
    const id = vms[0].id;
    expect(await outcome(() => json.get('vms', { id }))).toEqual(await outcome(() => xml.get('vms', { id })));
    const refused = await outcome(() => json.getAll('vms', { follow: 'nothing' }));
    expect(refused).toMatchObject({ error: 'Fault' });
    expect(refused).toEqual(await outcome(() => xml.getAll('vms', { follow: 'nothing' })));
    expect(await outcome(() => json.getAll('vms', { search: 'name=(' }))).toEqual(
      await outcome(() => xml.getAll('vms', { search: 'name=(' })),
    );
  });

  it('asks the engine as often as XML does, and is answered in JSON', async () => {
    const read = (c: Connection) => () => c.getAll('vms', { follow: 'nics' });
    const [byJson, byXml] = [await traffic(read(json)), await traffic(read(xml))];
    expect(byJson.requests).toBe(byXml.requests);
    // The engine's JSON is indented and names every key: its answers are longer than the XML's.
    expect(byJson.bytes).toBeGreaterThan(byXml.bytes * 1.1);
    const answer = await fetch(`${sim.apiUrl}/vms`, {
      headers: {
        authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`,
        version: '4',
        accept: 'application/json',
      },
    });
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(Object.keys((await answer.json()) as object)).toEqual(['vm']);
  });

  it('reads API v3 as XML whatever is set', async () => {
    const v3 = open('json', 3);
    expect(await outcome(() => v3.getAll('vms'))).toEqual(await outcome(() => open('xml', 3).getAll('vms')));
    await v3.close();
  });
});
