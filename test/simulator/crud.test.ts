import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { api, firstId, simulator, stateOf, until, validate } from '../helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

async function create(path: string, body: string, element: string): Promise<string> {
  const r = await api(sim, 'POST', path, { body, headers: { expect: '201-created' } });
  expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(201);
  expect(r.headers.get('location')).toMatch(new RegExp(`/api${path}/[^/]+$`));
  const v = await validate(r.text);
  expect(v.ours).toEqual([]);
  expect(v.reference).toEqual([]);
  return firstId(r.text, element);
}

describe('create, read, update and delete across the inventory', () => {
  it('a data center with a cluster, a network attached to it, a host, and storage', async () => {
    const dc = await create(
      '/datacenters',
      '<data_center><name>crud-dc</name><local>false</local><storage_type>nfs</storage_type></data_center>',
      'data_center',
    );
    expect(stateOf((await api(sim, 'GET', `/datacenters/${dc}`)).text)).toBe('uninitialized');
    const cluster = await create(
      '/clusters',
      `<cluster><name>crud-cluster</name><data_center id="${dc}"/><cpu id="Intel SandyBridge Family"/></cluster>`,
      'cluster',
    );
    expect((await api(sim, 'GET', `/datacenters/${dc}/clusters`)).text).toContain(`id="${cluster}"`);
    const net = await create(
      '/networks',
      `<network><name>crud-net</name><data_center><name>crud-dc</name></data_center><vlan id="42"/></network>`,
      'network',
    );
    await create(`/clusters/${cluster}/networks`, `<network id="${net}"/>`, 'network');
    expect((await api(sim, 'GET', `/clusters/${cluster}/networks`)).text).toContain(`id="${net}"`);

    const host = await create(
      '/hosts',
      `<host><name>crud-host</name><address>crud-host.example.com</address><root_password>secret</root_password><cluster id="${cluster}"/></host>`,
      'host',
    );
    await until(async () => stateOf((await api(sim, 'GET', `/hosts/${host}`)).text) === 'up');
    expect((await api(sim, 'GET', `/hosts/${host}`)).text).not.toContain('secret');

    const sd = await create(
      '/storagedomains',
      `<storage_domain><name>crud-sd</name><type>data</type><host id="${host}"/><storage><type>nfs</type><address>nfs.example.com</address><path>/exports/crud</path></storage></storage_domain>`,
      'storage_domain',
    );
    expect(stateOf((await api(sim, 'GET', `/storagedomains/${sd}`)).text)).toBe('unattached');
    await create(`/datacenters/${dc}/storagedomains`, `<storage_domain id="${sd}"/>`, 'storage_domain');
    await until(async () => stateOf((await api(sim, 'GET', `/datacenters/${dc}/storagedomains/${sd}`)).text) === 'active');

    // Removal follows the engine's order: what contains things cannot go first.
    expect((await api(sim, 'DELETE', `/clusters/${cluster}`)).status).toBe(409);
    expect((await api(sim, 'DELETE', `/hosts/${host}`)).status).toBe(409);
    await api(sim, 'POST', `/hosts/${host}/deactivate`, { body: '<action/>' });
    await until(async () => stateOf((await api(sim, 'GET', `/hosts/${host}`)).text) === 'maintenance');
    expect((await api(sim, 'DELETE', `/hosts/${host}`)).status).toBe(200);
    expect((await api(sim, 'DELETE', `/clusters/${cluster}`)).status).toBe(200);
    const events = (await api(sim, 'GET', '/events;max=50')).text;
    expect(events).toMatch(/Data Center crud-dc, Compatibility Version \d\.\d and Quota Type DISABLED was added by admin@internal/);
    expect(events).toContain('Host crud-host was removed by admin@internal.');
  });

  it('VM devices: disks (a task), NICs, CD-ROM, tags and permissions', async () => {
    // A VM user@internal holds no permission on yet.
    const visible = (await api(sim, 'GET', '/vms', { user: 'user', headers: { filter: 'true' } })).text;
    const vm = [...(await api(sim, 'GET', '/vms?search=status%3Ddown')).text.matchAll(/<vm href="[^"]+" id="([^"]+)"/g)]
      .map((m) => m[1])
      .find((id) => !visible.includes(id))!;
    const async = await api(sim, 'POST', `/vms/${vm}/disks`, {
      body: '<disk><provisioned_size>10737418240</provisioned_size><interface>virtio</interface><format>cow</format></disk>',
    });
    expect(async.status).toBe(202);
    const disk = firstId(async.text, 'disk');
    await until(async () => stateOf((await api(sim, 'GET', `/vms/${vm}/disks/${disk}`)).text) === 'ok');
    const nic = await create(`/vms/${vm}/nics`, '<nic><name>nic9</name><interface>e1000</interface></nic>', 'nic');
    expect((await api(sim, 'GET', `/vms/${vm}/nics/${nic}`)).text).toMatch(/<mac address="00:1a:4a:[0-9a-f:]+"\/>/);
    const iso = firstId((await api(sim, 'GET', '/storagedomains?search=type%3Diso')).text, 'storage_domain');
    const file = firstId((await api(sim, 'GET', `/storagedomains/${iso}/files`)).text, 'file');
    await create(`/vms/${vm}/cdroms`, `<cdrom><file id="${file}"/></cdrom>`, 'cdrom');
    expect((await api(sim, 'GET', `/vms/${vm}/cdroms`)).text).toContain(`<file id="${file}">`);
    await create(`/vms/${vm}/tags`, '<tag><name>crud-tag</name></tag>', 'tag');
    expect((await api(sim, 'GET', '/vms?search=tag%3Dcrud-tag')).text).toContain(`id="${vm}"`);
    const user = firstId((await api(sim, 'GET', '/users?search=usrname%3Duser@internal')).text, 'user');
    const role = firstId((await api(sim, 'GET', '/roles')).text, 'role');
    const perm = await create(`/vms/${vm}/permissions`, `<permission><role id="${role}"/><user id="${user}"/></permission>`, 'permission');
    expect((await api(sim, 'GET', '/vms', { user: 'user', headers: { filter: 'true' } })).text).toContain(`id="${vm}"`);
    expect((await api(sim, 'DELETE', `/vms/${vm}/permissions/${perm}`)).status).toBe(200);
    expect((await api(sim, 'GET', '/vms', { user: 'user', headers: { filter: 'true' } })).text).not.toContain(`id="${vm}"`);
    expect((await api(sim, 'DELETE', `/vms/${vm}/disks/${disk}`)).status).toBe(200);
    expect((await api(sim, 'DELETE', `/vms/${vm}/nics/${nic}`)).status).toBe(200);
  });

  it('templates from VMs, pools from templates, users, roles and tags', async () => {
    const vm = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown and template!=Blank')).text, 'vm');
    const t = await create('/templates', `<template><name>crud-template</name><vm id="${vm}"/></template>`, 'template');
    expect(stateOf((await api(sim, 'GET', `/templates/${t}`)).text)).toBe('ok');
    expect((await api(sim, 'GET', `/templates/${t}/disks`)).text).toContain('<disk ');
    const pool = await create(
      '/vmpools',
      `<vmpool><name>crud-pool</name><size>2</size><cluster><name>Default</name></cluster><template id="${t}"/></vmpool>`,
      'vmpool',
    );
    expect((await api(sim, 'GET', '/vms?search=pool%3Dcrud-pool')).text.match(/<vm href=/g)).toHaveLength(2);
    expect((await api(sim, 'DELETE', `/templates/${t}`)).status).toBe(409);
    expect((await api(sim, 'DELETE', `/vmpools/${pool}`)).status).toBe(200);
    expect((await api(sim, 'DELETE', `/templates/${t}`)).status).toBe(200);
    const blank = '00000000-0000-0000-0000-000000000000';
    expect((await api(sim, 'DELETE', `/templates/${blank}`)).text).toContain(
      '[Cannot remove Template. Removing Blank Template is not allowed.]',
    );

    await create('/users', '<user><user_name>jdoe@internal</user_name><domain><name>internal</name></domain></user>', 'user');
    const role = await create(
      '/roles',
      '<role><name>crud-role</name><administrative>false</administrative><permits><permit id="1"/></permits></role>',
      'role',
    );
    expect((await api(sim, 'GET', `/roles/${role}/permits`)).text).toContain('<permit ');
    const tag = await create('/tags', '<tag><name>crud-parent</name></tag>', 'tag');
    const child = await create('/tags', `<tag><name>crud-child</name><parent><tag id="${tag}"/></parent></tag>`, 'tag');
    expect((await api(sim, 'GET', `/tags/${child}`)).text).toContain(`<parent><tag href="/api/tags/${tag}" id="${tag}"/></parent>`);
    const renamed = await api(sim, 'PUT', `/tags/${child}`, { body: '<tag><name>crud-child-2</name></tag>' });
    expect(renamed.text).toContain('<name>crud-child-2</name>');
    expect((await api(sim, 'DELETE', `/roles/${role}`)).status).toBe(200);
  });
});
