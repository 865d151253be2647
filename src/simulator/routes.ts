/**
 * The simulator's route table: every collection it serves, where its records
 * come from, which operations and actions it accepts and which
 * sub-collections hang below it.
 *
 * This one table drives the request router, the `<actions>` and `<link>`s of
 * every record, the entry point's links and the RSDL at `/api?rsdl`, so what
 * the simulator says it serves and what it serves cannot drift apart.
 */
import { Store, uuidOf, type Rec, type Table } from './store.ts';

export interface Source {
  list(store: Store, parent: Rec | undefined, spec: Spec): Iterable<Rec>;
  get(store: Store, id: string, parent: Rec | undefined, spec: Spec): Rec | undefined;
  /** The table the records live in, for collections the generic add and remove serve. */
  readonly table?: Table;
  /** The parent's own map the records live in (`Store.sub(parent, sub)`), likewise. */
  readonly sub?: string;
}

export interface ActionParam {
  /** The RSDL parameter path below `action.`, such as `host.id|name`. */
  readonly name: string;
  readonly type?: string;
  readonly required?: boolean;
}

export interface ActionSpec {
  readonly name: string;
  readonly doc: string;
  readonly params?: readonly ActionParam[];
}

export interface Spec {
  /** The path from the API root with `{id}` placeholders: `vms`, `vms/{id}/disks`. */
  readonly key: string;
  /** URL segment and rel of the link that leads here. */
  readonly rel: string;
  /** Collection and item element names, and the item's schema type. */
  readonly collection: string;
  readonly item: string;
  readonly type: string;
  readonly doc: string;
  readonly source: Source;
  readonly searchable?: boolean;
  /**
   * Fields add needs, as the RSDL lists them; `accepts` names fields the
   * engine takes in place of a required one although its RSDL does not say
   * so (a disk's `size` for `provisioned_size`).
   */
  readonly add?: { readonly required: readonly string[]; readonly optional?: readonly string[]; readonly accepts?: Readonly<Record<string, readonly string[]>> };
  readonly update?: boolean;
  readonly remove?: boolean;
  readonly actions?: readonly ActionSpec[];
  readonly sub?: readonly Spec[];
  /** Only its own items are served, no list (special collections). */
  readonly noList?: boolean;
  /** The RSDL's name of this collection's id variable (`vm` for `{vm:id}`). */
  readonly idName: string;
}

const table = (t: Table): Source => ({
  list: (s) => s.table(t).values(),
  get: (s, id) => s.get(t, id),
  table: t,
});

/** Every VM's disks, seen at the top level (`disks/{id}`), as 3.6 serves them. */
const allDisks: Source = {
  *list(s) {
    for (const vm of s.table('vms').values()) for (const d of Store.sub(vm, 'disks').values()) yield { ...d, href: `disks/${d.id}`, _base: d };
  },
  get(s, id) {
    for (const vm of s.table('vms').values()) {
      const d = Store.sub(vm, 'disks').get(id);
      if (d) return { ...d, href: `disks/${id}`, _base: d };
    }
    return undefined;
  },
};

/**
 * A top-level collection served by the generic handlers alone: list, get,
 * and, as its spec says, add (the body's fields the type declares), update
 * and remove. Most of what 3.6 added at the top level is no more than this.
 */
const plain = (rel: Table, collection: string, item: string, type: string, doc: string, more: Partial<Omit<Spec, 'key' | 'sub' | 'idName'>> & { idName?: string } = {}) =>
  spec({ rel, collection, item, type, doc, source: table(rel), ...more });

const owned = (rel: string): Source => ({
  list: (_s, p) => (p ? Store.sub(p, rel).values() : []),
  get: (_s, id, p) => (p ? Store.sub(p, rel).get(id) : undefined),
  sub: rel,
});

/**
 * What the engine reports rather than stores (a running guest's devices,
 * sessions and applications, a host's hooks and NUMA nodes): made from the
 * parent when asked, with stable ids and hrefs below it.
 */
const reported = (make: (parent: Rec, store: Store) => Record<string, unknown>[]): Source => {
  const all = (s: Store, p: Rec, spec: Spec): Rec[] =>
    make(p, s).map((r) => ({ ...r, id: String(r.id ?? uuidOf(`${p.id}/${spec.rel}/${String(r.name)}`)), href: `${p.href}/${spec.rel}/${String(r.id ?? uuidOf(`${p.id}/${spec.rel}/${String(r.name)}`))}` }) as Rec);
  return {
    list: (s, p, spec) => (p ? all(s, p, spec) : []),
    get: (s, id, p, spec) => (p ? all(s, p, spec).find((r) => r.id === id) : undefined),
  };
};

const guestRunning = (vm: Rec) => ['up', 'powering_down', 'reboot_in_progress', 'migrating'].includes(vm.status?.state);

/** The sub-collections 3.6 added below VMs, hosts, clusters and data centers. */
const watchdogs = spec({ rel: 'watchdogs', collection: 'watchdogs', item: 'watchdog', type: 'WatchDog', doc: 'the watchdog device of the VM', source: owned('watchdogs'), add: { required: ['action', 'model'] }, update: true, remove: true });
const reportedDevices = spec({
  rel: 'reporteddevices', collection: 'reported_devices', item: 'reported_device', type: 'ReportedDevice', doc: 'the devices the guest agent reports',
  source: reported((vm) => (guestRunning(vm) ? [...Store.sub(vm, 'nics').values()].map((n) => ({ id: n.id, name: n.name, type: 'network', mac: n.mac, ips: vm.guest_info?.ips, vm: { id: vm.id, href: vm.href } })) : [])),
});
const sessions = spec({
  rel: 'sessions', collection: 'sessions', item: 'session', type: 'Session', doc: 'who is using the VM: console and guest sessions',
  source: reported((vm) => (guestRunning(vm) && vm.display?.port ? [{ name: 'console', protocol: vm.display.type, console_user: true, vm: { id: vm.id, href: vm.href } }] : [])),
});
const applications = spec({
  rel: 'applications', collection: 'applications', item: 'application', type: 'Application', doc: 'the software the guest agent reports installed',
  source: reported((vm) => (guestRunning(vm) ? ['ovirt-guest-agent-common-1.0.11-1.el7', 'kernel-3.10.0-327.el7'].map((name) => ({ name, vm: { id: vm.id, href: vm.href } })) : [])),
});
const snapshotDisks = spec({
  rel: 'disks', collection: 'disks', item: 'disk', type: 'Disk', doc: 'the disks as the snapshot holds them',
  source: reported((snap, store) => {
    const vm = snap.vm?.id ? store.get('vms', snap.vm.id) : undefined;
    return vm ? [...Store.sub(vm, 'disks').values()].map(({ href: _h, actions: _a, link: _l, ...d }) => ({ ...d, snapshot: { id: snap.id } })) : [];
  }),
});
const affinityGroups = spec({ rel: 'affinitygroups', collection: 'affinity_groups', item: 'affinity_group', type: 'AffinityGroup', doc: 'rules that keep VMs of the cluster together or apart', source: owned('affinitygroups'), add: { required: ['name', 'positive', 'enforcing'] }, update: true, remove: true });
const quotas = spec({ rel: 'quotas', collection: 'quotas', item: 'quota', type: 'Quota', doc: 'limits on what users of the data center may consume', source: owned('quotas'), add: { required: ['name'], optional: ['description', 'cluster_soft_limit_pct', 'cluster_hard_limit_pct', 'storage_soft_limit_pct', 'storage_hard_limit_pct'] }, update: true, remove: true });
const hooks = spec({
  rel: 'hooks', collection: 'hooks', item: 'hook', type: 'Hook', doc: 'the VDSM hooks installed on the host',
  source: reported((h) => [['before_vm_start', '50_vhostmd'], ['after_vm_destroy', '50_vhostmd']].map(([event_name, name]) => ({ name, event_name, host: { id: h.id, href: h.href } }))),
});
const hostNumaNodes = spec({
  rel: 'numanodes', collection: 'host_numa_nodes', item: 'host_numa_node', type: 'NumaNode', idName: 'numanode', doc: 'the NUMA nodes of the host',
  source: reported((h) => {
    const sockets = Number(h.cpu?.topology?.sockets ?? 1);
    return Array.from({ length: sockets }, (_, index) => ({ name: `node${index}`, index, memory: Math.floor(Number(h.memory ?? 0) / sockets), host: { id: h.id, href: h.href } }));
  }),
});

/**
 * Records of a top-level table that belong to the parent by a predicate,
 * seen from the parent: the engine gives them an href below it
 * (`vms/{vm}/tags/{tag}`), so each is a shallow copy whose `_base` is the
 * stored record (updates and removals go there).
 */
const view = (t: Table, belongs: (r: Rec, parent: Rec, s: Store) => boolean, derive?: (r: Rec, parent: Rec, s: Store) => Rec): Source => {
  const seen = (r: Rec, p: Rec, s: Store, spec: Spec): Rec => (derive ? derive(r, p, s) : { ...r, href: `${p.href}/${spec.rel}/${r.id}`, _base: r });
  return {
    *list(s, p, spec) {
      if (!p) return;
      for (const r of s.table(t).values()) if (belongs(r, p, s)) yield seen(r, p, s, spec);
    },
    get(s, id, p, spec) {
      const r = s.get(t, id);
      return r && p && belongs(r, p, s) ? seen(r, p, s, spec) : undefined;
    },
  };
};

/** Computed on demand (statistics): the parent's `_computed[rel]` function. */
const computed = (rel: string): Source => ({
  list: (_s, p) => (p?._computed?.[rel] ? p._computed[rel](p) : []),
  get: (_s, id, p) => (p?._computed?.[rel] ? (p._computed[rel](p) as Rec[]).find((r) => r.id === id) : undefined),
});

const ASYNC = { name: 'async', type: 'xs:boolean' } as const;

function spec(s: Omit<Spec, 'key' | 'sub' | 'idName'> & { idName?: string; sub?: ((parentKey: string) => Spec)[] }): (parentKey: string) => Spec {
  return (parentKey) => {
    const key = parentKey ? `${parentKey}/{id}/${s.rel}` : s.rel;
    return { ...s, key, idName: s.idName ?? s.item.replace(/_/g, ''), sub: s.sub?.map((f) => f(key)) };
  };
}

const permissions = (t: Table | 'system', field: string) => spec({
  rel: 'permissions', collection: 'permissions', item: 'permission', type: 'Permission',
  doc: 'the roles granted to users and groups on this object',
  source: view('permissions', (r, p) => t !== 'system' && r[field]?.id === p.id),
  add: { required: ['role.id', 'user.id|group.id'] }, remove: true,
});

const tags = spec({
  rel: 'tags', collection: 'tags', item: 'tag', type: 'Tag',
  doc: 'the tags attached to this object',
  source: view('tags', (r, p) => !!p._tags?.has(r.id)),
  add: { required: ['name|id'] }, remove: true,
});

const statistics = spec({
  rel: 'statistics', collection: 'statistics', item: 'statistic', type: 'Statistic',
  doc: 'measurements of this object, sampled by the engine',
  source: computed('statistics'),
});

const deviceActions = [
  { name: 'activate', doc: 'plug the device into its running VM' },
  { name: 'deactivate', doc: 'unplug the device from its running VM' },
];

const vmDisks = spec({
  rel: 'disks', collection: 'disks', item: 'disk', type: 'Disk',
  doc: 'the virtual disks attached to the VM',
  source: owned('disks'),
  add: { required: ['provisioned_size', 'interface', 'format'], optional: ['name', 'alias', 'size', 'storage_domains.storage_domain.id|name', 'sparse', 'bootable', 'shareable'], accepts: { provisioned_size: ['size'] } },
  update: true, remove: true,
  actions: [...deviceActions, { name: 'export', doc: 'export the disk to an image storage domain', params: [{ name: 'storage_domain.id|name', required: true }] },
    { name: 'move', doc: 'move the disk to another storage domain', params: [{ name: 'storage_domain.id|name', required: true }, ASYNC] }],
  sub: [statistics, permissions('system', 'disk')],
});

const vmNics = spec({
  rel: 'nics', collection: 'nics', item: 'nic', type: 'NIC',
  doc: 'the network interfaces of the VM',
  source: owned('nics'),
  add: { required: ['name'], optional: ['network.id|name', 'interface', 'mac.address', 'linked', 'plugged'] },
  update: true, remove: true, actions: deviceActions,
  sub: [statistics],
});

const cdroms = spec({
  rel: 'cdroms', collection: 'cdroms', item: 'cdrom', type: 'CdRom',
  doc: 'the CD-ROM drives and the ISO images in them',
  source: owned('cdroms'), add: { required: ['file.id'] }, update: true, remove: true,
});

const snapshots = spec({
  rel: 'snapshots', collection: 'snapshots', item: 'snapshot', type: 'Snapshot',
  doc: 'the snapshots of the VM',
  source: owned('snapshots'), add: { required: ['description'], optional: ['persist_memorystate'] }, remove: true,
  actions: [{ name: 'restore', doc: 'bring the VM back to this snapshot; the VM must be down', params: [{ name: 'restore_memory', type: 'xs:boolean' }, ASYNC] }],
  sub: [snapshotDisks],
});

const vmActions: ActionSpec[] = [
  { name: 'start', doc: 'start the VM', params: [{ name: 'pause', type: 'xs:boolean' }, { name: 'vm.stateless', type: 'xs:boolean' }, { name: 'vm.placement_policy.host.id|name' }, { name: 'vm.display.type' }, { name: 'vm.os.boot.dev' }, ASYNC] },
  { name: 'stop', doc: 'power the VM off at once, like pulling its plug', params: [ASYNC] },
  { name: 'shutdown', doc: 'ask the guest to shut down cleanly', params: [ASYNC] },
  { name: 'suspend', doc: 'save the VM\'s memory to disk and stop it (hibernate)', params: [ASYNC] },
  { name: 'reboot', doc: 'restart the guest', params: [ASYNC] },
  { name: 'detach', doc: 'take the VM out of its pool', params: [ASYNC] },
  { name: 'migrate', doc: 'move the running VM to another host', params: [{ name: 'host.id|name' }, { name: 'force', type: 'xs:boolean' }, ASYNC] },
  { name: 'export', doc: 'copy the VM to an export storage domain', params: [{ name: 'storage_domain.id|name', required: true }, { name: 'exclusive', type: 'xs:boolean' }, { name: 'discard_snapshots', type: 'xs:boolean' }, ASYNC] },
  { name: 'move', doc: 'move the VM\'s disks to another storage domain', params: [{ name: 'storage_domain.id|name', required: true }, ASYNC] },
  { name: 'ticket', doc: 'set a one-time console password', params: [{ name: 'ticket.value' }, { name: 'ticket.expiry', type: 'xs:unsignedInt' }, ASYNC] },
  { name: 'cancelmigration', doc: 'stop a migration that is under way', params: [ASYNC] },
];

const vms = spec({
  rel: 'vms', collection: 'vms', item: 'vm', type: 'VM', searchable: true,
  doc: 'the virtual machines',
  source: table('vms'),
  add: { required: ['name', 'template.id|name', 'cluster.id|name'], optional: ['memory', 'cpu.topology.cores', 'cpu.topology.sockets', 'type', 'os.type', 'os.boot.dev', 'display.type', 'high_availability.enabled', 'stateless', 'description', 'placement_policy.host.id|name'] },
  update: true, remove: true, actions: vmActions,
  sub: [vmDisks, vmNics, cdroms, snapshots, tags, permissions('vms', 'vm'), statistics, applications, reportedDevices, watchdogs, sessions],
});

const hostNics = spec({
  rel: 'nics', collection: 'host_nics', item: 'host_nic', type: 'HostNIC', idName: 'nic',
  doc: 'the network interfaces of the host',
  source: owned('nics'),
  update: true,
  actions: [{ name: 'attach', doc: 'attach a network to the interface', params: [{ name: 'network.id|name', required: true }, ASYNC] },
    { name: 'detach', doc: 'detach the interface\'s network', params: [{ name: 'network.id|name', required: true }, ASYNC] }],
  sub: [statistics],
});

const hostStorage = spec({
  rel: 'storage', collection: 'host_storage', item: 'storage', type: 'Storage', idName: 'storage',
  doc: 'the block storage (LUNs) the host can see',
  source: owned('storage'),
});

const hosts = spec({
  rel: 'hosts', collection: 'hosts', item: 'host', type: 'Host', searchable: true,
  doc: 'the hypervisors',
  source: table('hosts'),
  add: { required: ['name', 'address', 'root_password'], optional: ['cluster.id|name', 'port', 'description'] },
  update: true, remove: true,
  actions: [
    { name: 'activate', doc: 'bring the host out of maintenance', params: [ASYNC] },
    { name: 'approve', doc: 'accept a host that registered itself', params: [{ name: 'cluster.id|name' }, ASYNC] },
    { name: 'commitnetconfig', doc: 'make the host\'s network configuration survive a reboot', params: [ASYNC] },
    { name: 'deactivate', doc: 'put the host in maintenance, migrating its VMs away', params: [{ name: 'reason' }, ASYNC] },
    { name: 'fence', doc: 'act on the host through its power management', params: [{ name: 'fence_type', required: true }, ASYNC] },
    { name: 'install', doc: 'install or reinstall the host\'s software', params: [{ name: 'root_password' }, { name: 'image' }, ASYNC] },
    { name: 'iscsidiscover', doc: 'list the targets of an iSCSI portal', params: [{ name: 'iscsi.address', required: true }, { name: 'iscsi.port', type: 'xs:int' }, ASYNC] },
    { name: 'iscsilogin', doc: 'log in to an iSCSI target', params: [{ name: 'iscsi.address', required: true }, { name: 'iscsi.target', required: true }, ASYNC] },
  ],
  sub: [hostNics, hostStorage, tags, permissions('hosts', 'host'), statistics, hooks, hostNumaNodes],
});

const clusterNetworks = spec({
  rel: 'networks', collection: 'networks', item: 'network', type: 'Network',
  doc: 'the networks attached to the cluster',
  source: view('networks', (r, p) => !!r._clusters?.has(p.id)),
  add: { required: ['id|name'] }, remove: true,
});

const clusters = spec({
  rel: 'clusters', collection: 'clusters', item: 'cluster', type: 'Cluster', searchable: true,
  doc: 'the clusters of hosts',
  source: table('clusters'),
  add: { required: ['name', 'data_center.id|name'], optional: ['cpu.id', 'version.major', 'version.minor', 'description'] },
  update: true, remove: true,
  sub: [clusterNetworks, permissions('clusters', 'cluster'), affinityGroups],
});

/** A storage domain as seen from one data center: its status there and the attach actions. */
const attachedDomains = spec({
  rel: 'storagedomains', collection: 'storage_domains', item: 'storage_domain', type: 'StorageDomain',
  doc: 'the storage domains attached to the data center',
  source: view('storagedomains', (r, p) => r._dc === p.id, (r, p) => ({
    ...r, href: `datacenters/${p.id}/storagedomains/${r.id}`,
    actions: { link: ['activate', 'deactivate'].map((a) => ({ href: `datacenters/${p.id}/storagedomains/${r.id}/${a}`, rel: a })) },
    data_center: { id: p.id, href: p.href }, status: { state: r._dcState },
    _base: r,
  })),
  add: { required: ['id|name'] }, remove: true,
  actions: [{ name: 'activate', doc: 'make the storage domain usable in the data center', params: [ASYNC] },
    { name: 'deactivate', doc: 'put the storage domain in maintenance', params: [ASYNC] }],
});

const datacenters = spec({
  rel: 'datacenters', collection: 'data_centers', item: 'data_center', type: 'DataCenter', searchable: true, idName: 'datacenter',
  doc: 'the data centers',
  source: table('datacenters'),
  add: { required: ['name', 'local'], optional: ['storage_type', 'version.major', 'version.minor', 'description'] },
  update: true, remove: true,
  sub: [attachedDomains,
    spec({ rel: 'clusters', collection: 'clusters', item: 'cluster', type: 'Cluster', doc: 'the clusters of the data center', source: view('clusters', (r, p) => r.data_center?.id === p.id) }),
    spec({ rel: 'networks', collection: 'networks', item: 'network', type: 'Network', doc: 'the networks of the data center', source: view('networks', (r, p) => r.data_center?.id === p.id) }),
    permissions('datacenters', 'data_center'), quotas],
});

const storagedomains = spec({
  rel: 'storagedomains', collection: 'storage_domains', item: 'storage_domain', type: 'StorageDomain', searchable: true, idName: 'storagedomain',
  doc: 'the storage domains',
  source: table('storagedomains'),
  add: { required: ['name', 'type', 'host.id|name', 'storage.type', 'storage.address', 'storage.path'] },
  update: true, remove: true,
  sub: [
    spec({ rel: 'files', collection: 'files', item: 'file', type: 'File', doc: 'the files of an ISO domain', source: owned('files') }),
    spec({ rel: 'templates', collection: 'templates', item: 'template', type: 'Template', doc: 'the templates stored in an export domain', source: owned('templates'), remove: true,
      actions: [{ name: 'import', doc: 'import the template into a data center', params: [{ name: 'cluster.id|name', required: true }, { name: 'storage_domain.id|name', required: true }, { name: 'clone', type: 'xs:boolean' }, ASYNC] }] }),
    spec({ rel: 'vms', collection: 'vms', item: 'vm', type: 'VM', doc: 'the VMs stored in an export domain', source: owned('vms'), remove: true,
      actions: [{ name: 'import', doc: 'import the VM into a data center', params: [{ name: 'cluster.id|name', required: true }, { name: 'storage_domain.id|name', required: true }, { name: 'clone', type: 'xs:boolean' }, ASYNC] }] }),
    permissions('storagedomains', 'storage_domain'),
  ],
});

const templates = spec({
  rel: 'templates', collection: 'templates', item: 'template', type: 'Template', searchable: true,
  doc: 'the templates VMs are made from',
  source: table('templates'),
  add: { required: ['name', 'vm.id|name'], optional: ['description', 'cluster.id|name'] },
  update: true, remove: true,
  actions: [{ name: 'export', doc: 'copy the template to an export storage domain', params: [{ name: 'storage_domain.id|name', required: true }, { name: 'exclusive', type: 'xs:boolean' }, ASYNC] }],
  sub: [
    spec({ rel: 'disks', collection: 'disks', item: 'disk', type: 'Disk', doc: 'the disks of the template', source: owned('disks') }),
    spec({ rel: 'nics', collection: 'nics', item: 'nic', type: 'NIC', doc: 'the network interfaces of the template', source: owned('nics') }),
    spec({ rel: 'cdroms', collection: 'cdroms', item: 'cdrom', type: 'CdRom', doc: 'the CD-ROM drives of the template', source: owned('cdroms') }),
    permissions('templates', 'template'),
  ],
});

const networks = spec({
  rel: 'networks', collection: 'networks', item: 'network', type: 'Network', searchable: true,
  doc: 'the logical networks',
  source: table('networks'),
  add: { required: ['name', 'data_center.id|name'], optional: ['description', 'vlan.id', 'stp', 'mtu'] },
  update: true, remove: true,
  sub: [permissions('networks', 'network')],
});

const vmpools = spec({
  rel: 'vmpools', collection: 'vmpools', item: 'vmpool', type: 'VmPool', searchable: true,
  doc: 'the pools of VMs',
  source: table('vmpools'),
  add: { required: ['name', 'template.id|name', 'cluster.id|name'], optional: ['size', 'type', 'max_user_vms', 'prestarted_vms'] },
  update: true, remove: true,
  actions: [{ name: 'allocatevm', doc: 'take a VM from the pool for the calling user', params: [ASYNC] }],
  sub: [permissions('vmpools', 'vmpool')],
});

const users = spec({
  rel: 'users', collection: 'users', item: 'user', type: 'User', searchable: true,
  doc: 'the users known to the engine',
  source: table('users'),
  add: { required: ['user_name', 'domain.id|name'] }, remove: true,
  sub: [
    spec({ rel: 'roles', collection: 'roles', item: 'role', type: 'Role', doc: 'the roles the user holds', source: view('roles', (r, p, s) => {
      for (const perm of s.table('permissions').values()) if (perm.user?.id === p.id && perm.role?.id === r.id) return true;
      return false;
    }) }),
    tags,
    permissions('users', 'user'),
  ],
});

const roles = spec({
  rel: 'roles', collection: 'roles', item: 'role', type: 'Role',
  doc: 'the roles: named sets of permits',
  source: table('roles'),
  add: { required: ['name', 'administrative', 'permits.permit.id'] }, update: true, remove: true,
  sub: [spec({ rel: 'permits', collection: 'permits', item: 'permit', type: 'Permit', doc: 'what the role allows', source: owned('permits'), add: { required: ['id|name'] }, remove: true })],
});

const events = spec({
  rel: 'events', collection: 'events', item: 'event', type: 'Event', searchable: true,
  doc: 'the audit log, newest first',
  source: table('events'),
  add: { required: ['description', 'severity', 'origin', 'custom_id'] },
});

const tagsTop = spec({
  rel: 'tags', collection: 'tags', item: 'tag', type: 'Tag',
  doc: 'the tree of tags',
  source: table('tags'),
  add: { required: ['name'], optional: ['description', 'parent.tag.id|name'] }, update: true, remove: true,
});

const jobs = spec({
  rel: 'jobs', collection: 'jobs', item: 'job', type: 'Job',
  doc: 'the work the engine carries out for requests',
  source: table('jobs'),
});

const capabilities = spec({
  rel: 'capabilities', collection: 'capabilities', item: 'version', type: 'VersionCaps', idName: 'version',
  doc: 'what each compatibility version supports',
  source: { list: () => [], get: () => undefined },
});

const bookmarks = plain('bookmarks', 'bookmarks', 'bookmark', 'Bookmark', 'saved searches', { add: { required: ['name', 'value'] }, update: true, remove: true });
const icons = plain('icons', 'icons', 'icon', 'Icon', 'the icons VMs and templates show');
const instancetypes = plain('instancetypes', 'instance_types', 'instance_type', 'InstanceType', 'hardware profiles new VMs can take', { searchable: true, add: { required: ['name'], optional: ['description', 'memory', 'cpu.topology.cores', 'cpu.topology.sockets'] }, update: true, remove: true });
const groups = plain('groups', 'groups', 'group', 'Group', 'the directory groups known to the engine', { searchable: true, add: { required: ['name'], optional: ['domain.id|name'] }, remove: true });
const domains = plain('domains', 'domains', 'domain', 'Domain', 'the authentication domains');
const disks = spec({ rel: 'disks', collection: 'disks', item: 'disk', type: 'Disk', searchable: true, doc: 'every disk, whatever it is attached to', source: allDisks, sub: [statistics] });
const storageconnections = plain('storageconnections', 'storage_connections', 'storage_connection', 'StorageConnection', 'the connections to storage servers', { add: { required: ['type'], optional: ['address', 'port', 'target', 'path', 'vfs_type'] }, update: true, remove: true });
const vnicprofiles = plain('vnicprofiles', 'vnic_profiles', 'vnic_profile', 'VnicProfile', 'the profiles VM network interfaces connect through', { add: { required: ['name', 'network.id'] }, update: true, remove: true });
const diskprofiles = plain('diskprofiles', 'disk_profiles', 'disk_profile', 'DiskProfile', 'the quality-of-service profiles of disks', { add: { required: ['name', 'storage_domain.id'] }, update: true, remove: true });
const cpuprofiles = plain('cpuprofiles', 'cpu_profiles', 'cpu_profile', 'CpuProfile', 'the quality-of-service profiles of CPUs', { add: { required: ['name', 'cluster.id'] }, update: true, remove: true });
const schedulingpolicyunits = plain('schedulingpolicyunits', 'scheduling_policy_units', 'scheduling_policy_unit', 'SchedulingPolicyUnit', 'the filters and weights scheduling policies are made of', { remove: true });
const schedulingpolicies = plain('schedulingpolicies', 'scheduling_policies', 'scheduling_policy', 'SchedulingPolicy', 'how clusters place VMs on hosts', { add: { required: ['name'] }, update: true, remove: true });
const permissionsTop = plain('permissions', 'permissions', 'permission', 'Permission', 'every permission granted', { remove: true });
const macpools = plain('macpools', 'mac_pools', 'mac_pool', 'MacPool', 'the ranges VM network interfaces take MAC addresses from', { add: { required: ['name', 'ranges.range'] }, update: true, remove: true });
const operatingsystems = plain('operatingsystems', 'operating_systems', 'operating_system', 'OperatingSystemInfo', 'the guest operating systems the engine knows');
const provider = (rel: Table, collection: string, item: string, type: string, doc: string) => plain(rel, collection, item, type, doc, { add: { required: ['name'], optional: ['url', 'description', 'requires_authentication', 'username'] }, update: true, remove: true });
const externalhostproviders = provider('externalhostproviders', 'external_host_providers', 'external_host_provider', 'ExternalHostProvider', 'providers of hosts to deploy (Foreman)');
const openstackimageproviders = provider('openstackimageproviders', 'openstack_image_providers', 'openstack_image_provider', 'OpenStackImageProvider', 'OpenStack Glance image services');
const openstackvolumeproviders = provider('openstackvolumeproviders', 'openstack_volume_providers', 'openstack_volume_provider', 'OpenStackVolumeProvider', 'OpenStack Cinder volume services');
const openstacknetworkproviders = provider('openstacknetworkproviders', 'openstack_network_providers', 'openstack_network_provider', 'OpenStackNetworkProvider', 'OpenStack Neutron network services');
const katelloerrata = plain('katelloerrata', 'katello_errata', 'katello_erratum', 'KatelloErratum', 'errata from Katello', { idName: 'katelloerrata' });

/** Top-level collections in the order a 3.6 engine lists them at /api (docs/protocol.md §2). */
export const ROOT: readonly Spec[] = [
  capabilities, clusters, datacenters, events, hosts, networks, roles, storagedomains,
  tagsTop, bookmarks, icons, templates, instancetypes, users, groups, domains, vmpools, vms, disks, jobs,
  storageconnections, vnicprofiles, diskprofiles, cpuprofiles, schedulingpolicyunits, schedulingpolicies,
  permissionsTop, macpools, operatingsystems, externalhostproviders, openstackimageproviders,
  openstackvolumeproviders, openstacknetworkproviders, katelloerrata,
].map((f) => f(''));

export function walk(specs: readonly Spec[] = ROOT, visit: (s: Spec, depth: number) => void, depth = 0): void {
  for (const s of specs) {
    visit(s, depth);
    if (s.sub) walk(s.sub, visit, depth + 1);
  }
}

export const SPECS: ReadonlyMap<string, Spec> = (() => {
  const m = new Map<string, Spec>();
  walk(ROOT, (s) => m.set(s.key, s));
  return m;
})();

export function specAt(key: string): Spec {
  const s = SPECS.get(key);
  if (!s) throw new Error(`No route ${key}`);
  return s;
}

/** Gives a new record its href, `<actions>` and sub-collection `<link>`s, as the engine would. */
export function decorate<T extends Record<string, any>>(s: Spec, rec: T, parentHref?: string): T & Rec {
  const href = `${parentHref ? parentHref + '/' : ''}${s.rel}/${rec.id}`;
  const r = rec as T & Rec & Record<string, any>;
  r.href = href;
  if (s.actions?.length) (r as Record<string, any>).actions = { link: s.actions.map((a) => ({ href: `${href}/${a.name}`, rel: a.name })) };
  if (s.sub?.length) (r as Record<string, any>).link = s.sub.map((sub) => ({ href: `${href}/${sub.rel}`, rel: sub.rel }));
  return r;
}
