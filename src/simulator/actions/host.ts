/**
 * What the engine does for each action on a host and its network
 * interfaces: maintenance (waiting for VMs to migrate away), activation,
 * installation, fencing and iSCSI discovery.
 */

import { badRequest, incomplete, refuse } from '../faults.ts';
import { refreshHostSummaries } from '../statistics.ts';
import { ref } from '../store.ts';
import { type ActionHandler, hostsUp } from './context.ts';
import { stopped } from './guest.ts';

export const HOST_ACTIONS: Record<string, ActionHandler> = {
  'Host#activate'({ rec: h, caller }) {
    if (h.status.state === 'up') throw refuse('VDS_ALREADY_UP', 'ACTIVATE', 'HOST', {}, 'action');
    if (!['maintenance', 'non_operational', 'non_responsive', 'down', 'error'].includes(h.status.state))
      throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'ACTIVATE', 'HOST', { hostStatus: 'Maintenance' }, 'action');
    this.audit('VDS_ACTIVATE', { VdsName: h.name, UserName: caller.name }, { host: h });
    h.status = { state: 'unassigned' };
    this.transition(h, ['initializing', 'up']);
    return {};
  },
  'Host#deactivate'({ rec: h, caller, store }) {
    if (h.status.state === 'maintenance') throw refuse('VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE', undefined, undefined, {}, 'action');
    const running = [...store.table('vms').values()].filter((v) => v.host?.id === h.id);
    const others = hostsUp(store, h.cluster.id, h.id);
    this.audit('USER_VDS_MAINTENANCE', { VdsName: h.name, UserName: caller.name }, { host: h });
    h.status = { state: 'preparing_for_maintenance' };
    if (running.length && !others.length) {
      // As 3.6 does: accepted, but with nowhere to migrate to the host waits in preparing_for_maintenance
      // until the VMs on it are stopped (stopped() finishes the switch).
      h._maintenanceWhenEmpty = true;
      return {};
    }
    running.forEach((v, i) => {
      const t = others[i % others.length];
      v.status = { state: 'migrating' };
      this.transition(v, [
        () => {
          v.host = ref(t);
          v.status = { state: 'up' };
        },
      ]);
    });
    refreshHostSummaries(store);
    this.transition(h, [() => {}, 'maintenance']);
    return {};
  },
  'Host#approve'({ rec: h }) {
    if (h.status.state !== 'pending_approval') throw refuse('VDS_APPROVE_VDS_IN_WRONG_STATUS', undefined, undefined, {}, 'action');
    h.status = { state: 'installing' };
    this.transition(h, ['initializing', 'up']);
    return {};
  },
  'Host#install'({ rec: h }) {
    if (!['maintenance', 'install_failed', 'non_operational', 'down'].includes(h.status.state))
      throw refuse('VDS_CANNOT_INSTALL_STATUS_ILLEGAL', undefined, undefined, {}, 'action');
    h.status = { state: 'installing' };
    this.transition(h, [() => {}, 'maintenance']);
    return {};
  },
  'Host#fence'({ rec: h, body, store }) {
    const type = String(body.fence_type ?? '').toLowerCase();
    if (!['manual', 'restart', 'start', 'stop', 'status'].includes(type))
      throw badRequest(`Cannot fence Host. ${body.fence_type ?? '(none)'} is not a member of FenceType.`, 'action');
    if (type !== 'manual' && !h.power_management?.enabled) throw refuse('VDS_FENCE_DISABLED', undefined, undefined, {}, 'action');
    if (type === 'status') return { output: { power_management: { status: { state: h.status.state === 'down' ? 'off' : 'on' } } } };
    if (type === 'manual') {
      for (const v of store.table('vms').values()) if (v.host?.id === h.id) stopped(v);
      return {};
    }
    if (type === 'stop') {
      for (const v of store.table('vms').values()) if (v.host?.id === h.id) stopped(v);
      h.status = { state: 'down' };
      refreshHostSummaries(store);
      return {};
    }
    if (type === 'start') {
      if (h.status.state !== 'down') throw refuse('VDS_ALREADY_UP', 'START', 'HOST', {}, 'action');
      h.status = { state: 'reboot' };
      this.transition(h, ['non_responsive', 'up']);
      return {};
    }
    for (const v of store.table('vms').values()) if (v.host?.id === h.id) stopped(v);
    h.status = { state: 'reboot' };
    refreshHostSummaries(store);
    this.transition(h, ['non_responsive', 'up']);
    return {};
  },
  'Host#iscsidiscover'({ rec: h, body }) {
    if (h.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'SETUP', 'HOST', { hostStatus: 'Up' }, 'action');
    if (!body.iscsi?.address) throw incomplete('Action', ['iscsi.address'], 'iscsidiscover');
    const addr = String(body.iscsi.address);
    return { output: { iscsi_target: [`iqn.2016-06.com.example:${addr}:storage1`, `iqn.2016-06.com.example:${addr}:storage2`] } };
  },
  'Host#iscsilogin'({ rec: h, body }) {
    if (h.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'SETUP', 'HOST', { hostStatus: 'Up' }, 'action');
    if (!body.iscsi?.address || !body.iscsi?.target) throw incomplete('Action', ['iscsi.address', 'iscsi.target'], 'iscsilogin');
    return {};
  },
  'Host#commitnetconfig'({ rec: h }) {
    if (h.status.state === 'non_responsive' || h.status.state === 'down') throw refuse('VDS_NON_RESPONSIVE', 'SETUP', 'HOST', {}, 'action');
    return {};
  },
  'HostNIC#attach'({ rec: nic, body, store }) {
    const n = body.network?.id ? store.get('networks', body.network.id) : store.byName('networks', body.network?.name);
    if (!n) throw incomplete('Action', ['network.id|name'], 'attach');
    if (nic.network) throw refuse('NETWORK_INTERFACE_ALREADY_HAVE_NETWORK', undefined, undefined, {}, 'action');
    nic.network = ref(n);
    return {};
  },
  'HostNIC#detach'({ rec: nic }) {
    if (!nic.network) throw refuse('NETWORK_INTERFACE_NOT_EXISTS', undefined, undefined, {}, 'action');
    nic.network = undefined;
    return {};
  },
  'Host#enrollcertificate'({ rec: h }) {
    if (h.status.state !== 'maintenance')
      throw refuse('CANNOT_ENROLL_CERTIFICATE_HOST_STATUS_ILLEGAL', 'ENROLL_CERTIFICATE', 'HOST', {}, 'action');
    h.certificate = { organization: 'example.com', subject: `O=example.com,CN=${h.address}` };
    return {};
  },
  /** The host becomes the storage pool manager of its data center; the previous one steps down. */
  'Host#forceselectspm'({ rec: h, store }) {
    if (h.status.state !== 'up') throw refuse('CANNOT_FORCE_SELECT_SPM_VDS_NOT_UP', 'FORCE_SELECT', 'SPM', { VdsName: h.name }, 'action');
    const dc = store.get('clusters', h.cluster.id)?.data_center?.id;
    for (const other of store.table('hosts').values()) {
      if (other.spm && store.get('clusters', other.cluster.id)?.data_center?.id === dc)
        other.spm = { ...other.spm, status: { state: 'none' } };
    }
    h.spm = { priority: h.spm?.priority ?? 5, status: { state: 'spm' } };
    return {};
  },
  'Host#refresh'({ rec: h }) {
    if (h.status.state === 'non_responsive') throw refuse('VDS_NON_RESPONSIVE', 'REFRESH', 'HOST_CAPABILITIES', {}, 'action');
    return {};
  },
  'Host#setupnetworks'({ rec: h }) {
    if (h.status.state === 'non_responsive') throw refuse('VDS_NON_RESPONSIVE', 'SETUP', 'NETWORKS', {}, 'action');
    return {};
  },
  'host_nics#setupnetworks'({ parent: h }) {
    if (h?.status.state === 'non_responsive') throw refuse('VDS_NON_RESPONSIVE', 'SETUP', 'NETWORKS', {}, 'action');
    return {};
  },
  'HostNIC#updatevirtualfunctionsconfiguration'() {
    return {};
  },
  /** The storage domains the host can see that no data center has: none beyond what the inventory holds. */
  'Host#unregisteredstoragedomainsdiscover'({ store }) {
    return {
      output: {
        storage_domains: {
          storage_domain: [...store.table('storagedomains').values()]
            .filter((d) => !d._dc && d.status?.state === 'unattached')
            .map((d) => ({ id: d.id, name: d.name, type: d.type })),
        },
      },
    };
  },
  'Host#upgrade'({ rec: h }) {
    if (h.status.state !== 'maintenance')
      throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'UPGRADE', 'HOST', { hostStatus: 'Maintenance' }, 'action');
    h.status = { state: 'installing' };
    return { task: this.transition(h, [() => {}, 'maintenance']) };
  },
};
