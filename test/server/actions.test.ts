import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledApiModel } from '../../src/model/index.ts';
import { planSchema, type RootField } from '../../src/schema/plan.ts';
import { api } from '../helpers.ts';
import { collect, gql, type Stack, stack, wsClient } from './helpers.ts';

let s: Stack;
const ids: Record<string, string> = {};
beforeAll(async () => {
  s = await stack({ vms: 30, transitionMs: 30 });
  const d = (
    await gql(
      s,
      `{
    up: vms(search: "status=up", max: 1) { id disks { id } nics { id } }
    down: vms(search: "status=down and template!=Blank", max: 2) { id snapshots { id } }
    hosts(search: "status=up") { id nics { id network { id } } }
    templates(search: "name=tmpl-*", max: 1) { id }
    vmPools: vmpools { id }
    dataCenters(max: 1) { id storageDomains { id master } }
    storageDomains(search: "name=export") { id }
  }`,
    )
  ).data;
  Object.assign(ids, {
    up: d.up[0].id,
    upDisk: d.up[0].disks[0].id,
    upNic: d.up[0].nics[0].id,
    down: d.down[0].id,
    down2: d.down[1].id,
    host: d.hosts.at(-1).id,
    hostNic: d.hosts[0].nics.find((n: any) => n.network)?.id ?? d.hosts[0].nics[0].id,
    hostOfNic: d.hosts[0].id,
    template: d.templates[0].id,
    pool: d.vmPools[0].id,
    dc: d.dataCenters[0].id,
    sd: d.dataCenters[0].storageDomains.find((x: any) => !x.master).id,
    export: d.storageDomains[0].id,
  });
  // A snapshot to restore, and export-domain content to import.
  ids.snapshot = (
    await gql(s, `mutation { createVmSnapshot(vmId: "${ids.down}", input: { description: "t" }) { id } }`)
  ).data.createVmSnapshot.id;
  await gql(s, `mutation { exportVm(id: "${ids.down2}", action: { storageDomain: { name: "export" }, exclusive: true }) { status } }`);
  await gql(
    s,
    `mutation { exportTemplate(id: "${ids.template}", action: { storageDomain: { name: "export" }, exclusive: true }) { status } }`,
  );
});
afterAll(async () => {
  await s.close();
});

/** Every action mutation with arguments that reach the engine; `key` is the simulator's name for it. */
const CASES: [mutation: string, args: () => string, key: string][] = [
  ['startVm', () => `id: "${ids.down}"`, 'vms#start'],
  ['stopVm', () => `id: "${ids.down}"`, 'vms#stop'],
  ['shutdownVm', () => `id: "${ids.up}"`, 'vms#shutdown'],
  ['suspendVm', () => `id: "${ids.up}"`, 'vms#suspend'],
  ['rebootVm', () => `id: "${ids.up}"`, 'vms#reboot'],
  ['detachVm', () => `id: "${ids.down}"`, 'vms#detach'],
  ['migrateVm', () => `id: "${ids.up}"`, 'vms#migrate'],
  ['cancelmigrationVm', () => `id: "${ids.up}"`, 'vms#cancelmigration'],
  ['exportVm', () => `id: "${ids.down}", action: { storageDomain: { name: "export" }, exclusive: true }`, 'vms#export'],
  ['moveVm', () => `id: "${ids.down}", action: { storageDomain: { name: "data1b" } }`, 'vms#move'],
  ['ticketVm', () => `id: "${ids.up}"`, 'vms#ticket'],
  ['activateVmDisk', () => `vmId: "${ids.up}", id: "${ids.upDisk}"`, 'vms/{id}/disks#activate'],
  ['deactivateVmDisk', () => `vmId: "${ids.up}", id: "${ids.upDisk}"`, 'vms/{id}/disks#deactivate'],
  ['exportVmDisk', () => `vmId: "${ids.up}", id: "${ids.upDisk}", action: { storageDomain: { name: "data1" } }`, 'vms/{id}/disks#export'],
  ['moveVmDisk', () => `vmId: "${ids.up}", id: "${ids.upDisk}", action: { storageDomain: { name: "data1b" } }`, 'vms/{id}/disks#move'],
  ['activateVmNic', () => `vmId: "${ids.up}", id: "${ids.upNic}"`, 'vms/{id}/nics#activate'],
  ['deactivateVmNic', () => `vmId: "${ids.up}", id: "${ids.upNic}"`, 'vms/{id}/nics#deactivate'],
  ['restoreVmSnapshot', () => `vmId: "${ids.down}", id: "${ids.snapshot}"`, 'vms/{id}/snapshots#restore'],
  ['activateHost', () => `id: "${ids.host}"`, 'hosts#activate'],
  ['deactivateHost', () => `id: "${ids.host}"`, 'hosts#deactivate'],
  ['approveHost', () => `id: "${ids.host}"`, 'hosts#approve'],
  ['installHost', () => `id: "${ids.host}"`, 'hosts#install'],
  ['fenceHost', () => `id: "${ids.host}", action: { fenceType: STATUS }`, 'hosts#fence'],
  ['iscsidiscoverHost', () => `id: "${ids.hostOfNic}", action: { iscsi: { address: "10.0.0.9" } }`, 'hosts#iscsidiscover'],
  ['iscsiloginHost', () => `id: "${ids.hostOfNic}", action: { iscsi: { address: "10.0.0.9", target: "iqn.x" } }`, 'hosts#iscsilogin'],
  ['commitnetconfigHost', () => `id: "${ids.hostOfNic}"`, 'hosts#commitnetconfig'],
  [
    'attachHostNic',
    () => `hostId: "${ids.hostOfNic}", id: "${ids.hostNic}", action: { network: { name: "ovirtmgmt" } }`,
    'hosts/{id}/nics#attach',
  ],
  ['detachHostNic', () => `hostId: "${ids.hostOfNic}", id: "${ids.hostNic}"`, 'hosts/{id}/nics#detach'],
  ['deactivateDataCenterStorageDomain', () => `dataCenterId: "${ids.dc}", id: "${ids.sd}"`, 'datacenters/{id}/storagedomains#deactivate'],
  ['activateDataCenterStorageDomain', () => `dataCenterId: "${ids.dc}", id: "${ids.sd}"`, 'datacenters/{id}/storagedomains#activate'],
  ['exportTemplate', () => `id: "${ids.template}", action: { storageDomain: { name: "export" }, exclusive: true }`, 'templates#export'],
  ['allocatevmVmpool', () => `id: "${ids.pool}"`, 'vmpools#allocatevm'],
  [
    'importStorageDomainVm',
    () =>
      `storageDomainId: "${ids.export}", id: "${ids.down2}", action: { cluster: { name: "Default" }, storageDomain: { name: "data1" }, clone: true }`,
    'storagedomains/{id}/vms#import',
  ],
  [
    'importStorageDomainTemplate',
    () =>
      `storageDomainId: "${ids.export}", id: "${ids.template}", action: { cluster: { name: "Default" }, storageDomain: { name: "data1" }, clone: true }`,
    'storagedomains/{id}/templates#import',
  ],
  ['cloneVm', () => `id: "${ids.down}", action: { vm: { name: "cloned-by-test" } }`, 'vms#clone'],
  ['maintenanceVm', () => `id: "${ids.down}", action: { maintenanceEnabled: true }`, 'vms#maintenance'],
  ['previewSnapshotVm', () => `id: "${ids.down}", action: { snapshot: { id: "${ids.snapshot}" } }`, 'vms#preview_snapshot'],
];

/**
 * Every other action mutation, its arguments found by walking the simulator
 * to an item of its collection: the ids of the item and its ancestors, and
 * the parameters its RSDL body requires (made up where the engine checks
 * nothing more, such as a gluster option's name).
 */
const ACTION_MUTATIONS: RootField[] = planSchema(bundledApiModel()).mutation.filter((f) => f.kind === 'action');
const REQUIRED_INPUT: Record<string, string> = {
  resolution_type: 'resolutionType: "ADD"',
  'option.name': 'option: { name: "auth.allow", value: "*" }',
  'status.state': 'status: { state: "finished" }',
  'certificates.certificate': 'certificates: [{ subject: "CN=x" }]',
  force: 'force: true',
  succeeded: 'succeeded: true',
  'host.id': 'host: { id: "HOST" }',
  'cluster.id|name': 'cluster: { name: "Default" }',
  'storagedomain.id|name': 'storageDomain: { name: "data1" }',
  'storage_domain.id|name': 'storageDomain: { name: "data1" }',
  'brick.server_id': 'brick: { serverId: "HOST", brickDir: "/gluster/brick9" }',
  bricks: 'bricks: [{ name: "x" }]',
  'network.id|name': 'network: { name: "ovirtmgmt" }',
};
const keyOf = (path: string) => path.replace(/\{[^}]+\}/g, '{id}');
const GENERATED = ACTION_MUTATIONS.filter((f) => !CASES.some(([name]) => name === f.name));

/** A concrete item path for a collection URL template: the first item of the first parent that has one. */
async function itemPaths(template: string, limit = 1): Promise<string[]> {
  const segments = template.split('/');
  let paths = [''];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (!seg.startsWith('{')) {
      paths = paths.map((p) => `${p}/${seg}`);
      continue;
    }
    const next: string[] = [];
    for (const p of paths) {
      const text = (await api(s.sim, 'GET', p)).text;
      for (const rest of text.split(`href="/api${p}/`).slice(1)) {
        const id = rest.slice(0, rest.indexOf('"'));
        if (!id.includes('/') && !next.includes(`${p}/${id}`)) next.push(`${p}/${id}`);
      }
      if (next.length >= 40) break;
    }
    paths = next;
  }
  return paths.slice(0, limit);
}

async function generatedArgs(f: RootField): Promise<string> {
  const item = !!f.args.find((a) => a.name === 'id');
  const template = item ? `${f.collection!.path}/{item:id}` : f.collection!.path;
  const [path] = await itemPaths(template);
  if (!path) throw new Error(`no instance of ${template}`);
  const ids = path.split('/').filter((_, i) => i % 2 === 0 && i > 0);
  const names = [...(f.parentIds ?? []), ...(item ? ['id'] : [])];
  const hostId = (await api(s.sim, 'GET', '/hosts')).text.match(/<host href="[^"]+" id="([^"]+)"/)![1];
  const required = (f.operation!.bodyParamSets[0] ?? []).filter((p) => p.required).map((p) => p.name.replace(/^action\./, ''));
  const inputs = required
    .map((r) => REQUIRED_INPUT[r] ?? REQUIRED_INPUT[r.split('.')[0]])
    .filter(Boolean)
    .map((x) => x.replace(/HOST/g, hostId));
  const action = f.args.some((a) => a.name === 'action') && inputs.length ? `, action: { ${[...new Set(inputs)].join(', ')} }` : '';
  return names.map((n, i) => `${n}: "${ids[i]}"`).join(', ') + action;
}

describe('every action type as a mutation', () => {
  it('covers every action the schema has, on items and on collections', () => {
    const api = bundledApiModel();
    const all = [...api.collections.values()].flatMap((c) =>
      [...c.actions.keys(), ...c.collectionActions.keys()].map((a) => `${c.path}#${a}`),
    );
    expect(ACTION_MUTATIONS).toHaveLength(all.length);
    expect(CASES.length + GENERATED.length).toBe(all.length);
  });

  it.each(GENERATED.map((f) => [f.name, f] as const))(
    '%s reaches the engine and answers with a payload or an engine refusal',
    async (mutation, f) => {
      const key = `${keyOf(f.collection!.path)}#${f.action}`;
      const args = await generatedArgs(f);
      const before = ((await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as any).actions[key] ?? 0;
      const r = await gql(s, `mutation { ${mutation}${args ? `(${args})` : ''} { status fault { reason detail } } }`);
      const after = ((await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as any).actions[key] ?? 0;
      expect(after - before, `${mutation}(${args}): ${JSON.stringify(r.errors)}`).toBe(1);
      if (r.errors) {
        expect(['CONFLICT', 'BAD_USER_INPUT'], JSON.stringify(r.errors)).toContain(r.errors[0].extensions!.code);
        expect(r.errors[0].extensions!.detail).toMatch(/^\[[\s\S]+\]$|required for/);
      } else {
        expect(['complete', 'pending', 'in_progress']).toContain(r.data[mutation].status);
      }
    },
  );

  it.each(CASES)('%s reaches the engine and answers with a payload or an engine refusal', async (mutation, args, key) => {
    const before = ((await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as any).actions[key] ?? 0;
    const r = await gql(s, `mutation { ${mutation}(${args()}) { status fault { reason detail } action { status { state } } } }`);
    const after = ((await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as any).actions[key] ?? 0;
    expect(after - before, JSON.stringify(r.errors)).toBe(1);
    if (r.errors) {
      expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(r.errors[0].extensions!.code);
      expect(r.errors[0].extensions!.detail).toMatch(/^\[[\s\S]+\]$/);
    } else {
      expect(['complete', 'pending', 'in_progress']).toContain(r.data[mutation].status);
    }
  });
});

describe('subscriptions with pass-through credentials', () => {
  it('a user watching a VM they may not see sees nothing of it', async () => {
    const mine = (await gql(s, '{ vms { id } }', undefined, { username: 'user@internal', password: 'user' })).data.vms.map(
      (v: any) => v.id,
    );
    const other = (await gql(s, '{ vms { id } }')).data.vms.map((v: any) => v.id).find((id: string) => !mine.includes(id));
    const client = wsClient(s, { username: 'user@internal', password: 'user' });
    const r = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id, status: ["up"]) { state deleted done } }', { id: other });
    expect(r.error).toBeUndefined();
    expect(r.events).toEqual([{ vmStatus: { state: null, deleted: true, done: true } }]);
    const own = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id, status: ["up", "down", "suspended"]) { state done } }', {
      id: mine[0],
    });
    expect(own.events.at(-1).vmStatus.done).toBe(true);
    await client.dispose();
  });
});
