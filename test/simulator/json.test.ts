/**
 * The simulator's JSON answers (docs/protocol.md §13.4): the shape
 * a v4 engine's Jackson layer writes, checked as text, since that is what a
 * client nobody here wrote reads. Keys are XML names, xs:int and xs:boolean
 * strings, xs:long numbers, dates epoch milliseconds; arrays sit in their
 * wrappers; the indentation is Jackson's default printer's. The Accept
 * header chooses; API v3 answers XML; faults and actions come in JSON too;
 * a long list streams and parses whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { api, simulator } from '../helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ vms: 400, hosts: 4, clusters: 2, datacenters: 1, dialects: 'both', transitionMs: 10 });
});
afterAll(() => sim.close());

const v4 = (accept = 'application/json') => ({ root: '/ovirt-engine/api', headers: { version: '4', accept } });

describe('JSON answers', () => {
  it('writes a VM as the engine does: typed by the schema, in wrappers, indented by Jackson', async () => {
    const list = await api(sim, 'GET', '/vms?max=1&follow=nics', v4());
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json');
    expect(list.text.startsWith('{\n  "vm" : [ {\n    "href" : "/ovirt-engine/api/vms/')).toBe(true);
    expect(list.text.endsWith('  } ]\n}')).toBe(true);
    const vm = JSON.parse(list.text).vm[0];
    expect(vm.cpu.topology.cores).toMatch(/^\d+$/); // xs:int, a string
    expect(typeof vm.memory).toBe('number'); // xs:long
    expect(vm.stateless).toMatch(/^(true|false)$/); // xs:boolean, a string
    expect(typeof vm.creation_time).toBe('number'); // xs:dateTime, epoch milliseconds
    expect(Array.isArray(vm.nics.nic)).toBe(true);
    expect(vm.actions.link[0]).toEqual({ href: expect.stringMatching(/^\/ovirt-engine\/api\/vms\//), rel: expect.any(String) });
    expect(vm.status).toBe('down');
    expect(list.text).toMatch(/\n {4}"name" : "[^"]+",\n/);
  });

  it('writes one resource as its own object, and an empty list as an empty object', async () => {
    const id = JSON.parse((await api(sim, 'GET', '/vms?max=1', v4())).text).vm[0].id;
    const one = await api(sim, 'GET', `/vms/${id}`, v4());
    expect(JSON.parse(one.text)).toMatchObject({ id, href: `/ovirt-engine/api/vms/${id}` });
    expect((await api(sim, 'GET', '/vms?search=name%3Dnothing-is-named-so', v4())).text).toBe('{ }');
  });

  it('answers in what Accept names first, XML when it names neither, and XML on API v3', async () => {
    const type = async (call: Parameters<typeof api>[3]) => (await api(sim, 'GET', '/clusters', call)).headers.get('content-type');
    expect(await type(v4('application/json, application/xml'))).toBe('application/json');
    expect(await type(v4('application/xml, application/json'))).toBe('application/xml');
    expect(await type(v4('*/*'))).toBe('application/xml');
    expect(await type({ root: '/ovirt-engine/api', headers: { version: '3', accept: 'application/json' } })).toBe('application/xml');
  });

  it('writes faults and actions in JSON', async () => {
    const bad = await api(sim, 'GET', '/vms?follow=nothing', v4());
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(bad.text)).toEqual({ reason: 'Bad Request', detail: expect.stringContaining('nothing') });
    const id = JSON.parse((await api(sim, 'GET', '/vms?search=status%3Ddown&max=1', v4())).text).vm[0].id;
    const started = await api(sim, 'POST', `/vms/${id}/start`, { ...v4(), body: '<action/>' });
    expect(started.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(started.text)).toMatchObject({ status: expect.any(String) });
  });

  it('streams a long list, which parses whole', async () => {
    const long = await api(sim, 'GET', '/vms?follow=disk_attachments.disk,nics', v4());
    expect(long.headers.get('transfer-encoding')).toBe('chunked');
    expect(JSON.parse(long.text).vm).toHaveLength(sim.engine.store.table('vms').size);
  });
});
