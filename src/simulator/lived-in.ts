/**
 * What an engine that has been in use for a while holds besides VMs and
 * hosts: a gluster volume and hook, an iSCSI bond, QoS and quota limits,
 * network labels, host devices and fence agents, an SSH key, a directory
 * group, an external job with a step, the default image repository and an
 * external provider of each kind with what it offers. Seeded after the
 * inventory and the defaults (so their ids do not move), once whatever the
 * inventory's size, so that every collection of the API has something to
 * show to a client (and to the test that walks every URL of the RSDL).
 */
import type { Inventory } from './inventory.ts';
import { decorate, specAt } from './routes.ts';
import { stat } from './statistics.ts';
import { BLANK_ID, type Rec, ref, Store, type Table } from './store.ts';

type Fields = Record<string, unknown>;

/** What the seeding steps share: the store, the helpers that make records, and the objects they hang things on. */
interface Seed {
  readonly inv: Inventory;
  readonly s: Store;
  first(t: Table): Rec | undefined;
  /** A record the parent owns (`key` is the parent's route key). */
  own(key: string, parent: Rec, rel: string, fields: Fields, id?: string): Rec;
  put(table: Table, fields: Fields): Rec;
  /** A permission of the administrator's; on objects the Permission type has no element for, the object is kept in `_on`. */
  grant(on: Rec, field?: string): void;
  readonly dc: Rec;
  readonly cluster: Rec;
  readonly host: Rec;
  readonly network: Rec;
  readonly data: Rec;
  readonly admin: Rec;
  readonly superUser: Rec;
  readonly vm?: Rec;
  readonly template?: Rec;
}

export function seedLivedIn(inv: Inventory): void {
  const seed = seedContext(inv);
  if (!seed) return;
  for (const step of [seedGrants, seedGluster, seedDataCenter, seedHosts, seedTemplates, seedVm, seedPeople, seedPolicies, seedExport])
    step(seed);
  seedProviders(inv, seed.put, seed.own);
}

function seedContext(inv: Inventory): Seed | undefined {
  const s = inv.store;
  const first = (t: Table): Rec | undefined => s.table(t).values().next().value;
  const own = (key: string, parent: Rec, rel: string, fields: Fields, id = inv.id()): Rec => {
    const rec = decorate(specAt(`${key}/{id}/${rel}`), { id, ...fields }, parent.href);
    Store.sub(parent, rel).set(rec.id, rec);
    return rec;
  };
  const put = (table: Table, fields: Fields): Rec => {
    const rec = decorate(specAt(table), { id: inv.id(), ...fields });
    s.table(table).set(rec.id, rec);
    return rec;
  };
  const dc = first('datacenters');
  const cluster = first('clusters');
  const host = first('hosts');
  const network = [...s.table('networks').values()].find((n) => n.name === 'ovirtmgmt') ?? first('networks');
  const data = [...s.table('storagedomains').values()].find((d) => d.type === 'data');
  const admin = [...s.table('users').values()].find((u) => u.user_name?.startsWith('admin'));
  const superUser = first('roles');
  if (!dc || !cluster || !host || !network || !data || !admin || !superUser) return undefined;
  const grant = (on: Rec, field?: string) => {
    const p = inv.permission(superUser, admin, { field: field ?? 'vm', rec: field ? on : undefined });
    p._on = on.id;
    p._system = false;
  };
  const vm = [...s.table('vms').values()].find((v) => Store.sub(v, 'disks').size);
  const template = [...s.table('templates').values()].find((t) => t.id !== BLANK_ID) ?? first('templates');
  return { inv, s, first, own, put, grant, dc, cluster, host, network, data, admin, superUser, vm, template };
}

/** Permissions an administrator granted on objects of each kind. */
function seedGrants({ first, grant, vm }: Seed): void {
  for (const [t, field] of [
    ['datacenters', 'data_center'],
    ['clusters', 'cluster'],
    ['hosts', 'host'],
    ['storagedomains', 'storage_domain'],
    ['vmpools', 'vmpool'],
  ] as const) {
    const r = first(t);
    if (r) grant(r, field);
  }
  for (const t of ['networks', 'vnicprofiles', 'diskprofiles', 'cpuprofiles'] as const) {
    const r = first(t);
    if (r) grant(r);
  }
  const disk = vm && Store.sub(vm, 'disks').values().next().value;
  if (disk) grant(disk, 'disk');
}

/** Gluster: a replicated volume of two bricks, and a hook; an affinity group. */
function seedGluster({ own, cluster, host, vm }: Seed): void {
  const volume = own('clusters', cluster, 'glustervolumes', {
    name: 'vol1',
    cluster: ref(cluster),
    volume_type: 'replicate',
    transport_types: { transport_type: ['tcp'] },
    replica_count: 2,
    status: { state: 'up' },
    options: { option: [{ name: 'auth.allow', value: '*' }] },
  });
  volume._computed = { statistics: (v: Rec) => [stat(v, 'gluster_volume', 'memory.total.size', 'Total size', 'BYTES', 'GAUGE', 2 ** 40)] };
  for (const dir of ['/gluster/brick1', '/gluster/brick2']) {
    const brick = own('clusters/{id}/glustervolumes', volume, 'bricks', {
      name: `${host.address}:${dir}`,
      gluster_volume: ref(volume),
      server_id: host.id,
      brick_dir: dir,
      status: { state: 'up' },
    });
    brick._computed = { statistics: (b: Rec) => [stat(b, 'brick', 'memory.total.size', 'Total size', 'BYTES', 'GAUGE', 2 ** 39)] };
  }
  own('clusters', cluster, 'glusterhooks', {
    name: 'add-brick-PRE-28Quota-enable-root-xattr-heal.sh',
    cluster: ref(cluster),
    gluster_command: 'add-brick',
    stage: 'pre',
    content_type: 'text',
    checksum: 'a4f5e1a4c1b3',
    conflict_status: 0,
    status: { state: 'enabled' },
  });
  const group = own('clusters', cluster, 'affinitygroups', { name: 'keep-apart', cluster: ref(cluster), positive: false, enforcing: true });
  if (vm) own('clusters/{id}/affinitygroups', group, 'vms', { name: vm.name }, vm.id);
}

/** Data center: an iSCSI bond over the management network, QoS, a quota with its limits, a network label. */
function seedDataCenter({ own, grant, dc, cluster, network, data }: Seed): void {
  const bond = own('datacenters', dc, 'iscsibonds', {
    name: 'bond0',
    description: 'multipath for iSCSI',
    data_center: ref(dc),
    networks: { network: [ref(network)] },
    storage_connections: { storage_connection: [] },
  });
  // The bond's network is the data center's, seen below the bond (its labels and profiles are the network's).
  Store.sub(bond, 'networks').set(network.id, { ...network, href: `${bond.href}/networks/${network.id}`, _base: network });
  const connection = own('datacenters/{id}/iscsibonds', bond, 'storageconnections', {
    address: 'iscsi.example.com',
    port: 3260,
    target: 'iqn.2016-01.com.example:storage',
    type: 'iscsi',
  });
  bond.storage_connections.storage_connection.push(ref(connection));
  own('datacenters', dc, 'qoss', { name: 'storage-gold', type: 'storage', data_center: ref(dc), max_throughput: 200, max_iops: 5000 });
  const quota = own('datacenters', dc, 'quotas', {
    name: 'dev-team',
    description: 'Development team',
    data_center: ref(dc),
    cluster_soft_limit_pct: 80,
    cluster_hard_limit_pct: 20,
    storage_soft_limit_pct: 80,
    storage_hard_limit_pct: 20,
  });
  grant(quota);
  own('datacenters/{id}/quotas', quota, 'quotaclusterlimits', {
    quota: ref(quota),
    cluster: ref(cluster),
    vcpu_limit: 64,
    vcpu_usage: 12,
    memory_limit: 256,
    memory_usage: 40,
  });
  own('datacenters/{id}/quotas', quota, 'quotastoragelimits', { quota: ref(quota), storage_domain: ref(data), limit: 2048, usage: 300 });
  own('networks', network, 'labels', { network: ref(network) }, 'mgmt');
}

/** Hosts: devices, a fence agent, an erratum, labels and unmanaged networks on a NIC, a storage connection extension. */
function seedHosts({ own, dc, host, network }: Seed): void {
  const nic = Store.sub(host, 'nics').values().next().value;
  for (const [name, capability, product] of [
    ['computer', 'system', undefined],
    ['pci_0000_00_1f_2', 'pci', 'SATA controller'],
    ['usb_usb1', 'usb_device', 'EHCI Host Controller'],
  ] as const) {
    own('hosts', host, 'devices', { name, capability, product: product ? { name: product } : undefined, host: ref(host) });
  }
  own('hosts', host, 'fenceagents', {
    type: 'ipmilan',
    address: `ipmi-${host.name}.example.com`,
    username: 'admin',
    order: 1,
    port: 623,
    host: ref(host),
  });
  own('hosts', host, 'katelloerrata', {
    name: 'RHBA-2016:1234',
    title: 'vdsm bug fix update',
    type: 'bugfix',
    severity: 'moderate',
    issued: '2016-06-01T00:00:00Z',
    host: ref(host),
  });
  own('hosts', host, 'storageconnectionextensions', { target: 'iqn.2016-01.com.example:storage', username: 'chap-user', host: ref(host) });
  own('hosts', host, 'unmanagednetworks', { name: 'virbr0', host: ref(host), host_nic: nic ? ref(nic) : undefined });
  if (nic) {
    own('hosts/{id}/nics', nic, 'labels', { host_nic: ref(nic) }, 'mgmt');
    own('hosts/{id}/nics', nic, 'virtualfunctionallowedlabels', { host_nic: ref(nic) }, 'sriov');
    own('hosts/{id}/nics', nic, 'virtualfunctionallowednetworks', { name: network.name, data_center: ref(dc) }, network.id);
  }
  (host._tags ??= new Set()).add(BLANK_ID);
}

/** Templates and instance types: a watchdog, consoles and a NIC. */
function seedTemplates({ s, own, template }: Seed): void {
  if (template) {
    own('templates', template, 'watchdogs', { model: 'i6300esb', action: 'reset', template: ref(template) });
    (template._tags ??= new Set()).add(BLANK_ID);
  }
  for (const it of s.table('instancetypes').values()) {
    it.display ??= { type: 'spice', monitors: 1 };
    own('instancetypes', it, 'nics', { name: 'nic1', interface: 'virtio', instance_type: ref(it) });
    own('instancetypes', it, 'watchdogs', { model: 'i6300esb', action: 'none', instance_type: ref(it) });
    break;
  }
}

/** A VM with a watchdog, a NUMA node, a passed-through device and an erratum. */
function seedVm({ own, host, vm }: Seed): void {
  if (vm) {
    own('vms', vm, 'watchdogs', { model: 'i6300esb', action: 'reset', vm: ref(vm) });
    own('vms', vm, 'numanodes', { name: 'vnode0', index: 0, memory: Math.floor(Number(vm.memory) / 2 ** 20), vm: ref(vm) });
    own('vms', vm, 'hostdevices', { name: 'pci_0000_00_1f_2', capability: 'pci', host: ref(host), vm: ref(vm) });
    own('vms', vm, 'katelloerrata', {
      name: 'RHSA-2016:0001',
      title: 'kernel security update',
      type: 'security',
      severity: 'important',
      issued: '2016-06-01T00:00:00Z',
      vm: ref(vm),
    });
  }
}

/** Users, groups, bookmarks, jobs, errata. */
function seedPeople({ inv, first, own, put, admin, superUser }: Seed): void {
  own('users', admin, 'sshpublickeys', { content: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 admin@example.com', user: ref(admin) });
  (admin._tags ??= new Set()).add(BLANK_ID);
  const domain = first('domains');
  const admins = put('groups', {
    name: 'ovirt-admins',
    domain: domain ? { id: domain.id, name: domain.name } : undefined,
    namespace: '*',
    domain_entry_id: 'b3ZpcnQtYWRtaW5z',
    _tags: new Set([BLANK_ID]),
  });
  const p = inv.permission(superUser, admin, { field: 'vm' });
  Object.assign(p, { user: undefined, group: ref(admins), href: `${admins.href}/permissions/${p.id}`, _system: false, _on: admins.id });
  put('bookmarks', { name: 'running-vms', value: 'Vms: status=up' });
  const job = put('jobs', {
    description: 'Backup of the engine database',
    status: { state: 'finished' },
    owner: ref(admin),
    start_time: '2016-06-01T00:00:00Z',
    end_time: '2016-06-01T00:05:00Z',
    last_updated: '2016-06-01T00:05:00Z',
    external: true,
    auto_cleared: false,
  });
  const step = own('jobs', job, 'steps', {
    description: 'Dump the database',
    type: 'executing',
    number: 1,
    status: { state: 'finished' },
    job: ref(job),
    external: true,
    start_time: '2016-06-01T00:00:00Z',
    end_time: '2016-06-01T00:05:00Z',
  });
  step._computed = { statistics: (x: Rec) => [stat(x, 'step', 'progress', 'Progress', 'PERCENT', 'GAUGE', 100)] };
  put('katelloerrata', {
    name: 'RHSA-2016:0001',
    title: 'kernel security update',
    type: 'security',
    severity: 'important',
    issued: '2016-06-01T00:00:00Z',
  });
}

/** Scheduling policies are made of the filters, weights and balances of the policy units. */
function seedPolicies({ s, own }: Seed): void {
  const units = [...s.table('schedulingpolicyunits').values()];
  // Clusters were made before the built-in policies: they name theirs by reference now, as the engine does.
  const none = [...s.table('schedulingpolicies').values()].find((p) => p.name === 'none');
  if (none) for (const c of s.table('clusters').values()) c.scheduling_policy = { ...c.scheduling_policy, ...ref(none) };
  for (const policy of s.table('schedulingpolicies').values()) {
    units
      .filter((u) => u.type === 'filter')
      .forEach((u, position) => {
        own('schedulingpolicies', policy, 'filters', { scheduling_policy_unit: ref(u), position }, u.id);
      });
    units
      .filter((u) => u.type === 'weight')
      .forEach((u) => {
        own('schedulingpolicies', policy, 'weights', { scheduling_policy: ref(policy), scheduling_policy_unit: ref(u), factor: 1 }, u.id);
      });
    own('schedulingpolicies', policy, 'balances', { scheduling_policy: ref(policy), scheduling_policy_unit: ref(units[0]) }, units[0].id);
  }
}

/** A snapshot of the VM, and what an export domain holds: a copy of the VM and of the template. */
function seedExport({ s, own, vm, template }: Seed): void {
  const exportDomain = [...s.table('storagedomains').values()].find((d) => d.type === 'export');
  if (vm) {
    own('vms', vm, 'snapshots', {
      description: 'before upgrade',
      type: 'regular',
      vm: ref(vm),
      date: '2016-06-01T00:00:00Z',
      snapshot_status: 'ok',
      persist_memorystate: false,
    });
    if (exportDomain) {
      const copy = own(
        'storagedomains',
        exportDomain,
        'vms',
        { ...plain(vm), storage_domain: ref(exportDomain), status: { state: 'down' } },
        vm.id,
      );
      for (const d of Store.sub(vm, 'disks').values()) own('storagedomains/{id}/vms', copy, 'disks', { ...plain(d), vm: ref(copy) }, d.id);
    }
  }
  if (template && exportDomain) {
    const copy = own('storagedomains', exportDomain, 'templates', { ...plain(template), storage_domain: ref(exportDomain) }, template.id);
    for (const d of Store.sub(template, 'disks').values())
      own('storagedomains/{id}/templates', copy, 'disks', { ...plain(d), template: ref(copy) }, d.id);
  }
}

/** A record's own fields, without what belongs to where it is stored (href, links, actions, owned maps). */
function plain(r: Rec): Fields {
  const { href: _h, link: _l, actions: _a, _sub: _s, _base: _b, ...fields } = r;
  return fields;
}

type Put = (table: Table, fields: Fields) => Rec;
type Own = (key: string, parent: Rec, rel: string, fields: Fields, id?: string) => Rec;

/** One provider of each kind, with what it offers; the image provider is the repository every engine comes with. */
function seedProviders(inv: Inventory, put: Put, own: Own): void {
  const certificate = { organization: 'example.com', subject: 'CN=provider.example.com' };
  const foreman = put('externalhostproviders', {
    name: 'foreman',
    url: 'https://foreman.example.com',
    requires_authentication: true,
    username: 'admin',
  });
  own('externalhostproviders', foreman, 'certificates', certificate, '0');
  own('externalhostproviders', foreman, 'computeresources', {
    name: 'libvirt',
    provider: 'Libvirt',
    url: 'qemu://kvm1.example.com/system',
    external_host_provider: ref(foreman),
  });
  own('externalhostproviders', foreman, 'discoveredhosts', {
    name: 'mac5254001a2b3c',
    ip: '10.0.0.50',
    mac: '52:54:00:1a:2b:3c',
    external_host_provider: ref(foreman),
  });
  own('externalhostproviders', foreman, 'hostgroups', {
    name: 'hypervisors',
    operating_system_name: 'RHEL 7.2',
    architecture_name: 'x86_64',
    external_host_provider: ref(foreman),
  });
  own('externalhostproviders', foreman, 'hosts', { name: 'kvm9.example.com', address: '10.0.0.59' });

  const glance = put('openstackimageproviders', {
    name: 'ovirt-image-repository',
    url: 'http://glance.ovirt.org:9292',
    requires_authentication: false,
    tenant_name: '',
  });
  own('openstackimageproviders', glance, 'certificates', certificate, '0');
  const images = ['CirrOS 0.3.4 for x86_64', 'Fedora 23 Cloud Base Image v1.0 for x86_64'];
  for (const name of images) own('openstackimageproviders', glance, 'images', { name });
  // The repository is also an external storage domain of type image, whose images can be imported as disks.
  const repo = decorate(specAt('storagedomains'), {
    id: glance.id,
    name: 'ovirt-image-repository',
    type: 'image',
    master: false,
    external_status: { state: 'ok' },
    storage: { type: 'glance' },
    storage_format: 'v1',
  });
  repo.status = { state: 'unattached' };
  inv.store.table('storagedomains').set(repo.id, repo);
  for (const name of images) own('storagedomains', repo, 'images', { name, storage_domain: ref(repo) });

  const cinder = put('openstackvolumeproviders', {
    name: 'cinder',
    url: 'http://cinder.example.com:8776',
    requires_authentication: true,
    username: 'cinder',
    tenant_name: 'admin',
  });
  own('openstackvolumeproviders', cinder, 'certificates', certificate, '0');
  own('openstackvolumeproviders', cinder, 'volumetypes', { name: 'ceph' });
  own('openstackvolumeproviders', cinder, 'authenticationkeys', {
    uuid: inv.id(),
    usage_type: 'ceph',
    creation_date: '2016-06-01T00:00:00Z',
  });

  const neutron = put('openstacknetworkproviders', {
    name: 'neutron',
    url: 'http://neutron.example.com:9696',
    requires_authentication: true,
    username: 'neutron',
    tenant_name: 'admin',
    plugin_type: 'open_vswitch',
  });
  own('openstacknetworkproviders', neutron, 'certificates', certificate, '0');
  const net = own('openstacknetworkproviders', neutron, 'networks', { name: 'tenant-net' });
  own('openstacknetworkproviders/{id}/networks', net, 'subnets', {
    name: 'tenant-subnet',
    cidr: '10.10.0.0/24',
    ip_version: 'v4',
    gateway: '10.10.0.1',
    openstack_network: ref(net),
  });
}
