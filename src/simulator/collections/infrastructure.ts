/**
 * Data centers, clusters, hosts and networks: what an add makes (a host is
 * installed, then comes up), what a removal refuses, the search fields, what
 * a filtered user sees, and what a host reports of itself (hooks, NUMA
 * nodes, network attachments).
 */
import { capabilitiesDocument } from '../capabilities.ts';
import { refuse } from '../faults.ts';
import { reported, view } from '../sources.ts';
import { stat } from '../statistics.ts';
import { type Rec, ref, Store } from '../store.ts';
import type { Behaviour } from './behaviour.ts';
import { COMMON_FIELDS, clusterDc, dropPermissions, inCluster, nameOf, pick, tagNames, vmsOn } from './lookups.ts';

/** The networks attached to a host's interfaces, as network attachments. */
const attachments = (nicsOf: (parent: Rec) => Rec[]) =>
  reported((parent) =>
    nicsOf(parent)
      .filter((n) => n.network)
      .map((n) => ({
        id: undefined,
        name: `${n.name}-${n.network.id}`,
        network: n.network,
        host_nic: { id: n.id, href: n.href },
        in_sync: true,
      })),
  );

const datacenters: Behaviour = {
  add(ctx) {
    ctx.checkName('datacenters', ctx.body.name, 'STORAGE__POOL', 'ADD');
    const macPool = ctx.body.mac_pool ? ref(ctx.resolve('macpools', ctx.body.mac_pool, 'MacPool')) : undefined;
    return {
      rec: ctx.inv.dataCenter(ctx.body.name, {
        ...pick(ctx.body, ['description', 'comment', 'storage_type', 'local', 'storage_format', 'version', 'quota_mode']),
        mac_pool: macPool,
        status: { state: 'uninitialized' },
      }),
    };
  },
  /** A data center goes only when none of its hosts is active. */
  remove({ rec, store }) {
    const clusters = new Set([...store.table('clusters').values()].filter((c) => c.data_center?.id === rec.id).map((c) => c.id));
    if ([...store.table('hosts').values()].some((h) => clusters.has(h.cluster?.id) && !['maintenance', 'down'].includes(h.status.state))) {
      throw refuse('ERROR_CANNOT_FORCE_REMOVE_STORAGE_POOL_WITH_VDS_NOT_IN_MAINTENANCE', 'REMOVE', 'STORAGE__POOL');
    }
    store.table('datacenters').delete(rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    'clusters.name': (r) => [...st.table('clusters').values()].filter((c) => c.data_center?.id === r.id).map((c) => c.name),
  }),
  visible: (r, grants) => grants.has(r.id),
};

const clusters: Behaviour = {
  // The engine defaults a cluster's version to its data center's, whatever its RSDL says.
  required: [['name', 'data_center.id|name']],
  add(ctx) {
    const { body, inv, store: st } = ctx;
    ctx.checkName('clusters', body.name, 'CLUSTER', 'ADD');
    const dc = ctx.resolve('datacenters', body.data_center, 'DataCenter');
    const c = inv.cluster(
      body.name,
      dc,
      pick(body, ['description', 'comment', 'cpu', 'version', 'memory_policy', 'error_handling', 'scheduling_policy']),
    );
    const mgmt = [...st.table('networks').values()].find((n) => n.name === 'ovirtmgmt' && n.data_center.id === dc.id);
    mgmt?._clusters.add(c.id);
    return { rec: c };
  },
  remove({ rec, store }) {
    if ([...store.table('hosts').values()].some((h) => h.cluster.id === rec.id))
      throw refuse('VDS_CANNOT_REMOVE_VDS_GROUP_VDS_DETECTED', 'REMOVE', 'CLUSTER');
    if ([...store.table('vms').values()].some((v) => v.cluster.id === rec.id))
      throw refuse('VM_CANNOT_REMOVE_VDS_GROUP_VMS_DETECTED', 'REMOVE', 'CLUSTER');
    store.table('clusters').delete(rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    datacenter: (r) => nameOf(st, 'datacenters')(r, 'data_center'),
    'hosts.name': (r) => [...st.table('hosts').values()].filter((h) => h.cluster.id === r.id).map((h) => h.name),
  }),
  visible: (r, grants) => grants.has(r.id) || grants.has(r.data_center?.id),
};

const hosts: Behaviour = {
  add(ctx) {
    const { body, inv, store: st } = ctx;
    ctx.checkName('hosts', body.name, 'HOST', 'ADD');
    const cluster = body.cluster
      ? ctx.resolve('clusters', body.cluster, 'Cluster')
      : (st.byName('clusters', 'Default') ?? [...st.table('clusters').values()][0]);
    const h = inv.host(body.name, cluster, [...st.table('hosts').values()].filter((x) => x.cluster.id === cluster.id).length, {
      address: body.address,
      port: body.port ?? 54321,
      description: body.description,
      status: { state: 'installing' },
    });
    ctx.steps(
      () => {
        h.status = { state: 'initializing' };
      },
      () => {
        h.status = { state: 'up' };
        ctx.audit('VDS_ACTIVATE', { VdsName: h.name, UserName: ctx.caller.name }, { host: h });
      },
    );
    return { rec: h };
  },
  remove({ rec, store }) {
    if (!['maintenance', 'down', 'install_failed', 'pending_approval', 'non_responsive'].includes(rec.status.state))
      throw refuse('VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL', 'REMOVE', 'HOST');
    store.table('hosts').delete(rec.id);
    dropPermissions(store, 'host', rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    address: (r) => r.address,
    type: (r) => r.type,
    cluster: (r) => nameOf(st, 'clusters')(r, 'cluster'),
    datacenter: (r) => clusterDc(st, r.cluster?.id),
    tag: tagNames(st),
    'vms.status': (r) => vmsOn(st, r.id).map((v) => v.status.state),
    'vms.name': (r) => vmsOn(st, r.id).map((v) => v.name),
    spm: (r) => r.spm?.status?.state,
    active_vms: (r) => r.summary?.active ?? 0,
  }),
  visible: inCluster,
};

const networks: Behaviour = {
  add(ctx) {
    const dc = ctx.resolve('datacenters', ctx.body.data_center, 'DataCenter');
    for (const n of ctx.store.table('networks').values())
      if (n.name === ctx.body.name && n.data_center.id === dc.id)
        throw refuse('ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE', 'ADD', 'NETWORK', { NetworkName: n.name });
    return { rec: ctx.inv.network(ctx.body.name, dc, [], pick(ctx.body, ['description', 'comment', 'vlan', 'stp', 'mtu', 'display'])) };
  },
  remove({ rec, store }) {
    if (rec.name === 'ovirtmgmt') throw refuse('NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK', undefined, undefined, { NetworkName: rec.name });
    store.table('networks').delete(rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    datacenter: (r) => nameOf(st, 'datacenters')(r, 'data_center'),
    vlanid: (r) => r.vlan?.id,
    cluster: (r) => [...(r._clusters ?? [])].map((id: string) => st.get('clusters', id)?.name),
  }),
  visible: (r, grants) => grants.has(r.id) || grants.has(r.data_center?.id),
};

/** Attaching a network to a cluster, or detaching it (the management network stays). */
const clusterNetworks: Behaviour = {
  source: view('networks', (r, p) => !!r._clusters?.has(p.id)),
  add(ctx) {
    const n = ctx.resolve('networks', ctx.body, 'Network');
    if (n.data_center.id !== ctx.parent!.data_center.id) throw refuse('ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC', 'ATTACH', 'NETWORK');
    n._clusters.add(ctx.parent!.id);
    return { rec: n };
  },
  remove({ rec, parent }) {
    if (rec.name === 'ovirtmgmt') throw refuse('NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK', undefined, undefined, { NetworkName: rec.name });
    (rec._base ?? rec)._clusters.delete(parent!.id);
  },
};

/** API v4's cluster levels, one per compatibility version the capabilities document lists (v3's `capabilities`). */
const clusterLevels: Behaviour = {
  source: {
    list: () => levels(),
    get: (_s, id) => levels().find((l) => l.id === id),
  },
};

function levels(): Rec[] {
  return capabilitiesDocument().version.map((v: Rec) => {
    const id = `${v.major}.${v.minor}`;
    const cpuTypes = (v.cpus?.cpu ?? []).map((c: Rec) => ({ name: c.id, level: c.level, architecture: 'x86_64' }));
    return { id, href: `clusterlevels/${id}`, cpu_types: { cpu_type: cpuTypes } } as Rec;
  });
}

export const INFRASTRUCTURE: Readonly<Record<string, Behaviour>> = {
  clusterlevels: clusterLevels,
  datacenters,
  'DataCenter/clusters': { source: view('clusters', (r, p) => r.data_center?.id === p.id) },
  'DataCenter/networks': { source: view('networks', (r, p) => r.data_center?.id === p.id) },
  clusters,
  'Cluster/networks': clusterNetworks,
  'Cluster/cpuprofiles': { source: view('cpuprofiles', (r, p) => r.cluster?.id === p.id) },
  hosts,
  'Host/hooks': {
    source: reported((h) =>
      [
        ['before_vm_start', '50_vhostmd'],
        ['after_vm_destroy', '50_vhostmd'],
      ].map(([event_name, name]) => ({ name, event_name, host: { id: h.id, href: h.href } })),
    ),
  },
  'Host/numanodes': {
    source: reported((h) => {
      const sockets = Number(h.cpu?.topology?.sockets ?? 1);
      return Array.from({ length: sockets }, (_, index) => ({
        name: `node${index}`,
        index,
        memory: Math.floor(Number(h.memory ?? 0) / sockets / 2 ** 20),
        host: { id: h.id, href: h.href },
        _computed: {
          statistics: (n: Rec) => [stat(n, 'host_numa_node', 'memory.free', 'Free memory', 'BYTES', 'GAUGE', Number(n.memory) * 2 ** 19)],
        },
      }));
    }),
  },
  'Host/networkattachments': { source: attachments((h) => [...Store.sub(h, 'nics').values()]) },
  'HostNIC/networkattachments': { source: attachments((nic) => [nic]) },
  networks,
  'Network/vnicprofiles': { source: view('vnicprofiles', (r, p) => r.network?.id === p.id) },
};
