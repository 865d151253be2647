/**
 * What the engine does for each action on a VM, its devices, its snapshots
 * and its pool: the checks it makes first (with 3.6's refusal texts), the
 * states the VM passes through, and the audit entries it logs.
 */
import { randomBytes } from 'node:crypto';
import { entityNotFound, refuse } from '../faults.ts';
import { USER_VM_MANAGER_ROLE_ID } from '../roles.ts';
import { decorate, specAt } from '../routes.ts';
import { refreshHostSummaries } from '../statistics.ts';
import { type Rec, ref, Store } from '../store.ts';
import { type ActionHandler, hostsUp, RUNNING, referenced } from './context.ts';
import { exportDomain, ovaHost, startedOn, stopped } from './guest.ts';

export const VM_ACTIONS: Record<string, ActionHandler> = {
  'VM#start'({ rec: vm, body, caller, store, inv }) {
    const state = vm.status.state;
    if (state === 'image_locked') throw refuse('ACTION_TYPE_FAILED_VM_IS_LOCKED', 'RUN', 'VM', {}, 'action');
    if (state !== 'down' && state !== 'suspended' && state !== 'paused')
      throw refuse('ACTION_TYPE_FAILED_VM_IS_RUNNING', 'RUN', 'VM', {}, 'action');
    if (state === 'paused') {
      this.transition(vm, ['up']);
      return {};
    }
    const wanted = body.vm?.placement_policy?.host;
    let host: Rec | undefined;
    if (wanted) {
      host = wanted.id ? store.get('hosts', wanted.id) : store.byName('hosts', wanted.name);
      if (!host) throw entityNotFound('Host', wanted.id ? `id=${wanted.id}` : `name=${wanted.name}`);
      if (host.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'RUN', 'VM', { hostStatus: 'Up' }, 'action');
    } else {
      const candidates = hostsUp(store, vm.cluster.id);
      if (!candidates.length) throw refuse('ACTION_TYPE_FAILED_VDS_VM_CLUSTER', 'RUN', 'VM', {}, 'action');
      host = candidates.reduce((a, b) => ((a.summary?.active ?? 0) <= (b.summary?.active ?? 0) ? a : b));
    }
    if (body.vm?.stateless !== undefined) vm.stateless = body.vm.stateless;
    // Parameters for this run (a <vm> in the action, or use_cloud_init) make it a run-once:
    // the VM shows run_once while it runs, and cloud-init gives the guest its host name.
    vm.run_once = body.vm !== undefined || body.use_cloud_init === true;
    vm._runInit = body.vm?.initialization ?? (body.use_cloud_init ? vm.initialization : undefined);
    const h = host!;
    vm.host = ref(h);
    vm.stop_reason = undefined;
    this.audit('USER_STARTED_VM', { VmName: vm.name, UserName: caller.name, VdsName: h.name }, { vm, host: h });
    const pause = body.pause === true;
    if (state === 'suspended') {
      this.transition(vm, ['restoring_state', () => startedOn(vm, h, inv, pause)]);
    } else {
      this.transition(vm, ['wait_for_launch', 'powering_up', () => startedOn(vm, h, inv, pause)]);
    }
    vm.status = { state: state === 'suspended' ? 'restoring_state' : 'wait_for_launch' };
    refreshHostSummaries(store);
    return {};
  },
  'VM#stop'({ rec: vm, caller }) {
    if (!RUNNING.has(vm.status.state) && vm.status.state !== 'suspended')
      throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'STOP', 'VM', {}, 'action');
    this.audit('USER_STOP_VM', { VmName: vm.name, UserName: caller.name, VdsName: this.store.get('hosts', vm.host?.id)?.name }, { vm });
    vm.status = { state: 'powering_down' };
    this.transition(vm, [() => stopped(vm, this.store)]);
    return {};
  },
  'VM#shutdown'({ rec: vm, caller }) {
    if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'SHUTDOWN', 'VM', {}, 'action');
    this.audit(
      'USER_INITIATED_SHUTDOWN_VM',
      { VmName: vm.name, UserName: caller.name, VdsName: this.store.get('hosts', vm.host?.id)?.name },
      { vm },
    );
    vm.status = { state: 'powering_down' };
    this.transition(vm, [() => {}, () => stopped(vm, this.store)]);
    return {};
  },
  'VM#suspend'({ rec: vm, caller }) {
    if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_UP', 'HIBERNATE', 'VM', {}, 'action');
    this.audit('USER_SUSPEND_VM', { VmName: vm.name, UserName: caller.name, VdsName: this.store.get('hosts', vm.host?.id)?.name }, { vm });
    vm.status = { state: 'saving_state' };
    this.transition(vm, [
      () => {},
      () => {
        vm.status = { state: 'suspended' };
        vm.host = undefined;
      },
    ]);
    return {};
  },
  'VM#reboot'({ rec: vm, caller }) {
    if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'RESTART', 'VM', {}, 'action');
    this.audit('USER_REBOOT_VM', { VmName: vm.name, UserName: caller.name }, { vm });
    vm.status = { state: 'reboot_in_progress' };
    this.transition(vm, ['powering_up', 'up']);
    return {};
  },
  'VM#detach'({ rec: vm, store }) {
    if (!vm.vmpool) throw refuse('VM_POOL_CANNOT_DETACH_VM_NOT_ATTACHED_TO_POOL', undefined, undefined, {}, 'action');
    const pool = store.get('vmpools', vm.vmpool.id);
    if (pool) pool.size = Math.max(0, pool.size - 1);
    vm.vmpool = undefined;
    return {};
  },
  'VM#migrate'({ rec: vm, body, caller, store }) {
    if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'MIGRATE', 'VM', {}, 'action');
    if (vm.placement_policy?.affinity === 'pinned' && !body.force)
      throw refuse('ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST', 'MIGRATE', 'VM', {}, 'action');
    let target: Rec | undefined;
    if (body.host) {
      target = body.host.id ? store.get('hosts', body.host.id) : store.byName('hosts', body.host.name);
      if (!target) throw entityNotFound('Host', body.host.id ? `id=${body.host.id}` : `name=${body.host.name}`);
      if (target.id === vm.host?.id) throw refuse('ACTION_TYPE_FAILED_MIGRATION_TO_SAME_HOST', 'MIGRATE', 'VM', {}, 'action');
      if (target.cluster.id !== vm.cluster.id)
        throw refuse('ACTION_TYPE_FAILED_DESTINATION_HOST_NOT_IN_DESTINATION_CLUSTER', 'MIGRATE', 'VM', {}, 'action');
      if (target.status.state !== 'up')
        throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'MIGRATE', 'VM', { hostStatus: 'Up' }, 'action');
    } else {
      const candidates = hostsUp(store, vm.cluster.id, vm.host?.id);
      if (!candidates.length) throw refuse('SCHEDULING_ALL_HOSTS_FILTERED_OUT', 'MIGRATE', 'VM', {}, 'action');
      target = candidates[0];
    }
    const t = target!;
    const from = vm.host ? store.get('hosts', vm.host.id) : undefined;
    this.audit(
      'VM_MIGRATION_START',
      { VmName: vm.name, VdsName: from?.name, DestinationVdsName: t.name, UserName: caller.name },
      { vm, host: t },
    );
    vm.status = { state: 'migrating' };
    vm._migrationTarget = t.id;
    refreshHostSummaries(store);
    this.transition(vm, [
      () => {
        if (vm._migrationTarget !== t.id) return; // cancelled
        vm.host = ref(t);
        vm.display.address = t.address;
        vm.status = { state: 'up' };
        vm._migrationTarget = undefined;
        this.audit('VM_MIGRATION_DONE', { VmName: vm.name, VdsName: from?.name, DestinationVdsName: t.name }, { vm, host: t });
      },
    ]);
    return {};
  },
  'VM#cancelmigration'({ rec: vm }) {
    if (vm.status.state !== 'migrating')
      throw refuse('VM_CANNOT_CANCEL_MIGRATION_WHEN_VM_IS_NOT_MIGRATING', undefined, undefined, {}, 'action');
    vm._migrationTarget = undefined;
    vm.status = { state: 'up' };
    return {};
  },
  'VM#export'({ rec: vm, body, store }) {
    // To an OVA on a host (export_to_path_on_host): the VM is locked while its image is written, then as it was.
    if (ovaHost(store, body)) {
      const was = vm.status;
      vm.status = { state: 'image_locked' };
      return { task: this.transition(vm, [() => {}, () => void (vm.status = was)]) };
    }
    const sd = exportDomain(store, body);
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'EXPORT', 'VM', {}, 'action');
    const existing = [...Store.sub(sd, 'vms').values()].find((v) => v.name === vm.name);
    if (existing && !body.exclusive) throw refuse('ACTION_TYPE_FAILED_VM_GUID_ALREADY_EXIST', 'EXPORT', 'VM', {}, 'action');
    vm.status = { state: 'image_locked' };
    return {
      task: this.transition(vm, [
        () => {},
        () => {
          vm.status = { state: 'down' };
          if (existing) Store.sub(sd, 'vms').delete(existing.id);
          const copy = decorate(
            specAt('storagedomains/{id}/vms'),
            { ...vm, _sub: undefined, actions: undefined, link: undefined },
            sd.href,
          );
          copy.storage_domain = ref(sd);
          Store.sub(sd, 'vms').set(copy.id, copy);
        },
      ]),
    };
  },
  'VM#move'({ rec: vm, body, store }) {
    const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'move');
    if (sd.type !== 'data') throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL', 'MOVE', 'VM', {}, 'action');
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'MOVE', 'VM', {}, 'action');
    vm.status = { state: 'image_locked' };
    return {
      task: this.transition(vm, [
        () => {},
        () => {
          for (const d of Store.sub(vm, 'disks').values()) d.storage_domains = { storage_domain: [ref(sd)] };
          vm.status = { state: 'down' };
        },
      ]),
    };
  },
  'VM#ticket'({ rec: vm, body }) {
    if (vm.status.state !== 'up' && vm.status.state !== 'powering_up')
      throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING', 'SET', 'VM_TICKET', {}, 'action');
    const value = body.ticket?.value ?? randomBytes(9).toString('base64url');
    return { output: { ticket: { value, expiry: body.ticket?.expiry ?? 120 } } };
  },
  'Disk#activate'({ rec: disk }) {
    if (disk.active) throw refuse('HOT_PLUG_DISK_IS_NOT_UNPLUGGED', undefined, undefined, {}, 'action');
    disk.active = true;
    return {};
  },
  'Disk#deactivate'({ rec: disk }) {
    if (!disk.active) throw refuse('HOT_UNPLUG_DISK_IS_NOT_PLUGGED', undefined, undefined, {}, 'action');
    disk.active = false;
    return {};
  },
  'Disk#export'({ rec: disk, body, store }) {
    exportDomain(store, body, 'image');
    disk.status = { state: 'locked' };
    return { task: this.transition(disk, [() => {}, 'ok']) };
  },
  'Disk#move'({ rec: disk, body, store }) {
    const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'move');
    disk.status = { state: 'locked' };
    return {
      task: this.transition(disk, [
        () => {},
        () => {
          disk.status = { state: 'ok' };
          disk.storage_domains = { storage_domain: [ref(sd)] };
        },
      ]),
    };
  },
  // Plugging a plugged interface (or unplugging an unplugged one) changes nothing and is not refused.
  'NIC#activate'({ rec: nic }) {
    nic.plugged = true;
    nic.active = true;
    return {};
  },
  'NIC#deactivate'({ rec: nic }) {
    nic.plugged = false;
    nic.active = false;
    return {};
  },
  'Snapshot#restore'({ rec: snap, store }) {
    const vm = store.get('vms', snap.vm.id)!;
    if (snap.type === 'active')
      throw refuse(
        'ACTION_TYPE_FAILED_VM_SNAPSHOT_TYPE_NOT_ALLOWED',
        'REVERT_TO',
        'SNAPSHOT',
        { snapshotType: 'ACTIVE', supportedSnapshotTypes: 'REGULAR' },
        'action',
      );
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'REVERT_TO', 'SNAPSHOT', {}, 'action');
    snap.snapshot_status = 'locked';
    vm.status = { state: 'image_locked' };
    return {
      task: this.transition(vm, [
        () => {},
        () => {
          snap.snapshot_status = 'ok';
          vm.status = { state: 'down' };
        },
      ]),
    };
  },
  'VmPool#allocatevm'({ rec: pool, caller, store, inv }) {
    const free = [...store.table('vms').values()].find((v) => v.vmpool?.id === pool.id && v.status.state === 'down');
    if (!free) throw refuse('ACTION_TYPE_FAILED_NO_AVAILABLE_POOL_VMS', 'ALLOCATE_AND_RUN', 'VM_FROM_VM_POOL', {}, 'action');
    const user = store.get('users', caller.account.userId);
    const role = store.get('roles', USER_VM_MANAGER_ROLE_ID);
    if (user && role) inv.permission(role, user, { field: 'vm', rec: free });
    const host = hostsUp(store, free.cluster.id)[0];
    if (!host) throw refuse('ACTION_TYPE_FAILED_VDS_VM_CLUSTER', 'ALLOCATE_AND_RUN', 'VM_FROM_VM_POOL', {}, 'action');
    free.host = ref(host);
    free.status = { state: 'wait_for_launch' };
    this.transition(free, ['powering_up', () => startedOn(free, host, inv, false)]);
    return { output: { vm: ref(free) } };
  },
};
