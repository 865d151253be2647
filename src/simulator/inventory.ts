/**
 * The factories of the simulator's objects, drawing ids, MACs and ports from
 * one seeded source: the same seed gives the same ids, names and states on
 * every machine, so tests and benchmarks can name what they expect. Shapes
 * and values follow what RHEV 3.6 engines return.
 *
 * seed.ts builds the starting inventory with them, and the simulator's
 * create operations use them too, so a VM added over the API looks exactly
 * like a generated one.
 */

import { ADMIN_PERMITS, PERMITS } from './roles.ts';
import { decorate, specAt } from './routes.ts';
import { diskStatistics, hostStatistics, nicStatistics, vmStatistics } from './statistics.ts';
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

  /** A reference to the built-in `none` scheduling policy, when the built-in policies exist. */
  defaultPolicy(): Rec | undefined {
    for (const p of this.store.table('schedulingpolicies').values()) if (p.name === 'none') return ref(p);
    return undefined;
  }

  cluster(name: string, dc: Rec, fields: Partial<Rec> = {}): Rec {
    const c = decorate(specAt('clusters'), {
      id: this.id(),
      name,
      description: fields.description ?? `Cluster ${name}`,
      cpu: { id: 'Intel SandyBridge Family', architecture: 'x86_64' },
      data_center: ref(dc),
      memory_policy: { overcommit: { percent: 100 }, transparent_hugepages: { enabled: true } },
      // The engine's default policy by reference (its id once the built-in policies exist; seedPolicies fills it in for the seed).
      scheduling_policy: { ...this.defaultPolicy(), policy: 'none', name: 'none' },
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
    this.hostNics(h, cluster, index);
    this.hostLuns(h);
    return h;
  }

  /** Two NICs: eth0 on the cluster's management network with a static address, eth1 unused. */
  private hostNics(h: Rec, cluster: Rec, index: number): void {
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
  }

  /** The block storage the host can reach: a few iSCSI LUNs on the shared array. */
  private hostLuns(h: Rec): void {
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
      ...vmBase(),
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
      ...vmBase(),
      display: { ...vmBase().display, keyboard_layout: 'en-us' },
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
    this.vmDisks(vm, options.disks ?? 1, options.domain);
    this.vmNics(vm, options.nics ?? 1, options.network);
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

  /** A VM's disks: the first bootable and smaller, the others data disks. */
  private vmDisks(vm: Rec, count: number, domain: Rec | undefined): void {
    const name = vm.name;
    const disks = Store.sub(vm, 'disks');
    const diskSpec = specAt('vms/{id}/disks');
    for (let i = 0; i < count; i++) {
      const size = (i === 0 ? this.pick([20, 40, 50]) : this.pick([100, 200])) * GiB;
      const disk = decorate(
        diskSpec,
        {
          id: this.id(),
          name: `${name}_Disk${i + 1}`,
          alias: `${name}_Disk${i + 1}`,
          image_id: this.id(),
          vm: ref(vm),
          storage_domains: domain ? { storage_domain: [ref(domain)] } : undefined,
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
  }

  /** A VM's NICs, each with a MAC of the engine's pool, on `network` when given. */
  private vmNics(vm: Rec, count: number, network: Rec | undefined): void {
    const nicSpec = specAt('vms/{id}/nics');
    for (let i = 0; i < count; i++) {
      const nic = decorate(
        nicSpec,
        {
          id: this.id(),
          name: `nic${i + 1}`,
          vm: ref(vm),
          network: network ? ref(network) : undefined,
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

/** What templates and VMs (both VmBase) are made with alike: made here, unprotected, not highly available, a SPICE display. */
function vmBase() {
  return {
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
  };
}
