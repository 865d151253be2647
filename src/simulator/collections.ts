/**
 * What the simulator knows about each collection beyond the API model.
 *
 * The model (xsd/api.xsd + xsd/rsdl.xml, after a real 3.6 engine) already
 * says every collection there is, its element names, its operations, the
 * fields an add requires, its actions and its sub-collections; routes.ts
 * builds the route table from it. This file says only what the model cannot:
 * where a collection's records come from when that is not the default (a
 * top-level table of the same name, or records the parent owns), and which
 * fields the engine takes although its RSDL does not say so.
 *
 * An entry is found by the collection's key (`datacenters/{id}/storagedomains`),
 * else by its parent's item type and its rel (`VM/sessions`, which also
 * serves a VM seen below a storage domain), else by its rel under any parent
 * (`* /permissions`).
 */
import { Store, uuidOf, type Rec } from './store.ts';
import { stat } from './inventory.ts';
import { computed, none, owned, reported, systemPermissions, table, view, type Source } from './sources.ts';

export interface Behaviour {
  /** Where the records come from; `parent` is the element of the parent item (`vm`), for sources that need it. */
  readonly source?: Source | ((parent: string) => Source);
  /**
   * The fields an add requires where the engine's own check is not what its
   * RSDL says (it defaults a cluster's version to its data center's).
   */
  readonly required?: readonly (readonly string[])[];
  /** Fields the engine takes in place of a required one although its RSDL does not say so. */
  readonly accepts?: Readonly<Record<string, readonly string[]>>;
}

const guestRunning = (vm: Rec) => ['up', 'powering_down', 'reboot_in_progress', 'migrating'].includes(vm.status?.state);

/** Every disk, seen at the top level (`disks/{id}`), as 3.6 serves them: each VM's, then the floating ones. */
const allDisks: Source = {
  *list(s) {
    for (const vm of s.table('vms').values()) for (const d of Store.sub(vm, 'disks').values()) yield { ...d, href: `disks/${d.id}`, _base: d };
    yield* s.table('disks').values();
  },
  get(s, id) {
    for (const vm of s.table('vms').values()) {
      const d = Store.sub(vm, 'disks').get(id);
      if (d) return { ...d, href: `disks/${id}`, _base: d };
    }
    return s.get('disks', id);
  },
  table: 'disks',
};

/** The disks of every VM (and the floating ones) that live on the parent storage domain. */
const disksOn: Source = {
  *list(s, p) {
    if (!p) return;
    for (const d of allDisks.list(s, undefined, { rel: 'disks' })) if (d.storage_domains?.storage_domain?.[0]?.id === p.id) yield { ...d, href: `${p.href}/disks/${d.id}` };
  },
  get(s, id, p) {
    const d = allDisks.get(s, id, undefined, { rel: 'disks' });
    return d && p && d.storage_domains?.storage_domain?.[0]?.id === p.id ? { ...d, href: `${p.href}/disks/${id}` } : undefined;
  },
};

/** What a display offers: one console per protocol, its id the protocol's name in hex as the engine makes it. */
const consoles = (owner: 'vm' | 'template' | 'instance_type') => reported((r) => (r.display ? [{
  id: Buffer.from(r.display.type ?? 'spice').toString('hex'), protocol: r.display.type ?? 'spice', port: r.display.port, tls_port: r.display.secure_port, address: r.display.address,
  [owner]: { id: r.id, href: r.href },
}] : []));

/** The disks of the VMs' regular snapshots that live on the parent domain. */
const diskSnapshots = reported((sd, store) => {
  const out: Record<string, unknown>[] = [];
  for (const vm of store.table('vms').values()) {
    const snaps = [...Store.sub(vm, 'snapshots').values()].filter((x) => x.type === 'regular');
    for (const d of Store.sub(vm, 'disks').values()) {
      if (d.storage_domains?.storage_domain?.[0]?.id !== sd.id) continue;
      for (const snap of snaps) out.push({ id: uuidOf(`${snap.id}/${d.id}`), name: d.name, alias: d.alias, provisioned_size: d.provisioned_size, format: d.format, status: { state: 'ok' }, disk: { id: d.id, href: `disks/${d.id}` }, storage_domains: { storage_domain: [{ id: sd.id, href: sd.href }] } });
    }
  }
  return out;
});

/** A snapshot's copy of one of its VM's device lists. */
const snapshotDevices = (rel: string) => reported((snap, store) => {
  const vm = snap.vm?.id ? store.get('vms', snap.vm.id) : undefined;
  return vm ? [...Store.sub(vm, rel).values()].map(({ href: _h, actions: _a, link: _l, ...d }) => ({ ...d, snapshot: { id: snap.id } })) : [];
});

/** The networks attached to a host's interfaces, as network attachments. */
const attachments = (nicsOf: (parent: Rec) => Rec[]) => reported((parent) => nicsOf(parent).filter((n) => n.network).map((n) => ({
  id: undefined, name: `${n.name}-${n.network.id}`, network: n.network, host_nic: { id: n.id, href: n.href }, in_sync: true,
})));

/** A storage domain as seen from one data center: its status there and the attach actions. */
const attachedDomains = view('storagedomains', (r, p) => r._dc === p.id, (r, p) => ({
  ...r, href: `datacenters/${p.id}/storagedomains/${r.id}`,
  actions: { link: ['activate', 'deactivate'].map((a) => ({ href: `datacenters/${p.id}/storagedomains/${r.id}/${a}`, rel: a })) },
  data_center: { id: p.id, href: p.href }, status: { state: r._dcState },
  _base: r,
}));

export const BEHAVIOUR: Readonly<Record<string, Behaviour>> = {
  capabilities: { source: none },
  permissions: { source: systemPermissions },
  clusters: { required: [['name', 'data_center.id|name']] },
  disks: { source: allDisks },
  'datacenters/{id}/storagedomains': { source: attachedDomains },
  'DataCenter/clusters': { source: view('clusters', (r, p) => r.data_center?.id === p.id) },
  'DataCenter/networks': { source: view('networks', (r, p) => r.data_center?.id === p.id) },
  'Cluster/networks': { source: view('networks', (r, p) => !!r._clusters?.has(p.id)) },
  'User/roles': {
    source: view('roles', (r, p, s) => {
      for (const perm of s.table('permissions').values()) if (perm.user?.id === p.id && perm.role?.id === r.id) return true;
      return false;
    }),
  },
  'VM/disks': { accepts: { provisioned_size: ['size'] } },
  'VM/reporteddevices': {
    source: reported((vm) => (guestRunning(vm) ? [...Store.sub(vm, 'nics').values()].map((n) => ({ id: n.id, name: n.name, type: 'network', mac: n.mac, ips: vm.guest_info?.ips, vm: { id: vm.id, href: vm.href } })) : [])),
  },
  'VM/sessions': {
    source: reported((vm) => (guestRunning(vm) && vm.display?.port ? [{ name: 'console', protocol: vm.display.type, console_user: true, vm: { id: vm.id, href: vm.href } }] : [])),
  },
  'VM/applications': {
    source: reported((vm) => (guestRunning(vm) ? ['ovirt-guest-agent-common-1.0.11-1.el7', 'kernel-3.10.0-327.el7'].map((name) => ({ name, vm: { id: vm.id, href: vm.href } })) : [])),
  },
  'VM/graphicsconsoles': { source: consoles('vm') },
  'Template/graphicsconsoles': { source: consoles('template') },
  'InstanceType/graphicsconsoles': { source: consoles('instance_type') },
  'NIC/reporteddevices': {
    source: reported((nic, store) => {
      const vm = nic.vm?.id ? store.get('vms', nic.vm.id) : undefined;
      return vm && guestRunning(vm) ? [{ id: nic.id, name: nic.name, type: 'network', mac: nic.mac, ips: vm.guest_info?.ips, vm: { id: vm.id, href: vm.href } }] : [];
    }),
  },
  'StorageDomain/disksnapshots': { source: diskSnapshots },
  'Group/roles': {
    source: view('roles', (r, p, s) => {
      for (const perm of s.table('permissions').values()) if (perm.group?.id === p.id && perm.role?.id === r.id) return true;
      return false;
    }),
  },
  'Snapshot/disks': { source: snapshotDevices('disks') },
  'Snapshot/nics': { source: snapshotDevices('nics') },
  'Snapshot/cdroms': { source: snapshotDevices('cdroms') },
  'StorageDomain/disks': { source: disksOn },
  'StorageDomain/diskprofiles': { source: view('diskprofiles', (r, p) => r.storage_domain?.id === p.id) },
  'StorageDomain/storageconnections': { source: view('storageconnections', (r, p) => !!p.storage && r.address === p.storage.address && r.path === p.storage.path) },
  'Cluster/cpuprofiles': { source: view('cpuprofiles', (r, p) => r.cluster?.id === p.id) },
  'Network/vnicprofiles': { source: view('vnicprofiles', (r, p) => r.network?.id === p.id) },
  'Domain/users': { source: view('users', (r, p) => r.domain?.id === p.id) },
  'Domain/groups': { source: view('groups', (r, p) => r.domain?.id === p.id) },
  'Host/networkattachments': { source: attachments((h) => [...Store.sub(h, 'nics').values()]) },
  'HostNIC/networkattachments': { source: attachments((nic) => [nic]) },
  'Host/hooks': {
    source: reported((h) => [['before_vm_start', '50_vhostmd'], ['after_vm_destroy', '50_vhostmd']].map(([event_name, name]) => ({ name, event_name, host: { id: h.id, href: h.href } }))),
  },
  'Host/numanodes': {
    source: reported((h) => {
      const sockets = Number(h.cpu?.topology?.sockets ?? 1);
      return Array.from({ length: sockets }, (_, index) => ({
        name: `node${index}`, index, memory: Math.floor(Number(h.memory ?? 0) / sockets / 2 ** 20), host: { id: h.id, href: h.href },
        _computed: { statistics: (n: Rec) => [stat(n, 'host_numa_node', 'memory.free', 'Free memory', 'BYTES', 'GAUGE', Number(n.memory) * 2 ** 19)] },
      }));
    }),
  },
  // Permissions on objects the Permission type has no element for (networks, profiles, groups) name them in `_on`.
  '*/permissions': { source: (parent) => view('permissions', (r, p) => r[parent]?.id === p.id || r._on === p.id) },
  '*/tags': { source: view('tags', (r, p) => !!p._tags?.has(r.id)) },
  '*/statistics': { source: computed('statistics') },
};

/** The source a collection uses when no entry names one. */
export const defaultSource = (rel: string, topLevel: boolean): Source => (topLevel ? table(rel as Parameters<typeof table>[0]) : owned(rel));

/** Top-level collections in the order a 3.6 engine lists them at /api (docs/protocol.md §2); any other follows. */
export const ENTRY_ORDER: readonly string[] = [
  'capabilities', 'clusters', 'datacenters', 'events', 'hosts', 'networks', 'roles', 'storagedomains',
  'tags', 'bookmarks', 'icons', 'templates', 'instancetypes', 'users', 'groups', 'domains', 'vmpools', 'vms', 'disks', 'jobs',
  'storageconnections', 'vnicprofiles', 'diskprofiles', 'cpuprofiles', 'schedulingpolicyunits', 'schedulingpolicies',
  'permissions', 'macpools', 'operatingsystems', 'externalhostproviders', 'openstackimageproviders',
  'openstackvolumeproviders', 'openstacknetworkproviders', 'katelloerrata',
];
