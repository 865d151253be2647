/**
 * /api/capabilities: the legal values of the API's enumerations per
 * compatibility version (the values a 3.6 engine lists, lowercase as on the
 * wire). The GraphQL generator can read enums from here on a live engine.
 */
import { uuidOf } from './store.ts';

const V36 = {
  fence_types: { fence_type: ['manual', 'restart', 'start', 'stop', 'status'] },
  storage_types: { storage_type: ['iscsi', 'fcp', 'nfs', 'localfs', 'posixfs', 'glusterfs', 'glance', 'cinder'] },
  storage_domain_types: { storage_domain_type: ['data', 'iso', 'export', 'image', 'volume'] },
  vm_types: { vm_type: ['desktop', 'server'] },
  boot_devices: { boot_device: ['cdrom', 'hd', 'network'] },
  display_types: { display_type: ['vnc', 'spice'] },
  nic_interfaces: { nic_interface: ['e1000', 'virtio', 'rtl8139', 'rtl8139_virtio', 'spapr_vlan', 'pci_passthrough'] },
  os_types: {
    os_type: ['other', 'other_linux', 'rhel_5x64', 'rhel_6x64', 'rhel_7x64', 'windows_2008r2x64', 'windows_2012x64', 'windows_7x64'],
  },
  disk_formats: { disk_format: ['cow', 'raw'] },
  disk_interfaces: { disk_interface: ['ide', 'virtio_scsi', 'virtio', 'spapr_vscsi'] },
  vm_affinities: { affinity: ['migratable', 'user_migratable', 'pinned'] },
  boot_protocols: { boot_protocol: ['dhcp', 'static', 'none'] },
  error_handling: { on_error: ['migrate', 'do_not_migrate', 'migrate_highly_available'] },
  storage_formats: { format: ['v1', 'v2', 'v3'] },
  creation_states: { creation_state: ['pending', 'in_progress', 'complete', 'failed'] },
  power_management_states: { power_management_state: ['on', 'off', 'unknown'] },
  host_states: {
    host_state: [
      'down',
      'error',
      'initializing',
      'installing',
      'install_failed',
      'maintenance',
      'non_operational',
      'non_responsive',
      'pending_approval',
      'preparing_for_maintenance',
      'connecting',
      'reboot',
      'unassigned',
      'up',
      'installing_os',
      'kdumping',
    ],
  },
  network_states: { network_state: ['operational', 'non_operational'] },
  storage_domain_states: {
    storage_domain_state: [
      'active',
      'inactive',
      'locked',
      'mixed',
      'unattached',
      'maintenance',
      'preparing_for_maintenance',
      'detaching',
      'activating',
      'unknown',
    ],
  },
  template_states: { template_state: ['illegal', 'locked', 'ok'] },
  vm_states: {
    vm_state: [
      'unassigned',
      'down',
      'up',
      'powering_up',
      'paused',
      'migrating',
      'unknown',
      'not_responding',
      'wait_for_launch',
      'reboot_in_progress',
      'saving_state',
      'restoring_state',
      'suspended',
      'image_locked',
      'powering_down',
    ],
  },
  disk_states: { disk_state: ['illegal', 'locked', 'ok'] },
  host_nic_states: { host_nic_state: ['down', 'up'] },
  data_center_states: { data_center_state: ['uninitialized', 'up', 'maintenance', 'not_operational', 'problematic', 'contend'] },
  scheduling_policies: { policy: ['none', 'evenly_distributed', 'power_saving', 'vm_evenly_distributed'] },
  usages: { usage: ['display', 'vm', 'migration', 'management', 'gluster'] },
  vm_pool_types: { vm_pool_type: ['automatic', 'manual'] },
  snapshot_statuses: { snapshot_status: ['ok', 'locked', 'in_preview'] },
};

const CPUS = {
  cpu: [
    { id: 'Intel Conroe Family', level: 3 },
    { id: 'Intel Penryn Family', level: 4 },
    { id: 'Intel Nehalem Family', level: 5 },
    { id: 'Intel Westmere Family', level: 6 },
    { id: 'Intel SandyBridge Family', level: 7 },
    { id: 'Intel Haswell-noTSX Family', level: 8 },
    { id: 'AMD Opteron G4', level: 4 },
    { id: 'AMD Opteron G5', level: 5 },
  ].map((c) => ({ ...c, architecture: 'x86_64' })),
};

type Lists = typeof V36;
const values = <K extends keyof Lists>(k: K): readonly string[] => Object.values(V36[k])[0] as readonly string[];

/**
 * Which fields of a request body hold an enumeration, by schema type, with the
 * enumeration's name and legal values (the same lists /api/capabilities shows).
 */
export const ENUM_FIELDS: Record<string, Record<string, readonly [string, readonly string[]]>> = (() => {
  const vmBase = {
    type: ['VmType', values('vm_types')],
    'display.type': ['DisplayType', values('display_types')],
    'os.boot.dev': ['BootDevice', values('boot_devices')],
    'placement_policy.affinity': ['VmAffinity', values('vm_affinities')],
  } as const;
  return {
    VM: vmBase,
    Template: vmBase,
    Disk: { interface: ['DiskInterface', values('disk_interfaces')], format: ['DiskFormat', values('disk_formats')] },
    NIC: { interface: ['NicInterface', values('nic_interfaces')] },
    StorageDomain: {
      type: ['StorageDomainType', values('storage_domain_types')],
      'storage.type': ['StorageType', values('storage_types')],
    },
    VmPool: { type: ['VmPoolType', values('vm_pool_types')] },
    Cluster: { 'error_handling.on_error': ['MigrateOnError', values('error_handling')] },
  };
})();

export function capabilitiesDocument(): any {
  const version = (minor: number, current: boolean) => {
    const id = uuidOf(`capabilities:3.${minor}`);
    return {
      id,
      href: `capabilities/${id}`,
      major: 3,
      minor,
      current,
      cpus: CPUS,
      power_managers: { power_management: [{ type: 'ipmilan' }, { type: 'ilo' }, { type: 'drac7' }] },
      ...V36,
    };
  };
  return { version: [version(5, false), version(6, true)] };
}
