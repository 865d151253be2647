/**
 * Storage domains, disks and what a domain holds: every disk seen at the top
 * level, a domain as seen from the data center it is attached to (with its
 * status there and the attach actions), attaching and detaching it, and the
 * disks, snapshots, profiles and connections that live on a domain.
 */
import { refuse } from '../faults.ts';
import { reported, type Source, view } from '../sources.ts';
import { ref, Store, uuidOf } from '../store.ts';
import type { Behaviour } from './behaviour.ts';
import { addFloatingDisk } from './disks.ts';
import { COMMON_FIELDS } from './lookups.ts';

/** Every disk, seen at the top level (`disks/{id}`), as 3.6 serves them: each VM's, then the floating ones. */
const allDisks: Source = {
  *list(s) {
    for (const vm of s.table('vms').values())
      for (const d of Store.sub(vm, 'disks').values()) yield { ...d, href: `disks/${d.id}`, _base: d };
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
    for (const d of allDisks.list(s, undefined, { rel: 'disks' }))
      if (d.storage_domains?.storage_domain?.[0]?.id === p.id) yield { ...d, href: `${p.href}/disks/${d.id}`, _base: d._base ?? d };
  },
  get(s, id, p) {
    const d = allDisks.get(s, id, undefined, { rel: 'disks' });
    return d && p && d.storage_domains?.storage_domain?.[0]?.id === p.id
      ? { ...d, href: `${p.href}/disks/${id}`, _base: d._base ?? d }
      : undefined;
  },
};

/** The disks of the VMs' regular snapshots that live on the parent domain. */
const diskSnapshots = reported((sd, store) => {
  const out: Record<string, unknown>[] = [];
  for (const vm of store.table('vms').values()) {
    const snaps = [...Store.sub(vm, 'snapshots').values()].filter((x) => x.type === 'regular');
    for (const d of Store.sub(vm, 'disks').values()) {
      if (d.storage_domains?.storage_domain?.[0]?.id !== sd.id) continue;
      for (const snap of snaps)
        out.push({
          id: uuidOf(`${snap.id}/${d.id}`),
          name: d.name,
          alias: d.alias,
          provisioned_size: d.provisioned_size,
          format: d.format,
          status: { state: 'ok' },
          disk: { id: d.id, href: `disks/${d.id}` },
          storage_domains: { storage_domain: [{ id: sd.id, href: sd.href }] },
        });
    }
  }
  return out;
});

/** A storage domain as seen from one data center: its status there and the attach actions. */
const attachedDomains: Behaviour = {
  source: view(
    'storagedomains',
    (r, p) => r._dc === p.id,
    (r, p) => ({
      ...r,
      href: `datacenters/${p.id}/storagedomains/${r.id}`,
      data_center: { id: p.id, href: p.href },
      status: { state: r._dcState },
      _base: r,
    }),
  ),
  /** Attaching: locked, then in maintenance, then active in the data center. */
  add(ctx) {
    const sd = ctx.resolve('storagedomains', ctx.body, 'StorageDomain');
    if (sd._dc)
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'ATTACH_ACTION_TO', 'STORAGE__DOMAIN', {
        status: sd._dcState ?? sd.status?.state,
      });
    sd._dc = ctx.parent!.id;
    sd._dcState = 'locked';
    sd.status = undefined;
    sd.data_centers = { data_center: [ref(ctx.parent!)] };
    ctx.steps(
      () => {
        sd._dcState = 'maintenance';
      },
      () => {
        sd._dcState = 'active';
      },
    );
    return { rec: sd };
  },
  /** Detaching: only from maintenance; the domain is unattached again. */
  remove({ rec }) {
    const base = rec._base ?? rec;
    if (base._dcState === 'active')
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'DETACH_ACTION_TO', 'STORAGE__DOMAIN', { status: base._dcState });
    base._dc = undefined;
    base._dcState = undefined;
    base.data_centers = undefined;
    base.status = { state: 'unattached' };
  },
};

const storagedomains: Behaviour = {
  add(ctx) {
    ctx.checkName('storagedomains', ctx.body.name, 'STORAGE__DOMAIN', 'ADD');
    ctx.resolve('hosts', ctx.body.host, 'Host');
    return {
      rec: ctx.inv.storageDomain(ctx.body.name, ctx.body.type, undefined, false, {
        storage: ctx.body.storage,
        description: ctx.body.description,
      }),
    };
  },
  remove({ rec, store }) {
    if (rec._dc)
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'REMOVE', 'STORAGE__DOMAIN', {
        status: rec._dcState ?? rec.status?.state,
      });
    store.table('storagedomains').delete(rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    type: (r) => r.type,
    datacenter: (r) => (r._dc ? st.get('datacenters', r._dc)?.name : undefined),
    status: (r) => r._dcState ?? r.status?.state,
  }),
  visible: (r, grants) => grants.has(r.id) || grants.has(r._dc),
};

export const STORAGE: Readonly<Record<string, Behaviour>> = {
  storagedomains,
  'datacenters/{id}/storagedomains': attachedDomains,
  disks: {
    source: allDisks,
    // BackendDisksResource: a new disk needs its size and format.
    requiredV4: [['provisionedSize', 'format']],
    add: addFloatingDisk,
    // The engine's disk search reads the VMs a disk is attached to by name, its alias as its name, and sizes in bytes.
    search: (st) => ({
      ...COMMON_FIELDS,
      name: (r) => r.alias ?? r.name,
      alias: (r) => r.alias ?? r.name,
      vm_names: (r) => (r.vm?.id ? [st.get('vms', r.vm.id)?.name] : []),
      number_of_vms: (r) => (r.vm?.id ? 1 : 0),
      provisioned_size: (r) => Number(r.provisioned_size ?? r.size),
      size: (r) => Number(r.provisioned_size ?? r.size),
      actual_size: (r) => Number(r.actual_size),
      allocation_policy: (r) => (r.sparse === false ? 'preallocated' : 'sparse'),
    }),
  },
  'StorageDomain/disks': { source: disksOn },
  'StorageDomain/disksnapshots': { source: diskSnapshots },
  'StorageDomain/diskprofiles': { source: view('diskprofiles', (r, p) => r.storage_domain?.id === p.id) },
  'StorageDomain/storageconnections': {
    source: view('storageconnections', (r, p) => !!p.storage && r.address === p.storage.address && r.path === p.storage.path),
  },
};
