import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, gql, type Stack, stack, wsClient } from './helpers.ts';

let s: Stack;
// Each state lasts longer than the watchers' longest poll interval, so none is missed.
beforeAll(async () => {
  s = await stack({ vms: 30, transitionMs: 500 });
});
afterAll(async () => {
  await s.close();
});

const downVm = async (): Promise<string> => (await gql(s, '{ vms(search: "status=down", max: 1) { id } }')).data.vms[0].id;
const stateOf = async (id: string): Promise<string> =>
  (await gql(s, 'query($id: ID!) { vm(id: $id) { status { state } } }', { id })).data.vm.status.state;
async function until(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('actions', () => {
  it('runs an action and answers with its status, job and the re-read resource', async () => {
    const id = await downVm();
    const r = await gql(
      s,
      'mutation($id: ID!) { startVm(id: $id) { status outcomeUnknown job { id } resource { id status { state } host { name } } } }',
      { id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.startVm.status).toBe('complete');
    expect(r.data.startVm.outcomeUnknown).toBe(false);
    expect(r.data.startVm.job.id).toBeTruthy();
    expect(r.data.startVm.resource.id).toBe(id);
    expect(['wait_for_launch', 'powering_up', 'up']).toContain(r.data.startVm.resource.status.state);
    await until(async () => (await stateOf(id)) === 'up');
    const migrated = await gql(s, 'mutation($id: ID!) { migrateVm(id: $id) { status resource { status { state } } } }', { id });
    expect(migrated.data.migrateVm.resource.status.state).toBe('migrating');
    await until(async () => (await stateOf(id)) === 'up');
    const ticket = await gql(
      s,
      'mutation($id: ID!) { ticketVm(id: $id, action: { ticket: { expiry: 60 } }) { action { ticket { value expiry } } } }',
      { id },
    );
    expect(ticket.data.ticketVm.action.ticket.expiry).toBe(60);
    await gql(s, 'mutation($id: ID!) { stopVm(id: $id) { status } }', { id });
    await until(async () => (await stateOf(id)) === 'down');
  });

  it("reports refusals with stable codes and the engine's words", async () => {
    const id = await downVm();
    const r = await gql(s, 'mutation($id: ID!) { stopVm(id: $id) { status } }', { id });
    expect(r.errors![0].message).toBe('[Cannot stop VM. VM is not running.]');
    expect(r.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'Operation Failed',
      detail: '[Cannot stop VM. VM is not running.]',
      status: 409,
    });
    const missing = await gql(s, 'mutation { startVm(id: "11111111-2222-4333-8444-555555555555") { status } }');
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
    // The schema requires what the RSDL requires (a clone's name); the engine refuses what it requires besides (an export's domain).
    const required = await gql(s, 'mutation($id: ID!) { cloneVm(id: $id) { status } }', { id });
    expect(required.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const refused = await gql(s, 'mutation($id: ID!) { exportVm(id: $id) { status } }', { id });
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 400 });
    const mine = (await gql(s, '{ vms { id } }', undefined, { username: 'user@internal', password: 'user' })).data.vms.map(
      (v: any) => v.id,
    );
    const notMine = (await gql(s, '{ vms(search: "status=down") { id } }')).data.vms
      .map((v: any) => v.id)
      .find((x: string) => !mine.includes(x));
    const forbidden = await gql(
      s,
      'mutation($id: ID!) { startVm(id: $id) { status } }',
      { id: notMine },
      { username: 'user@internal', password: 'user' },
    );
    expect(forbidden.errors![0].extensions!.code).toBe('NOT_FOUND'); // the filtered user does not see that VM
  });

  it('follows task-backed actions to completion unless async: true', async () => {
    const id = await downVm();
    const done = await gql(
      s,
      'mutation($id: ID!) { exportVm(id: $id, action: { storageDomain: { name: "export" }, exclusive: true }) { status resource { status { state } } } }',
      { id },
    );
    expect(done.errors).toBeUndefined();
    expect(done.data.exportVm.status).toBe('complete');
    expect(done.data.exportVm.resource.status.state).toBe('down');
    const pending = await gql(
      s,
      'mutation($id: ID!) { exportVm(id: $id, async: true, action: { storageDomain: { name: "export" }, exclusive: true }) { status resource { status { state } } } }',
      { id },
    );
    expect(['pending', 'in_progress']).toContain(pending.data.exportVm.status);
    expect(pending.data.exportVm.resource.status.state).toBe('image_locked');
    await until(async () => (await stateOf(id)) === 'down');
  });

  it('acts on nested resources: host maintenance, a VM disk, an attached storage domain', async () => {
    const vm = (await gql(s, '{ vms(search: "status=up", max: 1) { id disks { id active } } }')).data.vms[0];
    const disk = vm.disks[0].id;
    const off = await gql(s, 'mutation($vm: ID!, $id: ID!) { deactivateVmDisk(vmId: $vm, id: $id) { status resource { active } } }', {
      vm: vm.id,
      id: disk,
    });
    expect(off.data.deactivateVmDisk.resource.active).toBe(false);
    await gql(s, 'mutation($vm: ID!, $id: ID!) { activateVmDisk(vmId: $vm, id: $id) { status } }', { vm: vm.id, id: disk });
    const dc = (await gql(s, '{ dataCenters(max: 1) { id storageDomains { id master } } }')).data.dataCenters[0];
    const sd = dc.storageDomains.find((d: any) => !d.master).id;
    const r = await gql(
      s,
      'mutation($dc: ID!, $id: ID!) { deactivateDataCenterStorageDomain(dataCenterId: $dc, id: $id) { status resource { status { state } } } }',
      { dc: dc.id, id: sd },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.deactivateDataCenterStorageDomain.resource.status.state).toMatch(/maintenance/);
    const host = (await gql(s, '{ hosts(search: "status=up") { id } }')).data.hosts.at(-1).id;
    const d = await gql(s, 'mutation($id: ID!) { deactivateHost(id: $id) { status } }', { id: host });
    expect(d.errors).toBeUndefined();
    await until(
      async () =>
        (await gql(s, 'query($id: ID!) { host(id: $id) { status { state } } }', { id: host })).data.host.status.state === 'maintenance',
    );
    await gql(s, 'mutation($id: ID!) { activateHost(id: $id) { status } }', { id: host });
  });
});

describe('create, update, delete', () => {
  it('creates a VM (following the task), changes it, adds a disk, and removes it', async () => {
    const tmpl = (await gql(s, '{ templates(search: "name=tmpl-*", max: 1) { id } }')).data.templates[0].id;
    const created = await gql(
      s,
      `mutation($t: ID!) { createVm(input: { name: "gql-vm", cluster: { name: "Default" }, template: { id: $t }, memory: "4294967296", type: DESKTOP }) { id name memory type status { state } } }`,
      { t: tmpl },
    );
    expect(created.errors).toBeUndefined();
    const vm = created.data.createVm;
    expect(vm).toMatchObject({ name: 'gql-vm', memory: 4294967296, type: 'DESKTOP', status: { state: 'down' } });
    const updated = await gql(
      s,
      'mutation($id: ID!) { updateVm(id: $id, input: { description: "from GraphQL" }) { description name memory } }',
      { id: vm.id },
    );
    expect(updated.data.updateVm).toEqual({ description: 'from GraphQL', name: 'gql-vm', memory: 4294967296 });
    const disk = await gql(
      s,
      'mutation($id: ID!) { createVmDisk(vmId: $id, input: { provisionedSize: 1073741824, interface: VIRTIO, format: COW }) { id status { state } } }',
      { id: vm.id },
    );
    expect(disk.errors).toBeUndefined();
    expect(disk.data.createVmDisk.status.state).toBe('ok');
    const dup = await gql(
      s,
      'mutation { createVm(input: { name: "gql-vm", cluster: { name: "Default" }, template: { name: "Blank" } }) { id } }',
    );
    expect(dup.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      detail: '[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]',
    });
    const incomplete = await gql(s, 'mutation { createVm(input: { name: "no-cluster" }) { id } }');
    expect(incomplete.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'Incomplete parameters' });
    const removed = await gql(s, 'mutation($id: ID!) { deleteVm(id: $id) { id status } }', { id: vm.id });
    expect(removed.data.deleteVm).toEqual({ id: vm.id, status: 'complete' });
    expect((await gql(s, 'query($id: ID!) { vm(id: $id) { id } }', { id: vm.id })).data.vm).toBeNull();
  });
});

describe('subscriptions over WebSocket', () => {
  it('see every state on the way up and then complete; one watcher serves many subscribers', async () => {
    const id = await downVm();
    const client = wsClient(s);
    const query = 'subscription($id: ID!) { vmStatus(id: $id, status: ["up"]) { type id state done } }';
    const a = collect(client, query, { id });
    const b = collect(client, 'subscription($id: ID!) { waitForStatus(type: VM, id: $id, status: ["UP"]) { state done } }', { id });
    await until(
      async () =>
        s.server.metrics.registry.getSingleMetric('rhev_subscriptions_active') !== undefined &&
        (await s.server.metrics.registry.getSingleMetricAsString('rhev_subscriptions_active')).includes(' 2'),
    );
    const watchers = await s.server.metrics.registry.getSingleMetricAsString('rhev_watchers_active');
    expect(watchers).toMatch(/rhev_watchers_active 1$/m);
    await gql(s, 'mutation($id: ID!) { startVm(id: $id) { status } }', { id });
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.error).toBeUndefined();
    const states = ra.events.map((e: any) => e.vmStatus.state);
    expect(states[0]).toBe('down');
    expect(states.at(-1)).toBe('up');
    expect(new Set(states)).toEqual(new Set(['down', 'wait_for_launch', 'powering_up', 'up']));
    expect(ra.events.at(-1).vmStatus).toMatchObject({ type: 'VM', id, done: true });
    expect(rb.events.at(-1).waitForStatus).toEqual({ state: 'up', done: true });
    await until(async () =>
      (await s.server.metrics.registry.getSingleMetricAsString('rhev_watchers_active')).includes('rhev_watchers_active 0'),
    );
    await client.dispose();
  });

  it('ends with an error on timeout, and stops watching when the client goes away', async () => {
    const id = await downVm();
    const client = wsClient(s);
    const timedOut = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id, status: ["up"], timeout: 1) { state } }', { id });
    expect(JSON.stringify(timedOut.error)).toContain('TIMEOUT');
    const open = collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 60_000);
    await until(async () =>
      (await s.server.metrics.registry.getSingleMetricAsString('rhev_watchers_active')).includes('rhev_watchers_active 1'),
    );
    await client.dispose();
    await until(async () =>
      (await s.server.metrics.registry.getSingleMetricAsString('rhev_watchers_active')).includes('rhev_watchers_active 0'),
    );
    await until(async () =>
      (await s.server.metrics.registry.getSingleMetricAsString('rhev_subscriptions_active')).includes('rhev_subscriptions_active 0'),
    );
    void open;
  });

  it('waits for a deletion', async () => {
    const created = await gql(
      s,
      'mutation { createVm(input: { name: "to-delete", cluster: { name: "Default" }, template: { name: "Blank" } }) { id } }',
    );
    const id = created.data.createVm.id;
    const client = wsClient(s);
    const events = collect(client, 'subscription($id: ID!) { vmStatus(id: $id, deleted: true) { state deleted done } }', { id });
    await until(async () =>
      (await s.server.metrics.registry.getSingleMetricAsString('rhev_watchers_active')).includes('rhev_watchers_active 1'),
    );
    await gql(s, 'mutation($id: ID!) { deleteVm(id: $id) { status } }', { id });
    const r = await events;
    expect(r.error).toBeUndefined();
    expect(r.events.at(-1).vmStatus).toEqual({ state: null, deleted: true, done: true });
    await client.dispose();
  });
});
