import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionError,
  Connection,
  ConnectionError,
  Fault,
  IllegalAction,
  IllegalMethod,
  NotFound,
  newResource,
  ParseError,
  ResponseError,
  RhevError,
  stateOfStatus,
  type VMResource,
} from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator, stats, V3_VM_SUBCOLLECTIONS } from '../helpers.ts';

let sim: Simulator;
let conn: Connection;
beforeAll(async () => {
  sim = await simulator();
  conn = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' });
});
afterAll(async () => {
  await conn.close();
  await sim.close();
});

const fresh = (extra: ConstructorParameters<typeof Connection>[0] = {}) =>
  new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', ...extra });

describe('Connection', () => {
  it('prepares without sending, and knows scheme and entry point once connected', async () => {
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    const c = new Connection({ url: `${sim.url}/ovirt-engine/api`, username: 'admin@internal', password: 'admin' });
    expect(c.scheme).toBeUndefined();
    expect((await stats(sim)).requests).toBe(0);
    c.connect();
    expect([c.scheme, c.entrypoint]).toEqual(['http', '/ovirt-engine/api']);
    await c.ping();
    const api = await c.api();
    expect(api.product_info?.vendor).toBe('Red Hat');
    expect(api.link?.[0].href).toContain('/ovirt-engine/api/');
    await c.close();
    expect(Connection.retries).toBe(5);
    expect(Connection.verbosity).toBe(1);
    expect(new Connection({ retries: 2 }).retries).toBe(2);
  });

  it('lists with keyword searches, engine searches, max, paging, case and client-side filters', async () => {
    const web = await conn.getAll('vms', { name: 'web-*' });
    expect(web.length).toBeGreaterThan(0);
    expect(web.every((v) => v.name!.startsWith('web-'))).toBe(true);
    const upWeb = await conn.getAll('vms', { name: 'web-*', status: 'up' });
    expect(upWeb.every((v) => stateOfStatus(v.status) === 'up')).toBe(true);
    expect(await conn.getAll('vms', { search: 'name=WEB-*' })).toHaveLength(0);
    expect(await conn.getAll('vms', { search: 'name=WEB-*', caseSensitive: false })).toHaveLength(web.length);
    expect(await conn.getAll('vms', { max: 3 })).toHaveLength(3);
    const page2 = await conn.getAll('vms', { search: 'sortby name asc', page: 2, max: 4 });
    const all = await conn.getAll('vms', { search: 'sortby name asc' });
    expect(page2.map((v) => v.name)).toEqual(all.slice(4, 8).map((v) => v.name));
    const cluster = web[0].cluster!.id!;
    const filtered = await conn.getAll('vms', { filter: { 'cluster.id': cluster, name: 'web-0000?' } });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((v) => v.cluster!.id === cluster && /^web-0000.$/.test(v.name!))).toBe(true);
    // Roles are not searchable: keywords cannot become a search there.
    await expect(conn.getAll('roles', { name: 'x' })).rejects.toBeInstanceOf(IllegalMethod);
    expect((await conn.getAll('roles', { filter: { name: 'Super*' } })).map((r) => r.name)).toEqual(['SuperUser']);
  });

  it('gets one resource by id or by search, undefined when there is none', async () => {
    const vm = (await conn.get('vms', { name: 'db-*' }))!;
    expect(vm.name).toMatch(/^db-/);
    const same = await conn.get('vms', { id: vm.id });
    expect(same!.id).toBe(vm.id);
    expect(await conn.get('vms', { id: '11111111-2222-4333-8444-555555555555' })).toBeUndefined();
    expect(await conn.get('vms', { name: 'no-such-vm' })).toBeUndefined();
    const caps = await conn.capabilities();
    expect(caps.version!.some((v) => v.current)).toBe(true);
  });

  it('follows sub-collection links, inlines them with detail, and answers inlined ones without a request', async () => {
    const [vm] = await conn.getAll('vms', { max: 1 });
    const disks = await vm.disks();
    expect(disks.length).toBeGreaterThan(0);
    expect(typeof disks[0].provisioned_size === 'number' || typeof disks[0].provisioned_size === 'bigint').toBe(true);
    const hostNics = await conn.getAll('nics', { base: (await conn.get('hosts', {}))! });
    expect(hostNics[0].mac?.address).toMatch(/^00:1a:4a/);
    const [detailed] = await conn.getAll('vms', { max: 1, detail: ['disks', 'nics'] });
    const before = conn.counters!.requests;
    expect((await detailed.disks()).map((d) => d.id)).toEqual(disks.map((d) => d.id));
    expect(conn.counters!.requests).toBe(before);
    const stats = await vm.statistics();
    expect(stats.map((s) => s.name)).toContain('memory.installed');
  });

  it('creates, updates, reloads and deletes', async () => {
    const created = (await conn.create(
      newResource('VM', { name: 'client-crud', cluster: { name: 'Default' }, template: { name: 'Blank' }, memory: 2 * 1024 ** 3 }),
    )) as unknown as VMResource;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.memory).toBe(2 * 1024 ** 3);
    created.description = 'made by the client';
    await created.update();
    const again = (await conn.get('vms', { id: created.id }))!;
    expect(again.description).toBe('made by the client');
    again.description = 'changed elsewhere';
    await again.update();
    await created.reload();
    expect(created.description).toBe('changed elsewhere');
    const nic = await created.create(newResource('NIC', { name: 'eth0', interface: 'virtio' }));
    expect((nic as { name?: string }).name).toBe('eth0');
    // A creation the engine runs as a task is followed to completion.
    const tmpl = (await conn.get('templates', { name: 'tmpl-*' }))!;
    const fromTemplate = await conn.create(
      newResource('VM', { name: 'client-task', cluster: { name: 'Default' }, template: { id: tmpl.id } }),
    );
    expect(stateOfStatus((fromTemplate as { status?: unknown }).status)).toBe('down');
    await created.delete(newResource('Action', { force: true }));
    await expect(created.reload()).rejects.toBeInstanceOf(NotFound);
  });

  it('runs actions as methods and reports refusals as ActionError with the engine fault', async () => {
    const vm = (await conn.get('vms', { status: 'down' }))!;
    const result = await vm.start();
    expect(stateOfStatus(result.status)).toBe('complete');
    expect(await vm.waitForStatus('up', { timeout: 5, intervalMs: 20 })).toBe(true);
    expect(vm.host?.id).toBeDefined();
    const refused = await vm.start().catch((e) => e);
    expect(refused).toBeInstanceOf(ActionError);
    expect(refused.fault).toBeInstanceOf(Fault);
    expect(refused.fault.detail).toBe('[Cannot run VM. VM is running.]');
    expect(refused.fault.status).toBe(409);
    expect(refused.code).toBe('CONFLICT');
    await expect(conn.action(vm, 'fly')).rejects.toBeInstanceOf(IllegalAction);
    const ticket = await vm.ticket({ ticket: { expiry: 30 } });
    expect(ticket.ticket?.expiry).toBe(30);
    // A task-backed action answers 202; the client polls it to completion.
    await vm.stop();
    await vm.waitForStatus('down', { timeout: 5, intervalMs: 20 });
    const exported = await vm.export({ storage_domain: { name: 'export' }, exclusive: true });
    expect(stateOfStatus(exported.status)).toBe('complete');
    await expect(vm.delete()).resolves.toBeDefined();
    expect(await vm.waitForStatus(null, { timeout: 5, intervalMs: 20 })).toBe(true);
  });

  it('waitForStatus gives up at its timeout and accepts several statuses', async () => {
    const vm = (await conn.get('vms', { status: 'down' }))!;
    const t0 = performance.now();
    expect(await vm.waitForStatus('up', { timeout: 0.3, intervalMs: 50 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await vm.waitForStatus(['suspended', 'DOWN'], { timeout: 1 })).toBe(true);
  });

  it('answers getMethods from the RSDL, and lists actions and links', async () => {
    const vm = (await conn.get('vms', {}))!;
    expect((await conn.getMethods(vm)).sort()).toEqual(['DELETE', 'GET', 'PUT']);
    expect((await conn.getMethods('vms')).sort()).toEqual(['GET', 'POST']);
    expect((await conn.getMethods('disks', { base: vm })).sort()).toEqual(['GET', 'POST']);
    expect(conn.getActions(vm)).toContain('migrate');
    expect([...conn.getLinks(vm)].sort()).toEqual(V3_VM_SUBCOLLECTIONS);
  });

  it('keeps one engine session for many requests, and logs in again when it expires', async () => {
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    const c = fresh();
    await Promise.all([c.getAll('vms', { max: 1 }), c.getAll('hosts'), c.getAll('clusters')]);
    for (let i = 0; i < 5; i++) await c.getAll('datacenters');
    expect((await stats(sim)).logins).toBe(1);
    sim.engine.reset(); // the engine forgets every session
    await c.getAll('datacenters');
    expect((await stats(sim)).logins).toBe(2);
    await c.close();
    expect(sim.engine.openSessions).toBe(0);
  });

  it('joins identical GETs in flight into one request', async () => {
    const c = fresh();
    await c.api();
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    const lists = await Promise.all(Array.from({ length: 10 }, () => c.getAll('hosts')));
    expect(new Set(lists.map((l) => l.length)).size).toBe(1);
    expect(lists[0]).not.toBe(lists[1]); // each caller gets its own list (of the shared, parsed-once resources)
    expect((await stats(sim)).byRoute['GET /hosts']).toBe(1);
    expect(c.coalesced).toBe(9);
    await c.close();
  });

  it('sends Filter: true for non-admin users', async () => {
    const user = fresh({ username: 'user@internal', password: 'user', filter: true });
    expect(await user.getAll('vms')).toHaveLength(3);
    const unfiltered = fresh({ username: 'user@internal', password: 'user' });
    const e = await unfiltered.getAll('vms').catch((x) => x);
    expect(e).toBeInstanceOf(Fault);
    expect(e.code).toBe('FORBIDDEN');
    await Promise.all([user.close(), unfiltered.close()]);
  });
});

describe('errors and retries', () => {
  it('raises ConnectionError when nothing listens, after retrying', async () => {
    const c = new Connection({ url: 'http://127.0.0.1:9/api', username: 'a', password: 'b', retries: 2 });
    const e = await c.api().catch((x) => x);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toBeInstanceOf(RhevError);
    expect(e.sent).toBe(false);
    expect(c.counters!.retries).toBe(2);
    await c.close();
  });

  it('raises Fault with 401 for bad credentials', async () => {
    const c = fresh({ password: 'wrong' });
    const e = await c.getAll('vms').catch((x) => x);
    expect(e).toBeInstanceOf(Fault);
    expect(e.code).toBe('UNAUTHENTICATED');
    await c.close();
  });

  it('retries idempotent requests through injected faults, and never re-sends an action', async () => {
    const c = fresh({ retries: 8 });
    await c.api();
    sim.configure({ faults: { rate: 0.5, kinds: ['503', 'reset'], slowMs: 0 } });
    try {
      for (let i = 0; i < 10; i++) expect((await c.getAll('clusters')).length).toBeGreaterThan(0);
      expect(c.counters!.retries).toBeGreaterThan(0);
    } finally {
      sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
    }
    const vm = (await c.get('vms', { status: 'down' }))!;
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    sim.configure({ faults: { rate: 1, kinds: ['reset'], slowMs: 0 } });
    let e: unknown;
    try {
      e = await vm.start().catch((x) => x);
    } finally {
      sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
    }
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).sent).toBe(true);
    expect((await stats(sim)).actions['vms#start']).toBe(1);
    await c.close();
  });

  it('raises ParseError for malformed answers and ResponseError for unexpected ones', async () => {
    const c = fresh({ retries: 0 });
    await c.api();
    sim.configure({ faults: { rate: 1, kinds: ['malformed'], slowMs: 0 } });
    try {
      await expect(c.getAll('clusters')).rejects.toBeInstanceOf(ParseError);
    } finally {
      sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 0 } });
    }
    await c.close();
    const html = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>'));
    const h = new Connection({ url: `${html.url}/api`, username: 'a', password: 'b' });
    await expect(h.api()).rejects.toBeInstanceOf(ResponseError);
    await h.close();
    html.server.close();
  });

  it('logs requests at high verbosity without credentials, session ids or passwords', async () => {
    const lines: string[] = [];
    const logger = {
      debug: (...args: unknown[]) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
    };
    const c = fresh({ logger, verbosity: 10 });
    await c.getAll('vms', { max: 1 });
    await c.create(
      newResource('Host', { name: 'logged-host', address: 'logged.example.com', root_password: 'hunter2', cluster: { name: 'Default' } }),
    );
    await c.close();
    const text = lines.join('\n');
    expect(text).toContain('GET');
    expect(text).toContain('<root_password>***</root_password>');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('admin:admin');
    expect(text).not.toContain(Buffer.from('admin@internal:admin').toString('base64'));
    expect(text).not.toMatch(/JSESSIONID=[^*]/);
    expect(new Connection().logger).toBeUndefined();
  });
});

describe('older engine generations', () => {
  it('works with /rhevm-api, uppercase statuses, absolute hrefs and 204 deletes', async () => {
    const vmXml = (state: string) =>
      `<vm id="1" href="http://HOST/rhevm-api/vms/1"><actions><link rel="start" href="http://HOST/rhevm-api/vms/1/start"/></actions><name>old</name><status>${state}</status></vm>`;
    let state = 'DOWN';
    let deleted = false;
    const old = await serve((req, res) => {
      const host = req.headers.host!;
      const send = (body: string) => res.writeHead(200, { 'content-type': 'application/xml' }).end(body.replaceAll('HOST', host));
      if (req.url === '/rhevm-api/' || req.url === '/rhevm-api')
        return send(
          '<api><link rel="vms" href="http://HOST/rhevm-api/vms"/><link rel="vms/search" href="http://HOST/rhevm-api/vms?search={query}"/></api>',
        );
      if (req.url?.startsWith('/rhevm-api/vms/1/start')) {
        state = 'UP';
        return send('<action><status>COMPLETE</status></action>');
      }
      if (req.url === '/rhevm-api/vms/1' && req.method === 'DELETE') {
        deleted = true;
        return res.writeHead(204).end();
      }
      if (req.method === 'OPTIONS') return res.writeHead(200, { allow: 'GET, DELETE, OPTIONS' }).end();
      if (req.url === '/rhevm-api/vms/1') return deleted ? res.writeHead(404).end() : send(vmXml(state));
      if (req.url?.startsWith('/rhevm-api/vms')) return send(`<vms>${deleted ? '' : vmXml(state)}</vms>`);
      res.writeHead(404).end();
    });
    const c = new Connection({ url: `${old.url}/rhevm-api`, username: 'rhevadmin@DOMAIN', password: 'x', persistentAuth: false });
    const [vm] = await c.getAll('vms', { name: 'old' });
    expect(vm.status).toEqual({ state: 'DOWN' });
    // No RSDL in that generation: methods come from OPTIONS / Allow.
    expect(await c.getMethods(vm)).toEqual(['GET', 'DELETE', 'OPTIONS']);
    const r = await vm.start();
    expect(stateOfStatus(r.status)).toBe('complete');
    expect(await vm.waitForStatus('up', { timeout: 2, intervalMs: 10 })).toBe(true);
    expect(await c.delete(vm)).toBeUndefined();
    expect(await vm.waitForStatus(null, { timeout: 2, intervalMs: 10 })).toBe(true);
    await c.close();
    old.server.close();
  });
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
