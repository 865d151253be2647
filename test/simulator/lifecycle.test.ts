import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { api, firstId, simulator, stateOf, stats, until, validate } from '../helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

const vmState = async (id: string) => stateOf((await api(sim, 'GET', `/vms/${id}`)).text);
const waitFor = (id: string, state: string) => until(async () => (await vmState(id)) === state);

describe('VM life cycle', () => {
  it('create, start, wait for up, migrate, shutdown, delete', async () => {
    const cluster = firstId((await api(sim, 'GET', '/clusters?search=name%3DDefault')).text, 'cluster');
    const created = await api(sim, 'POST', '/vms', {
      body: `<vm><name>lifecycle-1</name><cluster id="${cluster}"/><template><name>Blank</name></template><memory>1073741824</memory></vm>`,
    });
    expect(created.status).toBe(201);
    const id = firstId(created.text, 'vm');
    expect(created.headers.get('location')).toBe(`${sim.url}/api/vms/${id}`);
    expect(stateOf(created.text)).toBe('down');

    const seen = new Set<string>();
    const start = await api(sim, 'POST', `/vms/${id}/start`, { body: '<action/>' });
    expect(start.status).toBe(200);
    expect(start.text).toContain('<status><state>complete</state></status>');
    expect(start.text).toMatch(/<job href="\/api\/jobs\/[0-9a-f-]+" id=/);
    expect((await validate(start.text)).ours).toEqual([]);
    expect(await vmState(id)).not.toBe('down');
    await until(async () => {
      const s = await vmState(id);
      seen.add(s!);
      return s === 'up';
    });
    expect(seen.has('up')).toBe(true);
    const running = await api(sim, 'GET', `/vms/${id}`);
    const host = /<host href="[^"]+" id="([^"]+)"/.exec(running.text)![1];

    const migrate = await api(sim, 'POST', `/vms/${id}/migrate`, { body: '<action/>' });
    expect(migrate.status).toBe(200);
    expect(await vmState(id)).toBe('migrating');
    await waitFor(id, 'up');
    const moved = /<host href="[^"]+" id="([^"]+)"/.exec((await api(sim, 'GET', `/vms/${id}`)).text)![1];
    expect(moved).not.toBe(host);

    expect((await api(sim, 'DELETE', `/vms/${id}`)).status).toBe(409);
    expect((await api(sim, 'POST', `/vms/${id}/shutdown`, { body: '<action/>' })).status).toBe(200);
    await waitFor(id, 'down');
    const events = (await api(sim, 'GET', '/events?search=vm%3Dlifecycle-1')).text;
    expect(events).toContain('was started by admin@internal');
    expect(events).toContain('Migration completed');

    const del = await api(sim, 'DELETE', `/vms/${id}`);
    expect(del.status).toBe(200);
    expect(del.text).toContain('<action><status><state>complete</state></status></action>');
    expect((await api(sim, 'GET', `/vms/${id}`)).status).toBe(404);
  });

  it('creates from a template as a task: 202 with creation_status, or 201 when asked to block', async () => {
    const cluster = firstId((await api(sim, 'GET', '/clusters?search=name%3DDefault')).text, 'cluster');
    const tmpl = firstId((await api(sim, 'GET', '/templates?search=name%3Dtmpl-*')).text, 'template');
    // Slow enough that the creation task is surely still running when we look.
    sim.configure({ transitionMs: 500 });
    const async = await api(sim, 'POST', '/vms', {
      body: `<vm><name>from-template</name><cluster id="${cluster}"/><template id="${tmpl}"/></vm>`,
    });
    sim.configure({ transitionMs: 15 });
    expect(async.status).toBe(202);
    expect(async.text).toContain('<creation_status><state>pending</state></creation_status>');
    expect(async.text).toMatch(/rel="creation_status"/);
    const id = firstId(async.text, 'vm');
    expect(await vmState(id)).toBe('image_locked');
    expect((await api(sim, 'POST', `/vms/${id}/start`, { body: '<action/>' })).status).toBe(409);
    await waitFor(id, 'down');
    const blocking = await api(sim, 'POST', '/vms', {
      body: `<vm><name>from-template-2</name><cluster id="${cluster}"/><template id="${tmpl}"/></vm>`,
      headers: { expect: '201-created' },
    });
    expect(blocking.status).toBe(201);
    expect(stateOf(blocking.text)).toBe('down');
  });

  it('refuses illegal actions with 409 and the action carrying the engine message', async () => {
    const down = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown')).text, 'vm');
    const r = await api(sim, 'POST', `/vms/${down}/stop`, { body: '<action/>' });
    expect(r.status).toBe(409);
    expect(r.text).toContain(
      '<action><status><state>failed</state></status><fault><reason>Operation Failed</reason><detail>[Cannot stop VM. VM is not running.]</detail></fault></action>',
    );
    expect((await api(sim, 'POST', `/vms/${down}/nosuchaction`, { body: '<action/>' })).status).toBe(404);
    expect((await api(sim, 'GET', `/vms/${down}/start`)).status).toBe(405);
  });

  it('lets exactly one of two concurrent starts win', async () => {
    const down = [...(await api(sim, 'GET', '/vms?search=status%3Ddown')).text.matchAll(/<vm href="[^"]+" id="([^"]+)"/g)][1][1];
    const [a, b] = await Promise.all([0, 1].map(() => api(sim, 'POST', `/vms/${down}/start`, { body: '<action/>' })));
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await waitFor(down, 'up');
    await api(sim, 'POST', `/vms/${down}/stop`, { body: '<action/>' });
    await waitFor(down, 'down');
  });

  it('runs task-backed actions as 202 with a pollable href, or blocks with async=false', async () => {
    const down = [...(await api(sim, 'GET', '/vms?search=status%3Ddown')).text.matchAll(/<vm href="[^"]+" id="([^"]+)"/g)][2][1];
    const r = await api(sim, 'POST', `/vms/${down}/export`, {
      body: '<action><storage_domain><name>export</name></storage_domain></action>',
    });
    expect(r.status).toBe(202);
    expect(r.text).toContain('<async>true</async>');
    expect(r.text).toContain(`rel="parent"`);
    expect(r.text).toContain(`rel="replay"`);
    const href = /<action href="([^"]+)"/.exec(r.text)![1];
    const done = await until(async () => {
      const p = await fetch(`${sim.url}${href}`, {
        headers: { authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}` },
      });
      const t = await p.text();
      return stateOf(t) === 'complete' ? t : undefined;
    });
    expect(done).toContain('<state>complete</state>');
    const blocking = await api(sim, 'POST', `/vms/${down}/export`, {
      body: '<action><async>false</async><exclusive>true</exclusive><storage_domain><name>export</name></storage_domain></action>',
    });
    expect(blocking.status).toBe(200);
    expect(stateOf(blocking.text)).toBe('complete');
    const sd = firstId((await api(sim, 'GET', '/storagedomains?search=name%3Dexport')).text, 'storage_domain');
    expect((await api(sim, 'GET', `/storagedomains/${sd}/vms`)).text).toContain(`id="${down}"`);
  });
});

describe('hosts, storage and other state machines', () => {
  it('host maintenance and activation, moving VMs away', async () => {
    const hostsXml = (await api(sim, 'GET', '/hosts?search=vms.status%3Dup')).text;
    const id = firstId(hostsXml, 'host');
    expect((await api(sim, 'POST', `/hosts/${id}/deactivate`, { body: '<action/>' })).status).toBe(200);
    await until(async () => stateOf((await api(sim, 'GET', `/hosts/${id}`)).text) === 'maintenance');
    expect((await api(sim, 'GET', `/vms?search=host%3D${encodeURIComponent(/<name>([^<]+)/.exec(hostsXml)![1])}`)).text).not.toContain(
      '<vm ',
    );
    expect((await api(sim, 'POST', `/hosts/${id}/deactivate`, { body: '<action/>' })).status).toBe(409);
    expect((await api(sim, 'POST', `/hosts/${id}/activate`, { body: '<action/>' })).status).toBe(200);
    await until(async () => stateOf((await api(sim, 'GET', `/hosts/${id}`)).text) === 'up');
    const fence = await api(sim, 'POST', `/hosts/${id}/fence`, { body: '<action><fence_type>status</fence_type></action>' });
    expect(fence.text).toContain('<power_management><status><state>on</state></status></power_management>');
    const iscsi = await api(sim, 'POST', `/hosts/${id}/iscsidiscover`, {
      body: '<action><iscsi><address>10.0.0.5</address></iscsi></action>',
    });
    expect(iscsi.text).toContain('<iscsi_target>');
  });

  it('attached storage domain deactivate and activate', async () => {
    const dc = firstId((await api(sim, 'GET', '/datacenters')).text, 'data_center');
    const list = (await api(sim, 'GET', `/datacenters/${dc}/storagedomains`)).text;
    const sd = /<storage_domain href="[^"]+" id="([^"]+)"><actions>(?:(?!<\/storage_domain>)[\s\S])*?<master>false<\/master>/.exec(
      list,
    )![1];
    const path = `/datacenters/${dc}/storagedomains/${sd}`;
    expect((await api(sim, 'POST', `${path}/deactivate`, { body: '<action/>' })).status).toBe(200);
    await until(async () => stateOf((await api(sim, 'GET', path)).text) === 'maintenance');
    expect((await api(sim, 'POST', `${path}/activate`, { body: '<action/>' })).status).toBe(200);
    await until(async () => stateOf((await api(sim, 'GET', path)).text) === 'active');
  });

  it('disk and NIC hot plug, snapshot and restore, ticket', async () => {
    const up = firstId((await api(sim, 'GET', '/vms?search=status%3Dup')).text, 'vm');
    const disk = firstId((await api(sim, 'GET', `/vms/${up}/disks`)).text, 'disk');
    expect((await api(sim, 'POST', `/vms/${up}/disks/${disk}/deactivate`, { body: '<action/>' })).status).toBe(200);
    expect((await api(sim, 'GET', `/vms/${up}/disks/${disk}`)).text).toContain('<active>false</active>');
    expect((await api(sim, 'POST', `/vms/${up}/disks/${disk}/deactivate`, { body: '<action/>' })).status).toBe(409);
    expect((await api(sim, 'POST', `/vms/${up}/disks/${disk}/activate`, { body: '<action/>' })).status).toBe(200);
    const nic = firstId((await api(sim, 'GET', `/vms/${up}/nics`)).text, 'nic');
    expect((await api(sim, 'POST', `/vms/${up}/nics/${nic}/deactivate`, { body: '<action/>' })).status).toBe(200);
    const ticket = await api(sim, 'POST', `/vms/${up}/ticket`, { body: '<action><ticket><expiry>60</expiry></ticket></action>' });
    expect(ticket.text).toMatch(/<ticket><value>[^<]+<\/value><expiry>60<\/expiry><\/ticket>/);

    const down = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown')).text, 'vm');
    const snap = await api(sim, 'POST', `/vms/${down}/snapshots`, {
      body: '<snapshot><description>before upgrade</description></snapshot>',
      headers: { expect: '201-created' },
    });
    expect(snap.status).toBe(201);
    const snapId = firstId(snap.text, 'snapshot');
    const restore = await api(sim, 'POST', `/vms/${down}/snapshots/${snapId}/restore`, { body: '<action><async>false</async></action>' });
    expect(restore.status).toBe(200);
    expect(await vmState(down)).toBe('down');
  });

  it('counts actions received by the engine', async () => {
    const s = await stats(sim);
    expect(s.actions['vms#start']).toBeGreaterThanOrEqual(3);
    expect(s.byRoute['POST /vms/{id}/start']).toBe(s.actions['vms#start']);
    expect(Object.keys(s.byRoute).every((k) => !/[0-9a-f]{8}-/.test(k))).toBe(true);
  });
});
