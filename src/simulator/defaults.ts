/**
 * What a freshly installed 3.6 engine already holds besides the inventory
 * an administrator made: its authentication domain, the guest operating
 * systems it knows, the default MAC pool, scheduling policies and instance
 * types, and the profiles it makes for every network, cluster and storage
 * domain. Seeded after the inventory, so the inventory's ids do not move.
 */
import type { Inventory } from './inventory.ts';
import { decorate, specAt } from './routes.ts';
import { type Rec, ref, type Table, uuidOf } from './store.ts';

const OPERATING_SYSTEMS: readonly [string, string][] = [
  ['other', 'Other OS'],
  ['other_linux', 'Linux'],
  ['rhel_6x64', 'Red Hat Enterprise Linux 6.x x64'],
  ['rhel_7x64', 'Red Hat Enterprise Linux 7.x x64'],
  ['windows_2008R2x64', 'Windows 2008 R2 x64'],
  ['windows_2012x64', 'Windows 2012 x64'],
  ['windows_2012R2x64', 'Windows 2012R2 x64'],
  ['windows_7x64', 'Windows 7 x64'],
];

const INSTANCE_TYPES: readonly [string, number, number][] = [
  ['Tiny', 512, 1],
  ['Small', 2048, 1],
  ['Medium', 4096, 2],
  ['Large', 8192, 2],
  ['XLarge', 16384, 4],
];

const SCHEDULING_POLICIES = ['none', 'evenly_distributed', 'power_saving', 'vm_evenly_distributed'];
const POLICY_UNITS: readonly [string, string][] = [
  ['PinToHost', 'filter'],
  ['CPU', 'filter'],
  ['Memory', 'filter'],
  ['Network', 'filter'],
  ['HA', 'weight'],
  ['OptimalForEvenDistribution', 'weight'],
];

export function seedDefaults(inv: Inventory): void {
  const s = inv.store;
  const put = (table: Table, fields: Record<string, unknown>): Rec => {
    const rec = decorate(specAt(table), { id: inv.id(), ...fields });
    s.table(table).set(rec.id, rec);
    return rec;
  };
  put('domains', { id: uuidOf('domain:internal'), name: 'internal' });
  for (const [name, description] of OPERATING_SYSTEMS) put('operatingsystems', { name, description });
  put('macpools', {
    name: 'Default',
    description: 'Default MAC pool',
    allow_duplicates: false,
    default_pool: true,
    ranges: { range: [{ from: '00:1a:4a:16:01:51', to: '00:1a:4a:16:01:e6' }] },
  });
  for (const name of SCHEDULING_POLICIES) put('schedulingpolicies', { name, locked: true, default_policy: name === 'none' });
  for (const [name, type] of POLICY_UNITS) put('schedulingpolicyunits', { name, type, internal: true, enabled: true });
  for (const [name, mib, cores] of INSTANCE_TYPES) {
    put('instancetypes', {
      name,
      description: `${name} instance type`,
      memory: mib * 1024 * 1024,
      cpu: { topology: { sockets: 1, cores, threads: 1 } },
    });
  }
  for (let i = 0; i < 2; i++) put('icons', { media_type: 'image/png', data: '' });
  for (const n of s.table('networks').values()) put('vnicprofiles', { name: n.name, network: ref(n), port_mirroring: false });
  for (const c of s.table('clusters').values()) put('cpuprofiles', { name: c.name, cluster: ref(c) });
  for (const sd of s.table('storagedomains').values()) {
    if (sd.type === 'data') put('diskprofiles', { name: sd.name, storage_domain: ref(sd) });
    if (sd.storage?.address || sd.storage?.path)
      put('storageconnections', { address: sd.storage.address, path: sd.storage.path, type: sd.storage.type });
  }
}
