/**
 * Builds a deterministic inventory: the same seed and sizes give the same
 * ids, names and states on every machine, so tests and benchmarks can name
 * what they expect. Shapes and values follow what RHEV 3.6 engines return.
 *
 * The factories here are also what the simulator's create operations use, so
 * a VM added over the API looks exactly like a generated one.
 */

import { seedDefaults } from './defaults.ts';
import { seedLivedIn } from './lived-in.ts';
import { decorate, specAt } from './routes.ts';
import { BLANK_ID, type Rec, ref, rng, Store, uuidFrom, uuidOf } from './store.ts';

export interface InventorySize {
  datacenters: number;
  clusters: number;
  hosts: number;
  vms: number;
  templates: number;
  seed: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const EPOCH = Date.UTC(2016, 5, 1);

export const ADMIN_ROLE_ID = uuidOf('role:SuperUser');
export const USER_VM_MANAGER_ROLE_ID = uuidOf('role:UserVmManager');
export const USER_ROLE_ID = uuidOf('role:UserRole');
export const EVERYONE_ID = 'eee00000-0000-0000-0000-123456789eee';

/** The engine-wide context the factories draw from. */
export class Inventory {
  readonly store = new Store();
  readonly random: () => number;
  private macSeq = 0;
  private portSeq = 5900;

  constructor(seed: number) {
    this.random = rng(seed);
  }

  id(): string {
    return uuidFrom(this.random);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  mac(): string {
    const n = this.macSeq++;
    return `00:1a:4a:${((n >> 16) & 255).toString(16).padStart(2, '0')}:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
  }

  displayPort(): number {
    this.portSeq = this.portSeq >= 65000 ? 5900 : this.portSeq + 2;
    return this.portSeq;
  }

  time(offsetMs: number): string {
    return new Date(EPOCH + offsetMs).toISOString();
  }

  dataCenter(name: string, fields: Partial<Rec> = {}): Rec {
    const dc = decorate(specAt('datacenters'), {
      id: this.id(),
      name,
      description: fields.description ?? `Data center ${name}`,
      storage_type: 'nfs',
      local: false,
      storage_format: 'v3',
      version: { major: 3, minor: 6 },
      supported_versions: {
        version: [
          { major: 3, minor: 5 },
          { major: 3, minor: 6 },
        ],
      },
      status: { state: 'up' },
      quota_mode: 'disabled',
      ...fields,
    });
    this.store.table('datacenters').set(dc.id, dc);
    return dc;
  }

  cluster(name: string, dc: Rec, fields: Partial<Rec> = {}): Rec {
    const c = decorate(specAt('clusters'), {
      id: this.id(),
      name,
      description: fields.description ?? `Cluster ${name}`,
      cpu: { id: 'Intel SandyBridge Family', architecture: 'x86_64' },
      data_center: ref(dc),
      memory_policy: { overcommit: { percent: 100 }, transparent_hugepages: { enabled: true } },
      scheduling_policy: { policy: 'none', name: 'none' },
      version: { major: 3, minor: 6 },
      error_handling: { on_error: 'migrate' },
      virt_service: true,
      gluster_service: false,
      threads_as_cores: false,
      tunnel_migration: false,
      trusted_service: false,
      ha_reservation: false,
      optional_reason: false,
      maintenance_reason_required: false,
      ballooning_enabled: false,
      ksm: { enabled: true, merge_across_nodes: true },
      ...fields,
    });
    this.store.table('clusters').set(c.id, c);
    return c;
  }

  network(name: string, dc: Rec, clusters: Rec[], fields: Partial<Rec> = {}): Rec {
    const n = decorate(specAt('networks'), {
      id: this.id(),
      name,
      description: fields.description ?? (name === 'ovirtmgmt' ? 'Management Network' : `VM network ${name}`),
      data_center: ref(dc),
      stp: false,
      status: { state: 'operational' },
      display: false,
      mtu: 0,
      usages: { usage: name === 'ovirtmgmt' ? ['vm', 'management'] : ['vm'] },
      required: true,
      profile_required: false,
      _clusters: new Set(clusters.map((c) => c.id)),
      ...fields,
    });
    this.store.table('networks').set(n.id, n);
    return n;
  }

  host(name: string, cluster: Rec, index: number, fields: Partial<Rec> = {}): Rec {
    const cores = this.pick([8, 12, 16]);
    const memory = this.pick([128, 256, 384]) * GiB;
    const h = decorate(specAt('hosts'), {
      id: this.id(),
      name,
      address: `${name}.example.com`,
      certificate: { organization: 'example.com', subject: `O=example.com,CN=${name}.example.com` },
      status: { state: 'up' },
      external_status: { state: 'ok' },
      cluster: ref(cluster),
      port: 54321,
      type: 'rhel',
      storage_manager: { $value: index === 0, priority: 5 },
      spm: { priority: 5, status: { state: index === 0 ? 'spm' : 'none' } },
      version: { major: 4, minor: 17, build: 33, revision: 1, full_version: 'vdsm-4.17.33-1.el7ev' },
      hardware_information: {
        manufacturer: 'Dell Inc.',
        version: '01',
        serial_number: `SN${index.toString().padStart(6, '0')}`,
        product_name: 'PowerEdge R630',
        uuid: uuidOf(`hw:${name}`).toUpperCase(),
        family: 'Server',
      },
      power_management: {
        type: 'ipmilan',
        enabled: true,
        address: `${name}-ipmi.example.com`,
        username: 'root',
        options: {},
        automatic_pm_enabled: true,
        kdump_detection: true,
      },
      ksm: { enabled: true },
      transparent_hugepages: { enabled: true },
      iscsi: { initiator: `iqn.1994-05.com.redhat:${name}` },
      ssh: { port: 22, fingerprint: `SHA256:${uuidOf(`ssh:${name}`).replace(/-/g, '')}`, authentication_method: 'password' },
      cpu: { topology: { sockets: 2, cores: cores / 2, threads: 2 }, name: 'Intel(R) Xeon(R) CPU E5-2640 v3 @ 2.60GHz', speed: 2600 },
      memory,
      max_scheduling_memory: memory - 4 * GiB,
      summary: { active: 0, migrating: 0, total: 0 },
      protocol: 'stomp',
      os: { type: 'RHEL', version: { major: 7, minor: 2, full_version: '7.2 - 9.el7' } },
      libvirt_version: { major: 1, minor: 2, build: 17, revision: 0, full_version: 'libvirt-1.2.17-13.el7' },
      hosted_engine: { configured: false },
      kdump_status: 'disabled',
      auto_numa_status: 'disable',
      numa_supported: true,
      live_snapshot_support: true,
      update_available: false,
      _computed: { statistics: hostStatistics },
      ...fields,
    });
    this.store.table('hosts').set(h.id, h);
    const nicSpec = specAt('hosts/{id}/nics');
    const mgmt = [...this.store.table('networks').values()].find((n) => n.name === 'ovirtmgmt' && n._clusters.has(cluster.id));
    ['eth0', 'eth1'].forEach((nicName, i) => {
      const nic = decorate(
        nicSpec,
        {
          id: this.id(),
          name: nicName,
          host: ref(h),
          network: i === 0 && mgmt ? ref(mgmt) : undefined,
          mac: { address: this.mac() },
          ip:
            i === 0
              ? { address: `10.10.${Math.floor(index / 250)}.${(index % 250) + 2}`, netmask: '255.255.0.0', gateway: '10.10.0.1' }
              : { address: '', netmask: '' },
          boot_protocol: i === 0 ? 'static' : 'none',
          speed: 10000 * MiB,
          status: { state: 'up' },
          mtu: 1500,
          bridged: i === 0,
          _computed: { statistics: nicStatistics },
        },
        h.href,
      );
      Store.sub(h, 'nics').set(nic.id, nic);
    });
    // The block storage the host can reach: a few iSCSI LUNs on the shared array.
    const storageSpec = specAt('hosts/{id}/storage');
    for (let lun = 0; lun < 2; lun++) {
      const lunId = `3600a0b80005ad1d7000000${lun}`;
      const st = decorate(
        storageSpec,
        {
          id: uuidOf(`lun:${lunId}`),
          type: 'iscsi',
          logical_unit: [
            {
              id: lunId,
              port: 3260,
              target: 'iqn.2016-06.com.example:storage1',
              address: 'iscsi.example.com',
              serial: `SEXAMPLE_${lunId}`,
              vendor_id: 'EXAMPLE',
              product_id: 'VirtualDisk',
              lun_mapping: lun,
              size: 500 * GiB,
              paths: 1,
              status: 'used',
            },
          ],
          host: ref(h),
        },
        h.href,
      );
      Store.sub(h, 'storage').set(st.id, st);
    }
    return h;
  }

  storageDomain(name: string, type: 'data' | 'iso' | 'export', dc: Rec | undefined, master: boolean, fields: Partial<Rec> = {}): Rec {
    const total = (type === 'data' ? 2048 : 512) * GiB;
    const used = Math.floor(total * (0.2 + this.random() * 0.4));
    const sd = decorate(specAt('storagedomains'), {
      id: this.id(),
      name,
      description: fields.description ?? `${type} domain ${name}`,
      type,
      master,
      external_status: { state: 'ok' },
      storage: { type: 'nfs', address: 'nfs.example.com', path: `/exports/${name}` },
      available: total - used,
      used,
      committed: Math.floor(used * 1.3),
      storage_format: type === 'data' ? 'v3' : 'v1',
      wipe_after_delete: false,
      warning_low_space_indicator: 10,
      critical_space_action_blocker: 5,
      _dc: dc?.id,
      _dcState: dc ? 'active' : undefined,
      ...fields,
    });
    sd.status = dc ? undefined : { state: 'unattached' };
    if (dc) sd.data_centers = { data_center: [ref(dc)] };
    this.store.table('storagedomains').set(sd.id, sd);
    if (type === 'iso') {
      const fileSpec = specAt('storagedomains/{id}/files');
      for (const iso of [
        'rhel-server-6.8-x86_64-dvd.iso',
        'rhel-server-7.2-x86_64-dvd.iso',
        'virtio-win-1.8.0.iso',
        'virtio-win-1.8.0.vfd',
      ]) {
        const f = decorate(
          fileSpec,
          { id: iso, name: iso, content: '', type: iso.endsWith('.vfd') ? 'vfd' : 'iso', storage_domain: ref(sd) },
          sd.href,
        );
        Store.sub(sd, 'files').set(f.id, f);
      }
    }
    return sd;
  }

  template(name: string, cluster: Rec | undefined, fields: Partial<Rec> = {}, id = this.id()): Rec {
    const t = decorate(specAt('templates'), {
      id,
      name,
      description: fields.description ?? (id === BLANK_ID ? 'Blank template' : `Template ${name}`),
      type: 'server',
      status: { state: 'ok' },
      memory: 2 * GiB,
      cpu: { topology: { sockets: 1, cores: 2, threads: 1 }, architecture: 'x86_64' },
      cpu_shares: 0,
      bios: { boot_menu: { enabled: false } },
      os: { type: id === BLANK_ID ? 'other' : 'rhel_7x64', boot: [{ dev: 'hd' }] },
      cluster: cluster ? ref(cluster) : undefined,
      creation_time: this.time(0),
      origin: 'rhev',
      stateless: false,
      delete_protected: false,
      high_availability: { enabled: false, priority: 0 },
      display: {
        type: 'spice',
        monitors: 1,
        single_qxl_pci: false,
        allow_override: false,
        smartcard_enabled: false,
        file_transfer_enabled: true,
        copy_paste_enabled: true,
      },
      usb: { enabled: false },
      soundcard_enabled: false,
      migration_downtime: -1,
      start_paused: false,
      memory_policy: { guaranteed: 2 * GiB, ballooning: true },
      version: { version_number: 1, version_name: 'base' },
      ...fields,
    });
    (t.version as Record<string, unknown>).base_template = { id: t.id, href: t.href };
    this.store.table('templates').set(t.id, t);
    return t;
  }

  /** The devices a template made by hand would have: one bootable disk, one NIC, a CD-ROM. */
  templateDevices(t: Rec, domain?: Rec, network?: Rec): void {
    const size = 20 * GiB;
    const disk = decorate(
      specAt('templates/{id}/disks'),
      {
        id: this.id(),
        name: `${t.name}_Disk1`,
        alias: `${t.name}_Disk1`,
        image_id: this.id(),
        template: ref(t),
        storage_domains: domain ? { storage_domain: [ref(domain)] } : undefined,
        size,
        type: 'system',
        provisioned_size: size,
        actual_size: Math.floor(size * 0.3),
        status: { state: 'ok' },
        interface: 'virtio',
        format: 'cow',
        sparse: true,
        bootable: true,
        shareable: false,
        wipe_after_delete: false,
        propagate_errors: false,
        read_only: false,
        storage_type: 'image',
      },
      t.href,
    );
    Store.sub(t, 'disks').set(disk.id, disk);
    const nic = decorate(
      specAt('templates/{id}/nics'),
      {
        id: this.id(),
        name: 'nic1',
        template: ref(t),
        network: network ? ref(network) : undefined,
        linked: true,
        interface: 'virtio',
        plugged: true,
      },
      t.href,
    );
    Store.sub(t, 'nics').set(nic.id, nic);
    const cdrom = decorate(specAt('templates/{id}/cdroms'), { id: BLANK_ID, template: ref(t) }, t.href);
    Store.sub(t, 'cdroms').set(cdrom.id, cdrom);
  }

  /** A VM with its devices; `withDisks` false gives a diskless VM (made from Blank). */
  vm(
    name: string,
    cluster: Rec,
    template: Rec,
    fields: Partial<Rec> = {},
    options: { disks?: number; nics?: number; domain?: Rec; network?: Rec } = {},
  ): Rec {
    const memory = fields.memory ?? this.pick([1, 2, 4, 8, 16]) * GiB;
    const created = this.time(Math.floor(this.random() * 200 * 86400_000));
    const vm = decorate(specAt('vms'), {
      id: this.id(),
      name,
      description: '',
      comment: '',
      type: 'server',
      status: { state: 'down' },
      memory,
      cpu: { topology: { sockets: 1, cores: this.pick([1, 2, 4]), threads: 1 }, architecture: 'x86_64' },
      cpu_shares: 0,
      bios: { boot_menu: { enabled: false } },
      os: { type: this.pick(['rhel_6x64', 'rhel_7x64', 'windows_2012x64']), boot: [{ dev: 'hd' }], kernel: '', initrd: '', cmdline: '' },
      cluster: ref(cluster),
      creation_time: created,
      origin: 'rhev',
      stateless: false,
      delete_protected: false,
      high_availability: { enabled: false, priority: 0 },
      display: {
        type: 'spice',
        monitors: 1,
        single_qxl_pci: false,
        allow_override: false,
        smartcard_enabled: false,
        keyboard_layout: 'en-us',
        file_transfer_enabled: true,
        copy_paste_enabled: true,
      },
      usb: { enabled: false },
      soundcard_enabled: false,
      migration_downtime: -1,
      start_paused: false,
      memory_policy: { guaranteed: memory, ballooning: true },
      template: ref(template),
      stop_time: created,
      run_once: false,
      placement_policy: { affinity: 'migratable' },
      use_latest_template_version: false,
      next_run_configuration_exists: false,
      numa_tune_mode: 'interleave',
      _tags: new Set<string>(),
      _computed: { statistics: vmStatistics },
      ...fields,
    });
    this.store.table('vms').set(vm.id, vm);
    const disks = Store.sub(vm, 'disks');
    const diskSpec = specAt('vms/{id}/disks');
    for (let i = 0; i < (options.disks ?? 1); i++) {
      const size = (i === 0 ? this.pick([20, 40, 50]) : this.pick([100, 200])) * GiB;
      const disk = decorate(
        diskSpec,
        {
          id: this.id(),
          name: `${name}_Disk${i + 1}`,
          alias: `${name}_Disk${i + 1}`,
          image_id: this.id(),
          vm: ref(vm),
          storage_domains: options.domain ? { storage_domain: [ref(options.domain)] } : undefined,
          size,
          type: 'system',
          provisioned_size: size,
          actual_size: Math.floor(size * (0.1 + this.random() * 0.5)),
          status: { state: 'ok' },
          interface: 'virtio',
          format: 'cow',
          sparse: true,
          bootable: i === 0,
          shareable: false,
          wipe_after_delete: false,
          propagate_errors: false,
          active: true,
          read_only: false,
          storage_type: 'image',
          _computed: { statistics: diskStatistics },
        },
        vm.href,
      );
      disks.set(disk.id, disk);
    }
    const nicSpec = specAt('vms/{id}/nics');
    for (let i = 0; i < (options.nics ?? 1); i++) {
      const nic = decorate(
        nicSpec,
        {
          id: this.id(),
          name: `nic${i + 1}`,
          vm: ref(vm),
          network: options.network ? ref(options.network) : undefined,
          linked: true,
          interface: 'virtio',
          mac: { address: this.mac() },
          active: true,
          plugged: true,
          _computed: { statistics: nicStatistics },
        },
        vm.href,
      );
      Store.sub(vm, 'nics').set(nic.id, nic);
    }
    const cdrom = decorate(specAt('vms/{id}/cdroms'), { id: BLANK_ID, vm: ref(vm) }, vm.href);
    Store.sub(vm, 'cdroms').set(cdrom.id, cdrom);
    const active = decorate(
      specAt('vms/{id}/snapshots'),
      {
        id: this.id(),
        description: 'Active VM',
        type: 'active',
        vm: ref(vm),
        date: created,
        snapshot_status: 'ok',
        persist_memorystate: false,
      },
      vm.href,
    );
    Store.sub(vm, 'snapshots').set(active.id, active);
    return vm;
  }

  role(name: string, administrative: boolean, permits: string[], description: string): Rec {
    const r = decorate(specAt('roles'), { id: uuidOf(`role:${name}`), name, description, mutable: false, administrative });
    this.store.table('roles').set(r.id, r);
    const permitSpec = specAt('roles/{id}/permits');
    permits.forEach((p) => {
      const permit = decorate(
        permitSpec,
        { id: String(PERMITS.indexOf(p) + 1), name: p, administrative: ADMIN_PERMITS.has(p), role: ref(r) },
        r.href,
      );
      Store.sub(r, 'permits').set(permit.id, permit);
    });
    return r;
  }

  user(userName: string, first: string, last: string, fields: Partial<Rec> = {}): Rec {
    const u = decorate(specAt('users'), {
      id: uuidOf(`user:${userName}`),
      name: first,
      domain: { id: uuidOf('domain:internal'), name: 'internal' },
      domain_entry_id: uuidOf(`entry:${userName}`),
      department: '',
      logged_in: false,
      namespace: '*',
      last_name: last,
      user_name: userName,
      principal: userName.split('@')[0],
      email: `${userName.split('@')[0]}@example.com`,
      _tags: new Set<string>(),
      ...fields,
    });
    this.store.table('users').set(u.id, u);
    return u;
  }

  permission(role: Rec, user: Rec, target: { field: string; rec?: Rec }): Rec {
    // The engine gives a permission one href, under the object it is on
    // (system-wide ones under their user).
    const id = this.id();
    const p: Rec = {
      id,
      href: `${(target.rec ?? user).href}/permissions/${id}`,
      role: ref(role),
      user: ref(user),
      [target.field]: target.rec ? ref(target.rec) : undefined,
      _system: !target.rec,
    };
    this.store.table('permissions').set(p.id, p);
    return p;
  }

  tag(name: string, parent?: Rec, id = this.id()): Rec {
    const t = decorate(specAt('tags'), {
      id,
      name,
      description: name === 'root' ? 'root' : `Tag ${name}`,
      parent: parent ? { tag: ref(parent) } : undefined,
    });
    this.store.table('tags').set(t.id, t);
    return t;
  }
}

export const PERMITS = [
  'create_vm',
  'delete_vm',
  'edit_vm_properties',
  'vm_basic_operations',
  'change_vm_cd',
  'migrate_vm',
  'connect_to_vm',
  'import_export_vm',
  'configure_vm_network',
  'configure_vm_storage',
  'move_vm',
  'manipulate_vm_snapshots',
  'create_host',
  'edit_host_configuration',
  'delete_host',
  'manipulate_host',
  'configure_host_network',
  'create_template',
  'edit_template_properties',
  'delete_template',
  'copy_template',
  'configure_template_network',
  'create_vm_pool',
  'edit_vm_pool_configuration',
  'delete_vm_pool',
  'vm_pool_basic_operations',
  'create_cluster',
  'edit_cluster_configuration',
  'delete_cluster',
  'configure_cluster_network',
  'manipulate_users',
  'manipulate_roles',
  'manipulate_permissions',
  'create_storage_domain',
  'edit_storage_domain_configuration',
  'delete_storage_domain',
  'manipulate_storage_domain',
  'create_storage_pool',
  'delete_storage_pool',
  'edit_storage_pool_configuration',
  'configure_storage_pool_network',
  'configure_engine',
  'login',
];
const ADMIN_PERMITS = new Set(
  PERMITS.filter((p) => /host|cluster|storage|roles|users|permissions|engine|pool_network|storage_pool/.test(p)),
);

/** Builds the whole inventory for the given sizes. */
export function buildInventory(size: InventorySize): Inventory {
  const inv = new Inventory(size.seed);
  const s = inv.store;
  const rootTag = inv.tag('root', undefined, BLANK_ID);
  const tags = ['production', 'staging', 'web', 'db'].map((n) => inv.tag(n, rootTag));

  inv.role('SuperUser', true, PERMITS, 'Roles management administrator');
  inv.role('UserRole', false, ['vm_basic_operations', 'connect_to_vm', 'change_vm_cd', 'login'], 'Standard role');
  inv.role(
    'UserVmManager',
    false,
    [
      'vm_basic_operations',
      'connect_to_vm',
      'change_vm_cd',
      'edit_vm_properties',
      'delete_vm',
      'manipulate_vm_snapshots',
      'configure_vm_network',
      'configure_vm_storage',
      'login',
    ],
    'User role, with permission for any operation on Vms',
  );
  inv.role(
    'ClusterAdmin',
    true,
    PERMITS.filter((p) => /vm|host|cluster|template|login/.test(p)),
    'Administrator Role, permission for all the objects underneath a specific Cluster',
  );

  const admin = inv.user('admin@internal', 'admin', '');
  const user = inv.user('user@internal', 'user', 'Example');
  inv.permission(s.get('roles', ADMIN_ROLE_ID)!, admin, { field: 'system' });

  const dcs = Array.from({ length: Math.max(1, size.datacenters) }, (_, i) => inv.dataCenter(i === 0 ? 'Default' : `dc${i + 1}`));
  const clusters = Array.from({ length: Math.max(1, size.clusters) }, (_, i) =>
    inv.cluster(i === 0 ? 'Default' : `cluster${i + 1}`, dcs[i % dcs.length]),
  );
  const vmNetworks = new Map<string, Rec>();
  const dataDomains = new Map<string, Rec>();
  dcs.forEach((dc, i) => {
    const dcClusters = clusters.filter((c) => c.data_center.id === dc.id);
    inv.network('ovirtmgmt', dc, dcClusters, { display: true });
    vmNetworks.set(dc.id, inv.network(`vmnet${i + 1}`, dc, dcClusters, { vlan: { id: 100 + i } }));
    dataDomains.set(dc.id, inv.storageDomain(`data${i + 1}`, 'data', dc, true));
    inv.storageDomain(`data${i + 1}b`, 'data', dc, false);
  });
  inv.storageDomain('iso', 'iso', dcs[0], false);
  inv.storageDomain('export', 'export', dcs[0], false);

  const hosts: Rec[] = [];
  for (let i = 0; i < Math.max(1, size.hosts); i++) {
    const c = clusters[i % clusters.length];
    hosts.push(inv.host(`host${String(i + 1).padStart(2, '0')}`, c, hosts.filter((h) => h.cluster.id === c.id).length));
  }
  const hostsByCluster = new Map<string, Rec[]>();
  for (const h of hosts) hostsByCluster.set(h.cluster.id, [...(hostsByCluster.get(h.cluster.id) ?? []), h]);

  const blank = inv.template('Blank', undefined, {}, BLANK_ID);
  const templates = [blank];
  for (let i = 0; i < size.templates; i++) {
    const c = clusters[i % clusters.length];
    const t = inv.template(`tmpl-${['rhel7', 'rhel6', 'win2012', 'centos7'][i % 4]}${i >= 4 ? `-${i}` : ''}`, c);
    inv.templateDevices(t, dataDomains.get(c.data_center.id), vmNetworks.get(c.data_center.id));
    templates.push(t);
  }

  const prefixes = ['web', 'db', 'app', 'cache', 'build', 'mail'];
  const vms: Rec[] = [];
  for (let i = 0; i < size.vms; i++) {
    const c = clusters[i % clusters.length];
    const dcId = c.data_center.id;
    const tmpl = inv.random() < 0.2 ? blank : inv.pick(templates);
    const vm = inv.vm(
      `${prefixes[i % prefixes.length]}-${String(i + 1).padStart(5, '0')}`,
      c,
      tmpl,
      {},
      {
        disks: inv.random() < 0.3 ? 2 : 1,
        nics: inv.random() < 0.2 ? 2 : 1,
        domain: dataDomains.get(dcId),
        network: vmNetworks.get(dcId),
      },
    );
    const clusterHosts = hostsByCluster.get(c.id) ?? [];
    if (clusterHosts.length && inv.random() < 0.6) {
      const h = clusterHosts[i % clusterHosts.length];
      vm.status = { state: 'up' };
      vm.host = ref(h);
      vm.start_time = inv.time(250 * 86400_000 - Math.floor(inv.random() * 30 * 86400_000));
      vm.display.address = h.address;
      vm.display.port = inv.displayPort();
      vm.display.secure_port = vm.display.port + 1;
      vm.guest_info = { ips: { ip: [{ address: `192.168.${(i >> 8) & 255}.${i & 255}`, version: 'v4' }] }, fqdn: `${vm.name}.example.com` };
    }
    if (i % 10 === 0) vm._tags.add(tags[(i / 10) % tags.length].id);
    vms.push(vm);
  }
  refreshHostSummaries(s);

  // user@internal manages a few VMs of the first cluster.
  const vmManager = s.get('roles', USER_VM_MANAGER_ROLE_ID)!;
  vms
    .filter((v) => v.cluster.id === clusters[0].id)
    .slice(0, 3)
    .forEach((v) => {
      inv.permission(vmManager, user, { field: 'vm', rec: v });
    });
  // Everyone may use the Blank template.
  inv.permission(s.get('roles', USER_ROLE_ID)!, user, { field: 'template', rec: blank });

  if (size.vms >= 2 && templates.length > 1) {
    const poolSpec = specAt('vmpools');
    const t = templates[1];
    const pool = decorate(poolSpec, {
      id: inv.id(),
      name: 'desktops',
      description: 'Pooled desktops',
      size: 0,
      cluster: t.cluster,
      template: ref(t),
      prestarted_vms: 0,
      max_user_vms: 1,
      soundcard_enabled: false,
      type: 'automatic',
      use_latest_template_version: false,
    });
    s.table('vmpools').set(pool.id, pool);
    const c = s.get('clusters', t.cluster.id)!;
    for (let i = 0; i < 2; i++) {
      const v = inv.vm(`desktops-${i + 1}`, c, t, { type: 'desktop', vmpool: ref(pool) }, { domain: dataDomains.get(c.data_center.id) });
      pool.size++;
      v.stateless = true;
    }
  }
  seedDefaults(inv);
  seedLivedIn(inv);
  return inv;
}

/** Recomputes each host's VM counts (after generation and after state changes). */
export function refreshHostSummaries(s: Store): void {
  const counts = new Map<string, { active: number; migrating: number }>();
  for (const v of s.table('vms').values()) {
    if (!v.host) continue;
    const c = counts.get(v.host.id) ?? { active: 0, migrating: 0 };
    c.active++;
    if (v.status.state === 'migrating') c.migrating++;
    counts.set(v.host.id, c);
  }
  for (const h of s.table('hosts').values()) {
    const c = counts.get(h.id) ?? { active: 0, migrating: 0 };
    h.summary = { active: c.active, migrating: c.migrating, total: c.active };
  }
}

// Statistics move over time: a smooth function of the clock and the object,
// so two reads a few seconds apart differ, and every run sees the same curve.
function wave(id: string, name: string, periodS: number): number {
  const phase = parseInt(uuidOf(id + name).slice(0, 6), 16) / 0xffffff;
  return 0.5 + 0.5 * Math.sin((Date.now() / 1000 / periodS + phase) * 2 * Math.PI);
}

export function stat(
  owner: Rec,
  ownerField: string,
  name: string,
  description: string,
  unit: string,
  type: 'GAUGE' | 'COUNTER',
  value: number,
  valueType: 'INTEGER' | 'DECIMAL' = 'INTEGER',
): Rec {
  const id = uuidOf(`${owner.id}:${name}`);
  return {
    id,
    href: `${owner.href}/statistics/${id}`,
    name,
    description,
    values: { type: valueType, value: [{ datum: valueType === 'INTEGER' ? Math.round(value) : Math.round(value * 100) / 100 }] },
    type,
    unit,
    [ownerField]: { id: owner.id, href: owner.href },
  };
}

function vmStatistics(vm: Rec): Rec[] {
  const running = vm.status.state === 'up' || vm.status.state === 'migrating';
  const mem = Number(vm.memory);
  const used = running ? (0.2 + 0.6 * wave(vm.id, 'mem', 300)) * mem : 0;
  const cpu = running ? 100 * wave(vm.id, 'cpu', 60) : 0;
  return [
    stat(vm, 'vm', 'memory.installed', 'Total memory configured', 'BYTES', 'GAUGE', mem),
    stat(vm, 'vm', 'memory.used', 'Memory used (agent)', 'BYTES', 'GAUGE', used),
    stat(vm, 'vm', 'cpu.current.guest', 'CPU used by guest', 'PERCENT', 'GAUGE', cpu * 0.9, 'DECIMAL'),
    stat(vm, 'vm', 'cpu.current.hypervisor', 'CPU overhead', 'PERCENT', 'GAUGE', cpu * 0.1, 'DECIMAL'),
    stat(vm, 'vm', 'cpu.current.total', 'Total CPU used', 'PERCENT', 'GAUGE', cpu, 'DECIMAL'),
  ];
}

function hostStatistics(h: Rec): Rec[] {
  const mem = Number(h.memory);
  const used = (0.3 + 0.5 * wave(h.id, 'mem', 600)) * mem;
  const cpu = h.status.state === 'up' ? 100 * wave(h.id, 'cpu', 120) : 0;
  return [
    stat(h, 'host', 'memory.total', 'Total memory', 'BYTES', 'GAUGE', mem),
    stat(h, 'host', 'memory.used', 'Used memory', 'BYTES', 'GAUGE', used),
    stat(h, 'host', 'memory.free', 'Free memory', 'BYTES', 'GAUGE', mem - used),
    stat(h, 'host', 'cpu.current.user', 'User CPU usage', 'PERCENT', 'GAUGE', cpu * 0.7, 'DECIMAL'),
    stat(h, 'host', 'cpu.current.system', 'System CPU usage', 'PERCENT', 'GAUGE', cpu * 0.3, 'DECIMAL'),
    stat(h, 'host', 'cpu.current.idle', 'Idle CPU usage', 'PERCENT', 'GAUGE', 100 - cpu, 'DECIMAL'),
    stat(h, 'host', 'cpu.load.avg.5m', 'CPU 5 minute load average', 'PERCENT', 'GAUGE', cpu / 25, 'DECIMAL'),
  ];
}

function nicStatistics(nic: Rec): Rec[] {
  const field = nic.host ? 'host_nic' : 'nic';
  const rate = 1e6 * wave(nic.id, 'rx', 90);
  return [
    stat(nic, field, 'data.current.rx', 'Receive data rate', 'BYTES_PER_SECOND', 'GAUGE', rate),
    stat(nic, field, 'data.current.tx', 'Transmit data rate', 'BYTES_PER_SECOND', 'GAUGE', rate * 0.6),
    stat(nic, field, 'errors.total.rx', 'Total receive errors', 'NONE', 'COUNTER', 0),
    stat(nic, field, 'errors.total.tx', 'Total transmit errors', 'NONE', 'COUNTER', 0),
  ];
}

function diskStatistics(d: Rec): Rec[] {
  const rate = 5e6 * wave(d.id, 'rw', 45);
  return [
    stat(d, 'disk', 'data.current.read', 'Read data rate', 'BYTES_PER_SECOND', 'GAUGE', rate),
    stat(d, 'disk', 'data.current.write', 'Write data rate', 'BYTES_PER_SECOND', 'GAUGE', rate * 0.4),
  ];
}
