/**
 * What the engine does for the VM actions 3.6 added around snapshots,
 * cloning and the guest agent: previewing a snapshot (then committing to it
 * or undoing the preview), cloning a VM, freezing and thawing the guest's
 * filesystems, logging on, pool maintenance and reordering MAC addresses.
 */
import { incomplete, refuse } from '../faults.ts';
import { BLANK_ID, type Rec, ref, Store } from '../store.ts';
import type { ActionHandler } from './context.ts';

const snapshotsOf = (vm: Rec): Rec[] => [...Store.sub(vm, 'snapshots').values()];
const inPreview = (vm: Rec): Rec | undefined => snapshotsOf(vm).find((s) => s.snapshot_status === 'in_preview');

/** The guest agent answers only while the VM runs. */
const guestUp = (vm: Rec, action: 'FREEZE' | 'THAW' | 'LOGON'): void => {
  if (vm.status.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_UP', action, 'VM', {}, 'action');
};

export const SNAPSHOT_ACTIONS: Record<string, ActionHandler> = {
  'VM#preview_snapshot'({ rec: vm, body }) {
    const snap = Store.sub(vm, 'snapshots').get(body.snapshot?.id);
    if (!snap) throw refuse('ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST', 'PREVIEW', 'SNAPSHOT', {}, 'action');
    if (snap.type === 'active') throw refuse('CANNOT_PREVIEW_ACTIVE_SNAPSHOT', undefined, undefined, {}, 'action');
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'PREVIEW', 'SNAPSHOT', {}, 'action');
    if (inPreview(vm)) throw refuse('ACTION_TYPE_FAILED_VM_IN_PREVIEW', 'PREVIEW', 'SNAPSHOT', {}, 'action');
    snap.snapshot_status = 'locked';
    vm.status = { state: 'image_locked' };
    return {
      task: this.steps(() => {
        snap.snapshot_status = 'in_preview';
        vm.status = { state: 'down' };
      }),
    };
  },
  'VM#commit_snapshot'({ rec: vm }) {
    const snap = inPreview(vm);
    if (!snap) throw refuse('ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST', 'REVERT_TO', 'SNAPSHOT', {}, 'action');
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'REVERT_TO', 'SNAPSHOT', {}, 'action');
    // Committing drops every snapshot taken after the previewed one.
    for (const s of snapshotsOf(vm)) if (s.type === 'regular' && s.date > snap.date) Store.sub(vm, 'snapshots').delete(s.id);
    snap.snapshot_status = 'ok';
    return {};
  },
  'VM#undo_snapshot'({ rec: vm }) {
    const snap = inPreview(vm);
    if (!snap) throw refuse('ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST', 'REVERT_TO', 'SNAPSHOT', {}, 'action');
    snap.snapshot_status = 'ok';
    return {};
  },
  'VM#clone'({ rec: vm, body, store, inv }) {
    const name = body.vm?.name;
    if (!name) throw incomplete('Action', ['vm.name'], 'clone');
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'ADD', 'VM', {}, 'action');
    if (store.byName('vms', name)) throw refuse('ACTION_TYPE_FAILED_NAME_ALREADY_USED', 'ADD', 'VM', {}, 'action');
    const cluster = store.get('clusters', vm.cluster.id)!;
    const template = store.get('templates', vm.template?.id) ?? store.get('templates', BLANK_ID)!;
    const disk = [...Store.sub(vm, 'disks').values()][0];
    const domain = disk?.storage_domains?.storage_domain?.[0]?.id
      ? store.get('storagedomains', disk.storage_domains.storage_domain[0].id)
      : undefined;
    const clone = inv.vm(
      name,
      cluster,
      template,
      { memory: vm.memory, cpu: vm.cpu, os: vm.os, type: vm.type, description: vm.description },
      { disks: Store.sub(vm, 'disks').size, nics: Store.sub(vm, 'nics').size, domain },
    );
    clone.status = { state: 'image_locked' };
    vm.status = { state: 'image_locked' };
    return {
      task: this.steps(
        () => {},
        () => {
          clone.status = { state: 'down' };
          vm.status = { state: 'down' };
        },
      ),
      output: { vm: ref(clone) },
    };
  },
  'VM#freezefilesystems'({ rec: vm }) {
    guestUp(vm, 'FREEZE');
    vm._frozen = true;
    return {};
  },
  'VM#thawfilesystems'({ rec: vm }) {
    guestUp(vm, 'THAW');
    vm._frozen = false;
    return {};
  },
  'VM#logon'({ rec: vm }) {
    guestUp(vm, 'LOGON');
    return {};
  },
  /** A pooled VM in maintenance is not handed out by its pool. */
  'VM#maintenance'({ rec: vm, body }) {
    if (!vm.vmpool) throw refuse('VM_POOL_CANNOT_DETACH_VM_NOT_ATTACHED_TO_POOL', undefined, undefined, {}, 'action');
    vm._maintenance = body.maintenance_enabled === true;
    return {};
  },
  /** The engine hands the pool's MAC addresses to the VM's interfaces again, in the order of the interfaces. */
  'VM#reordermacaddresses'({ rec: vm }) {
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'UPDATE', 'VM', {}, 'action');
    const nics = [...Store.sub(vm, 'nics').values()];
    const macs = nics.map((n) => n.mac?.address).sort();
    nics
      .sort((a, b) => String(a.name).localeCompare(String(b.name)))
      .forEach((n, i) => {
        n.mac = { address: macs[i] };
      });
    return {};
  },
};
