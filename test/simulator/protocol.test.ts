import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { api, basic, firstId, simulator, stats, validate } from '../helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

describe('entry point', () => {
  it('lists collections in canonical order, search links right after searchable ones', async () => {
    const r = await api(sim, 'GET', '');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/xml');
    const rels = [...r.text.matchAll(/<link href="[^"]*" rel="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(rels.slice(0, 7)).toEqual([
      'capabilities',
      'clusters',
      'clusters/search',
      'datacenters',
      'datacenters/search',
      'events',
      'events/search',
    ]);
    expect(rels).toContain('vms/search');
    expect(rels).not.toContain('roles/search');
    expect(r.text).toContain('<link href="/api/events;from={event_id}?search={query}" rel="events/search"/>');
    expect(r.text).toContain('rel="templates/blank"');
    expect(r.text).toContain('rel="tags/root"');
    expect(r.text).toMatch(/<product_info><name>[^<]+<\/name><vendor>/);
    expect(r.text).toMatch(/<summary><vms><total>\d+<\/total><active>\d+<\/active><\/vms>/);
    expect(r.headers.get('link')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/capabilities>; rel=capabilities, /);
  });

  it('answers HEAD with the Link header only and OPTIONS with Allow', async () => {
    const head = await api(sim, 'HEAD', '');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('link')).toContain('rel=vms');
    const options = await api(sim, 'OPTIONS', '');
    expect(options.headers.get('allow')).toContain('GET');
  });

  it('serves the same API under /ovirt-engine/api with hrefs under that root', async () => {
    const r = await api(sim, 'GET', '/vms;max=1', { root: '/ovirt-engine/api' });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/href="\/ovirt-engine\/api\/vms\/[0-9a-f-]{36}"/);
  });

  it('serves its schema and an RSDL of every route it serves', async () => {
    const schema = await api(sim, 'GET', '?schema');
    expect(schema.headers.get('content-type')).toBe('application/octet-stream');
    expect(schema.headers.get('content-disposition')).toContain('ovirt-engine-api-schema.xsd');
    expect(schema.text).toContain('<xs:complexType name="VM">');
    const rsdl = await api(sim, 'GET', '?rsdl');
    expect(rsdl.text).toContain('<link href="vms/{vm:id}/start" rel="start">');
    expect(rsdl.text).toContain('<link href="datacenters/{datacenter:id}/storagedomains/{storagedomain:id}/activate" rel="activate">');
    expect(rsdl.text).toContain('<link href="hosts/{host:id}/nics/{nic:id}/attach" rel="attach">');
    const v = await validate(rsdl.text, 'rsdl.xml');
    expect(v.ours).toEqual([]);
  });

  it('omits the summary for filtered users', async () => {
    const r = await api(sim, 'GET', '', { user: 'user', headers: { filter: 'true' } });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('<summary>');
  });
});

describe('authentication and sessions', () => {
  it('asks for Basic credentials with the engine realm', async () => {
    for (const authorization of [undefined, basic('admin@internal', 'wrong'), 'Bearer x', basic('nobody@internal', 'x')]) {
      const r = await api(sim, 'GET', '/vms', { user: 'none', headers: authorization ? { authorization } : {} });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="RESTAPI"');
    }
  });

  it('accepts DOMAIN\\user as well as user@domain', async () => {
    const r = await api(sim, 'GET', '/clusters', { headers: { authorization: basic('internal\\admin', 'admin') } });
    expect(r.status).toBe(200);
  });

  it('keeps a session with Prefer: persistent-auth: one login for many requests', async () => {
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    const first = await api(sim, 'GET', '/clusters', { headers: { prefer: 'persistent-auth' } });
    const setCookie = first.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^JSESSIONID=[^;]+; Path=\/api/);
    const sid = /JSESSIONID=([^;]+)/.exec(setCookie)![1];
    expect(first.headers.get('jsessionid')).toBe(sid);
    for (let i = 0; i < 5; i++) {
      const r = await api(sim, 'GET', '/hosts', { user: 'none', headers: { prefer: 'persistent-auth', cookie: `JSESSIONID=${sid}` } });
      expect(r.status).toBe(200);
    }
    expect((await stats(sim)).logins).toBe(1);
    // A request without persistent-auth ends the session.
    expect((await api(sim, 'GET', '/hosts', { user: 'none', headers: { cookie: `JSESSIONID=${sid}` } })).status).toBe(200);
    expect(
      (await api(sim, 'GET', '/hosts', { user: 'none', headers: { prefer: 'persistent-auth', cookie: `JSESSIONID=${sid}` } })).status,
    ).toBe(401);
  });

  it('charges a login cost on sessionless requests only', async () => {
    sim.configure({ loginCostMs: 150 });
    try {
      const s = await api(sim, 'GET', '/tags', { headers: { prefer: 'persistent-auth' } });
      const sid = s.headers.get('jsessionid')!;
      const t0 = performance.now();
      await api(sim, 'GET', '/tags', { user: 'none', headers: { prefer: 'persistent-auth', cookie: `JSESSIONID=${sid}` } });
      const withSession = performance.now() - t0;
      // Only a lower bound is asserted (a busy machine is slower, never faster).
      const t1 = performance.now();
      await api(sim, 'GET', '/tags');
      expect(performance.now() - t1).toBeGreaterThanOrEqual(140);
      expect(withSession).toBeLessThan(5000);
    } finally {
      sim.configure({ loginCostMs: 0 });
    }
  });

  it('filters what a non-admin user sees with Filter: true, and refuses without it', async () => {
    const all = await api(sim, 'GET', '/vms');
    const mine = await api(sim, 'GET', '/vms', { user: 'user', headers: { filter: 'true' } });
    const count = (x: string) => (x.match(/<vm href=/g) ?? []).length;
    expect(count(mine.text)).toBe(3);
    expect(count(all.text)).toBeGreaterThan(3);
    const someoneElses = [...all.text.matchAll(/<vm href="[^"]+" id="([^"]+)"/g)].map((m) => m[1]).find((id) => !mine.text.includes(id))!;
    expect((await api(sim, 'GET', `/vms/${someoneElses}`, { user: 'user', headers: { filter: 'true' } })).status).toBe(404);
    const refused = await api(sim, 'GET', '/vms', { user: 'user' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<fault>');
  });
});

describe('XML documents validate against the schema', () => {
  const kinds: [string, string][] = [
    ['api', ''],
    ['capabilities', '/capabilities'],
    ['vms with detail', '/vms;max=5'],
    ['clusters', '/clusters'],
    ['datacenters', '/datacenters'],
    ['hosts', '/hosts'],
    ['storagedomains', '/storagedomains'],
    ['networks', '/networks'],
    ['templates', '/templates'],
    ['vmpools', '/vmpools'],
    ['users', '/users'],
    ['roles', '/roles'],
    ['tags', '/tags'],
    ['events', '/events;max=20'],
    ['jobs', '/jobs'],
  ];
  for (const [name, path] of kinds) {
    it(name, async () => {
      const r = await api(sim, 'GET', path, { headers: { accept: 'application/xml; detail=disks+nics+statistics+tags' } });
      expect(r.status).toBe(200);
      const v = await validate(r.text, `${name}.xml`);
      expect(v.ours).toEqual([]);
      expect(v.reference).toEqual([]);
    });
  }

  it('items, sub-collections, statistics, actions and faults', async () => {
    const vmId = firstId((await api(sim, 'GET', '/vms;max=1')).text, 'vm');
    const hostId = firstId((await api(sim, 'GET', '/hosts;max=1')).text, 'host');
    const dcId = firstId((await api(sim, 'GET', '/datacenters')).text, 'data_center');
    const sdId = firstId((await api(sim, 'GET', `/datacenters/${dcId}/storagedomains`)).text, 'storage_domain');
    const roleId = firstId((await api(sim, 'GET', '/roles')).text, 'role');
    const tmplId = firstId((await api(sim, 'GET', '/templates?search=name%3Dtmpl-*')).text, 'template');
    const isoId = firstId((await api(sim, 'GET', '/storagedomains?search=type%3Diso')).text, 'storage_domain');
    const paths = [
      `/vms/${vmId}`,
      `/vms/${vmId}/disks`,
      `/vms/${vmId}/nics`,
      `/vms/${vmId}/cdroms`,
      `/vms/${vmId}/snapshots`,
      `/vms/${vmId}/tags`,
      `/vms/${vmId}/permissions`,
      `/vms/${vmId}/statistics`,
      `/hosts/${hostId}`,
      `/hosts/${hostId}/nics`,
      `/hosts/${hostId}/storage`,
      `/hosts/${hostId}/statistics`,
      `/datacenters/${dcId}/storagedomains`,
      `/datacenters/${dcId}/storagedomains/${sdId}`,
      `/datacenters/${dcId}/clusters`,
      `/datacenters/${dcId}/networks`,
      `/roles/${roleId}/permits`,
      `/storagedomains/${isoId}/files`,
      `/templates/${tmplId}`,
      `/templates/${tmplId}/disks`,
      `/templates/${tmplId}/nics`,
      `/templates/${tmplId}/cdroms`,
    ];
    for (const p of paths) {
      const r = await api(sim, 'GET', p);
      expect(r.status, p).toBe(200);
      // Every listed sub-collection of the generated inventory has content.
      expect(r.text, p).not.toMatch(/^<\?xml[^>]*>\s*<[a-z_]+\/>$/);
      const v = await validate(r.text, 'item.xml');
      expect(v.ours, p).toEqual([]);
      expect(v.reference, p).toEqual([]);
    }
    const illegal = await api(sim, 'POST', `/hosts/${hostId}/activate`, { body: '<action/>' });
    expect(illegal.status).toBe(409);
    const fault = await api(sim, 'GET', '/vms?search=nosuchfield%3D1');
    for (const doc of [illegal.text, fault.text]) {
      const v = await validate(doc);
      expect(v.ours).toEqual([]);
      expect(v.reference).toEqual([]);
    }
  });
});
