/**
 * Actions only API v4 has (docs/protocol.md §10): a 4.x engine's VM reset
 * and CPU pinning, console tickets, disk maintenance (sparsify, reduce,
 * convert, LUN refresh), a host's upgrade check and network copy, a cluster's
 * network sync and upgrade, a data center's new master, and a few more. Each
 * checks what the engine checks that the inventory can tell (the VM is up, the
 * domain is in the data center), and changes what the inventory holds; those
 * whose effect is outside it complete as a job without a change, as the
 * actions of the same kind in system.ts do.
 */
import { refuse } from '../faults.ts';
import { type Rec, ref } from '../store.ts';
import { type ActionHandler, referenced, stored } from './context.ts';

/** Completes as a job; the engine's effect lies outside the inventory (the host's packages, a LUN's size on the array). */
const accepted: ActionHandler = () => ({});

const vmIsUp: ActionHandler = ({ rec }) => {
  const vm = stored(rec);
  if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'RESET', 'VM', {}, 'action');
  return {};
};

/** The engine runs these on a host that is up only. */
function requireHostUp(rec: Rec): Rec {
  const h = stored(rec);
  if (h.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'SETUP', 'HOST', { hostStatus: 'Up' }, 'action');
  return h;
}

const hostIsUp: ActionHandler = ({ rec }) => {
  requireHostUp(rec);
  return {};
};

/** A ticket for the console's protocol, valid for the given time (default two hours). */
const consoleTicket: ActionHandler = ({ body }) => {
  const expiry = Number(body.ticket?.expiry ?? 7200);
  return { output: { ticket: { value: body.ticket?.value ?? Math.random().toString(36).slice(2, 14), expiry } } };
};

export const V4_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  'VM#reset': vmIsUp,
  'VM#autopincpuandnumanodes': ({ rec }) => {
    const vm = stored(rec);
    vm.cpu_pinning_policy = 'resize_and_pin_numa';
    return {};
  },
  'VM#screenshot': vmIsUp,
  'GraphicsConsole#ticket': consoleTicket,
  'GraphicsConsole#proxyticket': ({ rec }) => ({ output: { proxy_ticket: { value: `proxy-${String(rec.id)}` } } }),
  'GraphicsConsole#remoteviewerconnectionfile': ({ rec }) => ({
    output: {
      remote_viewer_connection_file: `[virt-viewer]\ntype=${String(rec.protocol ?? 'spice')}\nhost=${String(rec.address ?? '')}\n`,
    },
  }),
  'Disk#sparsify': ({ rec }) => {
    const disk = stored(rec);
    if (!disk.sparse)
      throw refuse(
        'ACTION_TYPE_FAILED_DISK_SPARSIFY_NOT_SUPPORTED_FOR_PREALLOCATED',
        'SPARSIFY',
        'DISK',
        { diskAlias: String(disk.alias ?? disk.name) },
        'action',
      );
    disk.actual_size = Math.floor(Number(disk.actual_size ?? 0) * 0.8);
    return {};
  },
  'Disk#reduce': accepted,
  'Disk#refreshlun': accepted,
  'Disk#convert': ({ rec, body }) => {
    const disk = stored(rec);
    if (body.disk?.format) disk.format = body.disk.format;
    if (body.disk?.sparse !== undefined) disk.sparse = body.disk.sparse;
    return {};
  },
  'Host#discoveriscsi': ({ rec, body }) => {
    requireHostUp(rec);
    const address = String(body.iscsi?.address ?? 'iscsi.example.com');
    return {
      output: { discovered_targets: { iscsi_details: [{ address, port: 3260, target: `iqn.2016-06.com.example:${address}:storage1` }] } },
    };
  },
  'Host#upgradecheck': hostIsUp,
  'Host#syncallnetworks': hostIsUp,
  'Host#copyhostnetworks': ({ rec, body, store }) => {
    const target = requireHostUp(rec);
    const source = referenced(store, 'hosts', 'Host', body.source_host, 'source_host.id|name', 'copyhostnetworks');
    if (source.cluster?.id !== target.cluster?.id)
      throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'SETUP', 'HOST', { hostStatus: 'Up' }, 'action');
    return {};
  },
  'Cluster#syncallnetworks': accepted,
  'Cluster#upgrade': ({ rec, body }) => {
    const cluster = stored(rec);
    cluster.upgrade_in_progress = body.upgrade_action === 'start' || body.upgrade_action === 'update_progress';
    cluster.upgrade_percent_complete = body.upgrade_percent_complete ?? (cluster.upgrade_in_progress ? 0 : 100);
    return {};
  },
  'Cluster#refreshglusterhealstatus': accepted,
  'GlusterVolume#getprofilestatistics': () => ({ output: { details: {} } }),
  'DataCenter#setmaster': ({ rec, body, store }) => {
    const dc = stored(rec);
    const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'setmaster');
    if (sd._dc !== dc.id || sd.type !== 'data') {
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_IN_STORAGE_POOL', 'SET', 'STORAGE__DOMAIN', {}, 'action');
    }
    for (const d of store.table('storagedomains').values()) if (d._dc === dc.id) d.master = d.id === sd.id;
    return {};
  },
  'DataCenter#cleanfinishedtasks': accepted,
  'StorageDomain#updateovfstore': accepted,
  'StorageDomain#reduceluns': accepted,
  'OpenStackNetwork#import': ({ rec, body, store }) => {
    const dc = referenced(store, 'datacenters', 'DataCenter', body.data_center, 'data_center.id|name', 'import');
    const name = String(rec.name ?? 'external');
    if (store.byName('networks', name)) throw refuse('ACTION_TYPE_FAILED_NAME_ALREADY_USED', 'ADD', 'NETWORK', {}, 'action');
    return { output: { data_center: ref(dc) } };
  },
};
