/**
 * The inventory a simulator starts with, for the sizes it is asked for:
 * roles and users, data centers with their clusters, networks and storage,
 * hosts, templates, VMs (about 60% running), a VM pool, then the engine's
 * own defaults and what an engine in use holds (lived-in.ts).
 *
 * Each step below is one kind of thing, in the order an administrator
 * would set an engine up; the same seed gives the same inventory everywhere.
 */
import { seedDefaults } from './defaults.ts';
import { Inventory, type InventorySize } from './inventory.ts';
import { seedLivedIn } from './lived-in.ts';
import { ADMIN_ROLE_ID, PERMITS, USER_ROLE_ID, USER_VM_MANAGER_ROLE_ID } from './roles.ts';
import { decorate, specAt } from './routes.ts';
import { refreshHostSummaries } from './statistics.ts';
import { BLANK_ID, type Rec, ref } from './store.ts';

/** What the steps hand each other. */
interface Site {
  readonly inv: Inventory;
  readonly size: InventorySize;
  readonly tags: Rec[];
  readonly user: Rec;
  clusters: Rec[];
  readonly vmNetworks: Map<string, Rec>;
  readonly dataDomains: Map<string, Rec>;
  readonly hostsByCluster: Map<string, Rec[]>;
  blank?: Rec;
  templates: Rec[];
}

/** Builds the whole inventory for the given sizes. */
export function buildInventory(size: InventorySize): Inventory {
  const inv = new Inventory(size.seed);
  const site: Site = {
    inv,
    size,
    ...seedAccess(inv),
    clusters: [],
    vmNetworks: new Map(),
    dataDomains: new Map(),
    hostsByCluster: new Map(),
    templates: [],
  };
  seedDataCenters(site);
  seedHosts(site);
  seedTemplates(site);
  const vms = seedVms(site);
  refreshHostSummaries(inv.store);
  grantUser(site, vms);
  seedPool(site);
  seedDefaults(inv);
  seedLivedIn(inv);
  return inv;
}

/** Tags, the four built-in roles, admin@internal (a super user) and user@internal. */
function seedAccess(inv: Inventory): { tags: Rec[]; user: Rec } {
  const rootTag = inv.tag('root', undefined, BLANK_ID);
  const tags = ['production', 'staging', 'web', 'db'].map((n) => inv.tag(n, rootTag));
  inv.role('SuperUser', true, PERMITS, 'Roles management administrator');
  inv.role('UserRole', false, ['vm_basic_operations', 'connect_to_vm', 'change_vm_cd', 'login'], 'Standard role');
  const vmManager = ['vm_basic_operations', 'connect_to_vm', 'change_vm_cd', 'edit_vm_properties', 'delete_vm'];
  vmManager.push('manipulate_vm_snapshots', 'configure_vm_network', 'configure_vm_storage', 'login');
  inv.role('UserVmManager', false, vmManager, 'User role, with permission for any operation on Vms');
  inv.role(
    'ClusterAdmin',
    true,
    PERMITS.filter((p) => /vm|host|cluster|template|login/.test(p)),
    'Administrator Role, permission for all the objects underneath a specific Cluster',
  );
  const admin = inv.user('admin@internal', 'admin', '');
  const user = inv.user('user@internal', 'user', 'Example');
  inv.permission(inv.store.get('roles', ADMIN_ROLE_ID)!, admin, { field: 'system' });
  return { tags, user };
}

/** Data centers and clusters; per data center a management and a VM network and two data domains; an ISO and an export domain. */
function seedDataCenters(site: Site): void {
  const { inv, size } = site;
  const dcs = Array.from({ length: Math.max(1, size.datacenters) }, (_, i) => inv.dataCenter(i === 0 ? 'Default' : `dc${i + 1}`));
  site.clusters = Array.from({ length: Math.max(1, size.clusters) }, (_, i) =>
    inv.cluster(i === 0 ? 'Default' : `cluster${i + 1}`, dcs[i % dcs.length]),
  );
  dcs.forEach((dc, i) => {
    const dcClusters = site.clusters.filter((c) => c.data_center.id === dc.id);
    inv.network('ovirtmgmt', dc, dcClusters, { display: true });
    site.vmNetworks.set(dc.id, inv.network(`vmnet${i + 1}`, dc, dcClusters, { vlan: { id: 100 + i } }));
    site.dataDomains.set(dc.id, inv.storageDomain(`data${i + 1}`, 'data', dc, true));
    inv.storageDomain(`data${i + 1}b`, 'data', dc, false);
  });
  inv.storageDomain('iso', 'iso', dcs[0], false);
  inv.storageDomain('export', 'export', dcs[0], false);
}

/** Hosts, spread over the clusters in turn. */
function seedHosts(site: Site): void {
  const { inv, clusters } = site;
  for (let i = 0; i < Math.max(1, site.size.hosts); i++) {
    const c = clusters[i % clusters.length];
    const inCluster = site.hostsByCluster.get(c.id) ?? [];
    inCluster.push(inv.host(`host${String(i + 1).padStart(2, '0')}`, c, inCluster.length));
    site.hostsByCluster.set(c.id, inCluster);
  }
}

/** Blank, and templates with a disk and a NIC, spread over the clusters. */
function seedTemplates(site: Site): void {
  const { inv, clusters } = site;
  site.blank = inv.template('Blank', undefined, {}, BLANK_ID);
  site.templates = [site.blank];
  for (let i = 0; i < site.size.templates; i++) {
    const c = clusters[i % clusters.length];
    const t = inv.template(`tmpl-${['rhel7', 'rhel6', 'win2012', 'centos7'][i % 4]}${i >= 4 ? `-${i}` : ''}`, c);
    inv.templateDevices(t, site.dataDomains.get(c.data_center.id), site.vmNetworks.get(c.data_center.id));
    site.templates.push(t);
  }
}

/** VMs spread over the clusters; about 60% run on a host of their cluster, with a display and a guest IP; every tenth is tagged. */
function seedVms(site: Site): Rec[] {
  const { inv, clusters, templates, tags } = site;
  const prefixes = ['web', 'db', 'app', 'cache', 'build', 'mail'];
  const vms: Rec[] = [];
  for (let i = 0; i < site.size.vms; i++) {
    const c = clusters[i % clusters.length];
    const dcId = c.data_center.id;
    const tmpl = inv.random() < 0.2 ? site.blank! : inv.pick(templates);
    const vm = inv.vm(
      `${prefixes[i % prefixes.length]}-${String(i + 1).padStart(5, '0')}`,
      c,
      tmpl,
      {},
      {
        disks: inv.random() < 0.3 ? 2 : 1,
        nics: inv.random() < 0.2 ? 2 : 1,
        domain: site.dataDomains.get(dcId),
        network: site.vmNetworks.get(dcId),
      },
    );
    const clusterHosts = site.hostsByCluster.get(c.id) ?? [];
    if (clusterHosts.length && inv.random() < 0.6) run(inv, vm, clusterHosts[i % clusterHosts.length], i);
    if (i % 10 === 0) vm._tags.add(tags[(i / 10) % tags.length].id);
    vms.push(vm);
  }
  return vms;
}

/** A generated VM, running on `h` since some time in the last month. */
function run(inv: Inventory, vm: Rec, h: Rec, i: number): void {
  vm.status = { state: 'up' };
  vm.host = ref(h);
  vm.start_time = inv.time(250 * 86400_000 - Math.floor(inv.random() * 30 * 86400_000));
  vm.display.address = h.address;
  vm.display.port = inv.displayPort();
  vm.display.secure_port = vm.display.port + 1;
  vm.guest_info = { ips: { ip: [{ address: `192.168.${(i >> 8) & 255}.${i & 255}`, version: 'v4' }] }, fqdn: `${vm.name}.example.com` };
}

/** user@internal manages a few VMs of the first cluster, and may use the Blank template. */
function grantUser(site: Site, vms: Rec[]): void {
  const { inv, user } = site;
  const vmManager = inv.store.get('roles', USER_VM_MANAGER_ROLE_ID)!;
  for (const v of vms.filter((x) => x.cluster.id === site.clusters[0].id).slice(0, 3)) {
    inv.permission(vmManager, user, { field: 'vm', rec: v });
  }
  inv.permission(inv.store.get('roles', USER_ROLE_ID)!, user, { field: 'template', rec: site.blank });
}

/** An automatic pool of two stateless desktops, made from the first real template. */
function seedPool(site: Site): void {
  const { inv, templates } = site;
  if (site.size.vms < 2 || templates.length < 2) return;
  const s = inv.store;
  const t = templates[1];
  const pool = decorate(specAt('vmpools'), {
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
    const v = inv.vm(`desktops-${i + 1}`, c, t, { type: 'desktop', vmpool: ref(pool) }, { domain: site.dataDomains.get(c.data_center.id) });
    pool.size++;
    v.stateless = true;
  }
}
