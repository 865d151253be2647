/**
 * Behaviour real API v3 clients depend on, where the simulator must answer
 * as a 3.6 engine does (each case is a defect found by running real clients
 * against it, operation by operation).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG } from '../../src/simulator/audit-log.generated.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { api, firstId, present, SMALL, simulator, stateOf, until, validate } from '../helpers.ts';

const engineReference = fileURLToPath(new URL('../../../shared/reference/engine-3.6.8', import.meta.url));

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator(SMALL);
});
afterAll(async () => {
  await sim.close();
});

describe('updates', () => {
  it('accept the whole object a client fetched, hrefs, status and creation time included, changing only what differs', async () => {
    const list = await api(sim, 'GET', '/vms?search=status%3Ddown');
    const id = firstId(list.text, 'vm');
    const fetched = (await api(sim, 'GET', `/vms/${id}`)).text.replace(/^<\?xml[^>]*>\s*/, '');
    const changed = fetched.replace(/<description>[^<]*<\/description>|<description\/>/, '<description>sent back whole</description>');
    expect(changed).not.toBe(fetched);
    const put = await api(sim, 'PUT', `/vms/${id}`, { body: changed });
    expect(put.status, put.text).toBe(200);
    expect(put.text).toContain('<description>sent back whole</description>');
    // The same document with its hrefs written under the other root is the same object.
    const other = changed.replaceAll('href="/api/', 'href="/ovirt-engine/api/');
    expect((await api(sim, 'PUT', `/vms/${id}`, { body: other })).status).toBe(200);
  });

  it('refuse a changed id', async () => {
    const id = firstId((await api(sim, 'GET', '/vms')).text, 'vm');
    const put = await api(sim, 'PUT', `/vms/${id}`, {
      body: '<vm id="00000000-0000-4000-8000-00000000abcd"><description>x</description></vm>',
    });
    expect(put.status).toBe(409);
    expect(put.text).toContain('Attempt to set immutable field: id');
  });
});

describe('adding a disk', () => {
  it('takes size where provisioned_size is missing, as the engine does', async () => {
    const id = firstId((await api(sim, 'GET', '/vms')).text, 'vm');
    const res = await api(sim, 'POST', `/vms/${id}/disks`, {
      body: '<disk><size>1073741824</size><interface>virtio</interface><format>cow</format></disk>',
      headers: { expect: '201-created' },
    });
    expect(res.status, res.text).toBeLessThan(300);
    expect(res.text).toContain('<provisioned_size>1073741824</provisioned_size>');
    const neither = await api(sim, 'POST', `/vms/${id}/disks`, { body: '<disk><interface>virtio</interface><format>cow</format></disk>' });
    expect(neither.status).toBe(400);
    expect(neither.text).toContain('provisioned_size');
  });
});

describe('the audit log', () => {
  const latest = async () => {
    const text = (await api(sim, 'GET', '/events?max=1')).text;
    return { code: Number(/<code>(\d+)<\/code>/.exec(text)?.[1]), description: /<description>([^<]*)<\/description>/.exec(text)?.[1] };
  };

  it('numbers and words entries as a 3.6 engine does', async () => {
    const tag = await api(sim, 'POST', '/tags', { body: '<tag><name>audited</name></tag>' });
    expect(tag.status).toBe(201);
    expect(await latest()).toEqual({ code: 432, description: 'New Tag audited was created by admin@internal.' });
    const vmId = firstId((await api(sim, 'GET', '/vms?search=status%3Dup')).text, 'vm');
    expect((await api(sim, 'POST', `/vms/${vmId}/suspend`, { body: '<action/>' })).status).toBeLessThan(300);
    const suspend = await latest();
    expect(suspend.code).toBe(501);
    expect(suspend.description).toMatch(/^Suspending VM \S+ was initiated by User admin@internal \(Host: \S+\)\.$/);
    const tagId = firstId(tag.text, 'tag');
    expect((await api(sim, 'DELETE', `/tags/${tagId}`)).status).toBe(200);
    expect(await latest()).toEqual({ code: 434, description: 'Tag audited was removed by admin@internal.' });
  });
});

describe.skipIf(!present(engineReference, "the audit log table against the 3.6 engine's"))(
  'the audit log table against the 3.6 engine',
  () => {
    it('has every code, severity and text as the engine declares them', () => {
      const java = readFileSync(join(engineReference, 'AuditLogType.java'), 'utf8');
      const texts = readFileSync(join(engineReference, 'AuditLogMessages.properties'), 'utf8');
      for (const [name, e] of Object.entries(AUDIT_LOG)) {
        const m = new RegExp(`^\\s+${name}\\((\\d+)(?:,\\s*AuditLogSeverity\\.(\\w+))?`, 'm').exec(java);
        expect(Number(m?.[1]), name).toBe(e.code);
        expect((m?.[2] ?? 'NORMAL').toLowerCase(), name).toBe(e.severity);
        expect(texts, name).toContain(`${name}=${e.message}`);
      }
    });
  },
);

describe('host maintenance', () => {
  it('is accepted for the only host of a cluster running VMs: it waits in preparing_for_maintenance until they stop', async () => {
    const own = await simulator({ ...SMALL, hosts: 3, clusters: 3, vms: 12, seed: 11 });
    try {
      const hosts = [...(await api(own, 'GET', '/hosts')).text.matchAll(/<host href="[^"]*" id="([^"]+)"/g)].map((m) => m[1]);
      const vms = (await api(own, 'GET', '/vms?search=status%3Dup')).text;
      // A host that runs VMs and is the only one of its cluster.
      const runsVms = hosts.find((h) => vms.includes(`<host href="/api/hosts/${h}" id="${h}"/>`));
      expect(runsVms).toBeDefined();
      const res = await api(own, 'POST', `/hosts/${runsVms}/deactivate`, { body: '<action/>' });
      expect(res.status, res.text).toBe(200);
      expect(stateOf((await api(own, 'GET', `/hosts/${runsVms}`)).text)).toBe('preparing_for_maintenance');
      await new Promise((r) => setTimeout(r, 100));
      expect(stateOf((await api(own, 'GET', `/hosts/${runsVms}`)).text)).toBe('preparing_for_maintenance');
      const running = [...vms.matchAll(/<vm href="[^"]*" id="([^"]+)">(?:(?!<\/vm>).)*?<host href="\/api\/hosts\/([^"]+)"/gs)]
        .filter((m) => m[2] === runsVms)
        .map((m) => m[1]);
      for (const vm of running) expect((await api(own, 'POST', `/vms/${vm}/stop`, { body: '<action/>' })).status).toBe(200);
      await until(async () => stateOf((await api(own, 'GET', `/hosts/${runsVms}`)).text) === 'maintenance');
    } finally {
      await own.close();
    }
  });
});

describe('creations that run as tasks', () => {
  it('answer at the creation_status they advertise: pending, then complete', async () => {
    const templates = (await api(sim, 'GET', '/templates')).text;
    const template = [...templates.matchAll(/<template href="[^"]*" id="([^"]+)"/g)]
      .map((m) => m[1])
      .find((id) => !id.startsWith('00000000'));
    const cluster = firstId((await api(sim, 'GET', '/clusters')).text, 'cluster');
    const res = await api(sim, 'POST', '/vms', {
      body: `<vm><name>cloned-vm</name><template id="${template}"/><cluster id="${cluster}"/></vm>`,
    });
    expect(res.status, res.text).toBe(202);
    const href = /<link href="([^"]+)" rel="creation_status"\/>/.exec(res.text)?.[1];
    expect(href).toMatch(/^\/api\/vms\/[^/]+\/creation_status\/[^/]+$/);
    const first = await api(sim, 'GET', href!.replace(/^\/api/, ''));
    expect(first.status, first.text).toBe(200);
    expect(first.text).toMatch(/<creation href="[^"]+"><status><state>(pending|complete)<\/state><\/status><\/creation>/);
    const valid = await validate(first.text, 'creation.xml');
    expect(valid.ours).toEqual([]);
    expect(valid.reference).toEqual([]);
    await until(async () => /<state>complete<\/state>/.test((await api(sim, 'GET', href!.replace(/^\/api/, ''))).text));
    expect((await api(sim, 'GET', href!.replace(/^\/api/, '').replace(/[^/]+$/, 'no-such-creation'))).status).toBe(404);
  });
});

describe('the collections 3.6 added at the top level', () => {
  it('list what a fresh engine holds: its domain, operating systems, MAC pool, profiles', async () => {
    expect((await api(sim, 'GET', '/domains')).text).toContain('<name>internal</name>');
    expect((await api(sim, 'GET', '/operatingsystems')).text).toContain('<name>rhel_7x64</name>');
    expect((await api(sim, 'GET', '/macpools')).text).toContain('<from>00:1a:4a:16:01:51</from>');
    const networks = (await api(sim, 'GET', '/networks')).text.match(/<network href/g)!.length;
    expect((await api(sim, 'GET', '/vnicprofiles')).text.match(/<vnic_profile href/g)!.length).toBe(networks);
    expect((await api(sim, 'GET', '/katelloerrata')).text).toContain('<name>RHSA-2016:0001</name>');
    expect((await api(sim, 'GET', '/openstackimageproviders')).text).toContain('<name>ovirt-image-repository</name>');
  });

  it('add, refuse duplicates and incomplete bodies, update and remove through the generic handlers', async () => {
    const added = await api(sim, 'POST', '/bookmarks', { body: '<bookmark><name>up-vms</name><value>vms: status=up</value></bookmark>' });
    expect(added.status, added.text).toBe(201);
    expect(added.headers.get('location')).toMatch(/\/api\/bookmarks\/[0-9a-f-]{36}$/);
    const id = firstId(added.text, 'bookmark');
    expect((await api(sim, 'POST', '/bookmarks', { body: '<bookmark><name>up-vms</name><value>x</value></bookmark>' })).status).toBe(409);
    const incomplete = await api(sim, 'POST', '/bookmarks', { body: '<bookmark><name>no-value</name></bookmark>' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('Bookmark [value] required for add');
    const put = await api(sim, 'PUT', `/bookmarks/${id}`, { body: '<bookmark><value>vms: status=down</value></bookmark>' });
    expect(put.text).toContain('<value>vms: status=down</value>');
    expect((await api(sim, 'DELETE', `/bookmarks/${id}`)).status).toBe(200);
    expect((await api(sim, 'GET', `/bookmarks/${id}`)).status).toBe(404);
    // Read-only collections say so.
    expect((await api(sim, 'POST', '/operatingsystems', { body: '<operating_system><name>x</name></operating_system>' })).status).toBe(405);
  });
});

describe('the sub-collections 3.6 added', () => {
  it("report a running guest's devices, sessions and applications, and nothing for a VM that is down", async () => {
    const up = firstId((await api(sim, 'GET', '/vms?search=status%3Dup')).text, 'vm');
    const down = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown')).text, 'vm');
    expect((await api(sim, 'GET', `/vms/${up}/reporteddevices`)).text).toContain('<type>network</type>');
    expect((await api(sim, 'GET', `/vms/${up}/applications`)).text).toContain('<name>ovirt-guest-agent-common');
    expect((await api(sim, 'GET', `/vms/${down}/applications`)).text).toMatch(/<applications\/>/);
    const apps = (await api(sim, 'GET', `/vms/${up}/applications`)).text;
    const appId = firstId(apps, 'application');
    expect((await api(sim, 'GET', `/vms/${up}/applications/${appId}`)).status).toBe(200);
  });

  it('keep what clients add below a parent: a watchdog, an affinity group, a quota', async () => {
    const vm = firstId((await api(sim, 'GET', '/vms')).text, 'vm');
    const w = await api(sim, 'POST', `/vms/${vm}/watchdogs`, {
      body: '<watchdog><model>i6300esb</model><action>reset</action></watchdog>',
    });
    expect(w.status, w.text).toBe(201);
    expect(w.headers.get('location')).toContain(`/api/vms/${vm}/watchdogs/`);
    const wid = firstId(w.text, 'watchdog');
    expect((await api(sim, 'GET', `/vms/${vm}/watchdogs`)).text).toContain('<model>i6300esb</model>');
    expect((await api(sim, 'DELETE', `/vms/${vm}/watchdogs/${wid}`)).status).toBe(200);
    const cluster = firstId((await api(sim, 'GET', '/clusters')).text, 'cluster');
    expect(
      (
        await api(sim, 'POST', `/clusters/${cluster}/affinitygroups`, {
          body: '<affinity_group><name>apart</name><positive>false</positive><enforcing>true</enforcing></affinity_group>',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(sim, 'POST', `/clusters/${cluster}/affinitygroups`, {
          body: '<affinity_group><name>apart</name><positive>true</positive><enforcing>true</enforcing></affinity_group>',
        })
      ).status,
    ).toBe(409);
    const dc = firstId((await api(sim, 'GET', '/datacenters')).text, 'data_center');
    expect((await api(sim, 'POST', `/datacenters/${dc}/quotas`, { body: '<quota><name>team-a</name></quota>' })).status).toBe(201);
  });
});

describe('guest configuration', () => {
  it('keeps initialization (cloud-init, sysprep) and floppy payloads given at add and at update', async () => {
    const cluster = firstId((await api(sim, 'GET', '/clusters')).text, 'cluster');
    const added = await api(sim, 'POST', '/vms', {
      body:
        `<vm><name>with-init</name><cluster id="${cluster}"/><template id="00000000-0000-0000-0000-000000000000"/>` +
        '<payloads><payload type="floppy"><files><file id="unattend.xml"><name>unattend.xml</name><content>&lt;x/&gt;</content></file></files></payload></payloads>' +
        '<initialization><host_name>with-init.example.com</host_name><user_name>root</user_name></initialization></vm>',
    });
    expect(added.status, added.text).toBe(201);
    const id = firstId(added.text, 'vm');
    const got = (await api(sim, 'GET', `/vms/${id}`)).text;
    expect(got).toContain('<host_name>with-init.example.com</host_name>');
    expect(got).toContain('<payload type="floppy">');
    const put = await api(sim, 'PUT', `/vms/${id}`, {
      body: '<vm><initialization><host_name>renamed.example.com</host_name></initialization></vm>',
    });
    expect(put.text).toContain('<host_name>renamed.example.com</host_name>');
    const valid = await validate(got, 'vm-with-init.xml');
    expect(valid.ours).toEqual([]);
    expect(valid.reference).toEqual([]);
  });

  it('keeps the MAC pool a data center is added with', async () => {
    const pool = firstId((await api(sim, 'GET', '/macpools')).text, 'mac_pool');
    const added = await api(sim, 'POST', '/datacenters', {
      body: `<data_center><name>with-pool</name><local>false</local><mac_pool id="${pool}"/></data_center>`,
    });
    expect(added.status, added.text).toBe(201);
    expect((await api(sim, 'GET', `/datacenters/${firstId(added.text, 'data_center')}`)).text).toContain(
      `<mac_pool href="/api/macpools/${pool}" id="${pool}"/>`,
    );
  });

  it('runs once with cloud-init: run_once while it runs, the guest named by the initialization, and back after it stops', async () => {
    const id = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown')).text, 'vm');
    const start = await api(sim, 'POST', `/vms/${id}/start`, {
      body: '<action><use_cloud_init>true</use_cloud_init><vm><initialization><host_name>once.example.com</host_name></initialization></vm></action>',
    });
    expect(start.status, start.text).toBe(200);
    await until(async () => stateOf((await api(sim, 'GET', `/vms/${id}`)).text) === 'up');
    const running = (await api(sim, 'GET', `/vms/${id}`)).text;
    expect(running).toContain('<run_once>true</run_once>');
    expect(running).toContain('<fqdn>once.example.com</fqdn>');
    expect(running).not.toContain('<host_name>once.example.com</host_name>'); // for this run only, not kept
    await api(sim, 'POST', `/vms/${id}/stop`, { body: '<action/>' });
    await until(async () => stateOf((await api(sim, 'GET', `/vms/${id}`)).text) === 'down');
    expect((await api(sim, 'GET', `/vms/${id}`)).text).toContain('<run_once>false</run_once>');
  });
});
