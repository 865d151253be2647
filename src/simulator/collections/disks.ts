/**
 * Disks as the engine runs them (docs/protocol.md §13.1): where a disk lives,
 * how it is made, and how API v4 attaches it to a VM.
 *
 * - A disk belongs to a VM (kept below it, as 3.6 keeps them) or floats
 *   (kept in the `disks` table): the top-level `disks` collection shows both.
 * - Made, a disk is `locked` while its image is created, then `ok`; it is
 *   thin (`sparse`) unless asked otherwise, as the engine's disk images are
 *   by default. A new disk needs a size and a format (v4's REST layer asks
 *   for `provisionedSize` and `format`).
 * - v4 attaches through `vms/{id}/diskattachments`: posting an attachment that
 *   names an existing disk attaches it (refused when another VM has it and it
 *   is not shareable); one that describes a new disk makes the disk and
 *   attaches it. Removing an attachment detaches the disk, leaving it
 *   floating, unless `detach_only=false` asks for the disk to be removed too
 *   (the engine's default is to detach). Updating `active` plugs or unplugs
 *   the disk: on a running VM that is a hot plug, refused for IDE disks and
 *   for a disk already in the state asked.
 */
import type { Doc } from '../actions/context.ts';
import { EngineFault, entityNotFound, refuse } from '../faults.ts';
import { decorate, specAt } from '../routes.ts';
import { reported } from '../sources.ts';
import { type Rec, ref, Store } from '../store.ts';
import type { Behaviour, CrudContext } from './behaviour.ts';

/** A VM that runs a guest: its disks are hot plugged and unplugged, not just flagged. */
const RUNNING = new Set(['up', 'powering_up', 'paused', 'migrating', 'reboot_in_progress', 'powering_down']);

/** A new disk from an add's body (of a VM, of the top level, or inside an attachment), `locked` until its task ends. */
function makeDisk(ctx: CrudContext, body: Rec, vm: Rec | undefined): { disk: Rec; task: Promise<void> } {
  const { inv, store: st } = ctx;
  const domains = body.storage_domains?.storage_domain;
  const domain = domains?.length
    ? ctx.resolve('storagedomains', domains[0], 'StorageDomain')
    : [...st.table('storagedomains').values()].find((d) => d.type === 'data');
  const size = Number(body.provisioned_size ?? body.size);
  if (!(size > 0))
    throw new EngineFault(400, 'Invalid value', `${body.provisioned_size ?? body.size} is not a valid value for provisioned_size`);
  const n = vm ? Store.sub(vm, 'disks').size + 1 : st.table('disks').size + 1;
  const fallback = vm ? `${vm.name}_Disk${n}` : `disk${n}`;
  const statistics = vm ? Store.sub(vm, 'disks').values().next().value?._computed?.statistics : undefined;
  const sparse = body.sparse ?? true;
  const disk = decorate(
    specAt(vm ? 'vms/{id}/disks' : 'disks'),
    {
      id: inv.id(),
      name: body.name ?? body.alias ?? fallback,
      alias: body.alias ?? body.name ?? fallback,
      description: body.description,
      image_id: inv.id(),
      vm: vm ? ref(vm) : undefined,
      storage_domains: domain ? { storage_domain: [ref(domain)] } : undefined,
      size,
      type: 'data',
      provisioned_size: size,
      actual_size: sparse ? 0 : size,
      status: { state: 'locked' },
      interface: body.interface,
      format: body.format ?? (sparse ? 'cow' : 'raw'),
      sparse,
      bootable: body.bootable ?? false,
      shareable: body.shareable ?? false,
      wipe_after_delete: body.wipe_after_delete ?? false,
      propagate_errors: false,
      active: body.active ?? true,
      read_only: body.read_only ?? false,
      storage_type: 'image',
      content_type: 'data',
      _computed: statistics ? { statistics } : undefined,
    },
    vm?.href,
  );
  const task = ctx.steps(() => {
    disk.status = { state: 'ok' };
  });
  return { disk, task };
}

/** A VM's disks (v3, and the disk behind each v4 attachment). */
export const vmDisks: Behaviour = {
  accepts: { provisioned_size: ['size'] },
  add(ctx) {
    const vm = ctx.parent!;
    const { disk, task } = makeDisk(ctx, ctx.body, vm);
    Store.sub(vm, 'disks').set(disk.id, disk);
    return { rec: disk, task };
  },
  remove({ rec, parent }) {
    if (parent!.status.state !== 'down' && rec.active) throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'REMOVE', 'VM_DISK');
    Store.sub(parent!, 'disks').delete(rec.id);
  },
};

/** A floating disk added at the top level (`POST /disks`): kept in the `disks` table until a VM attaches it. */
export function addFloatingDisk(ctx: CrudContext): { rec: Rec; task: Promise<void> } {
  const { disk, task } = makeDisk(ctx, ctx.body, undefined);
  ctx.store.table('disks').set(disk.id, disk);
  return { rec: disk, task };
}

/** The attachment a disk of `owner` is seen as. */
function attachmentOf(d: Rec, owner: 'vm' | 'template', parent: Rec): Doc {
  return {
    id: d.id,
    disk: { id: d.id, href: `disks/${d.id}` },
    [owner]: { id: parent.id, href: parent.href },
    interface: d.interface,
    bootable: d.bootable,
    active: d.active ?? true,
    read_only: d.read_only ?? false,
    pass_discard: d.pass_discard ?? false,
    uses_scsi_reservation: false,
    logical_name: d.logical_name,
  };
}

/** The VM holding a disk, if any, and the disk there. */
function holderOf(st: Store, diskId: string): { vm: Rec; disk: Rec } | undefined {
  for (const vm of st.table('vms').values()) {
    const disk = Store.sub(vm, 'disks').get(diskId);
    if (disk) return { vm, disk };
  }
  return undefined;
}

/** Plugs or unplugs a disk as `active` asks; on a running VM, as the engine hot plugs. */
function plug(vm: Rec, disk: Rec, active: boolean): void {
  const running = RUNNING.has(String(vm.status?.state));
  if (running && active && disk.active) throw refuse('HOT_PLUG_DISK_IS_NOT_UNPLUGGED', 'HOT_PLUG', 'DISK');
  if (running && !active && !disk.active) throw refuse('HOT_UNPLUG_DISK_IS_NOT_PLUGGED', 'HOT_UNPLUG', 'DISK');
  if (running && String(disk.interface) === 'ide')
    throw refuse('HOT_PLUG_IDE_DISK_IS_NOT_SUPPORTED', active ? 'HOT_PLUG' : 'HOT_UNPLUG', 'DISK', {
      diskAlias: String(disk.alias ?? disk.name),
      vmName: String(vm.name),
    });
  disk.active = active;
}

/** Attaches an existing disk (`<disk id>`), or makes the one the attachment describes. */
function attach(ctx: CrudContext): { rec: Rec; task?: Promise<void> } {
  const vm = ctx.parent!._base ?? ctx.parent!;
  const body = ctx.body;
  const how = { interface: body.interface, bootable: body.bootable ?? false, active: body.active ?? true };
  if (!body.disk?.id) {
    const { disk, task } = makeDisk(ctx, { ...body.disk, ...how }, vm);
    Store.sub(vm, 'disks').set(disk.id, disk);
    return { rec: attachmentRec(disk, vm), task };
  }
  const id = String(body.disk.id);
  const floating = ctx.store.get('disks', id);
  if (!floating) {
    const held = holderOf(ctx.store, id);
    if (!held) throw entityNotFound('Disk', `id=${id}`);
    if (held.vm.id === vm.id || !held.disk.shareable) throw refuse('ACTION_TYPE_FAILED_DISK_ALREADY_ATTACHED', 'ATTACH_ACTION_TO', 'DISK');
  }
  const source = floating ?? holderOf(ctx.store, id)!.disk;
  const running = RUNNING.has(String(vm.status?.state));
  if (running && how.active && String(how.interface ?? source.interface) === 'ide')
    throw refuse('HOT_PLUG_IDE_DISK_IS_NOT_SUPPORTED', 'HOT_PLUG', 'DISK', {
      diskAlias: String(source.alias ?? source.name),
      vmName: String(vm.name),
    });
  const { href: _h, _base: _b, ...fields } = source;
  const disk = decorate(
    specAt('vms/{id}/disks'),
    { ...fields, ...how, interface: how.interface ?? source.interface, vm: ref(vm) },
    vm.href,
  );
  if (floating) ctx.store.table('disks').delete(id);
  Store.sub(vm, 'disks').set(id, disk);
  return { rec: attachmentRec(disk, vm) };
}

/** The attachment of a disk now on `vm`, as the collection shows it. */
function attachmentRec(disk: Rec, vm: Rec): Rec {
  return { ...attachmentOf(disk, 'vm', vm), href: `${vm.href}/diskattachments/${disk.id}` } as Rec;
}

/**
 * API v4's disk attachments of a VM or template: one per disk, with how it is
 * attached (interface, bootable, active), pointing at the disk itself at the
 * top level (`disks/{id}`), where v4 keeps disks. A VM's can be added,
 * removed (detached) and updated.
 */
export const diskAttachments = (owner: 'vm' | 'template'): Behaviour => ({
  source: reported((parent) => [...Store.sub(parent, 'disks').values()].map((d) => attachmentOf(d, owner, parent))),
  requiredV4: [['disk']],
  add: owner === 'vm' ? attach : undefined,
  remove:
    owner === 'vm'
      ? ({ store, rec, parent, param }) => {
          const vm = parent!._base ?? parent!;
          const disk = Store.sub(vm, 'disks').get(rec.id);
          if (!disk) throw entityNotFound('Disk', `id=${rec.id}`);
          // BackendDiskAttachmentResource: detach_only is true unless said otherwise.
          const detachOnly = (param('detach_only') ?? 'true').toLowerCase() !== 'false';
          if (RUNNING.has(String(vm.status?.state)) && disk.active)
            throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', detachOnly ? 'DETACH_ACTION_TO' : 'REMOVE', 'DISK');
          Store.sub(vm, 'disks').delete(rec.id);
          if (!detachOnly) return;
          const { href: _h, vm: _v, ...fields } = disk;
          store.table('disks').set(disk.id, decorate(specAt('disks'), { ...fields }));
        }
      : undefined,
  update:
    owner === 'vm'
      ? ({ rec, parent, body }) => {
          const vm = parent!._base ?? parent!;
          const disk = Store.sub(vm, 'disks').get(rec.id);
          if (!disk) throw entityNotFound('Disk', `id=${rec.id}`);
          if (body.active !== undefined && body.active !== disk.active) plug(vm, disk, body.active === true);
          for (const k of ['interface', 'bootable', 'pass_discard', 'read_only'] as const) if (body[k] !== undefined) disk[k] = body[k];
        }
      : undefined,
});
