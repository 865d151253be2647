/**
 * `all_content=true` on a v4 VM (docs/protocol.md §13): what the engine adds
 * to a VM when asked for all of it (BackendVmsResource's populate): whether
 * it has a serial console, a VirtIO-SCSI controller, a sound card and a TPM,
 * and its OVF, the configuration export tools and backup scripts read back
 * (`initialization.configuration`, type `ovf`).
 *
 * The OVF written here is an Open Virtualization Format envelope of the
 * VM's identity, hardware and disks, in the element names the engine's OVF
 * writer uses; enough to identify and re-create the VM, not a byte-for-byte
 * copy of the engine's.
 */

import type { EngineRequest } from './messages.ts';
import { type Rec, Store } from './store.ts';

/** Whether the request asks for all of a resource (`?all_content=true`, or the `All-Content: true` header). */
export function wantsAllContent(req: EngineRequest): boolean {
  const v = req.query.get('all_content') ?? req.headers['all-content'];
  return String(v ?? '').toLowerCase() === 'true';
}

/** A VM with what all_content adds (a copy: the stored record is not changed). */
export function withAllContent(vm: Rec): Rec {
  const disks = [...Store.sub(vm._base ?? vm, 'disks').values()];
  return {
    ...vm,
    console: { enabled: vm.console?.enabled ?? false },
    virtio_scsi: { enabled: vm.virtio_scsi?.enabled ?? disks.some((d) => d.interface === 'virtio_scsi') },
    soundcard_enabled: vm.soundcard_enabled ?? vm.type === 'desktop',
    tpm_enabled: vm.tpm_enabled ?? false,
    initialization: { ...vm.initialization, configuration: { type: 'ovf', data: ovfOf(vm, disks) } },
  };
}

const xmlText = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The VM as an OVF envelope: its disks as references, its hardware as items of the virtual system. */
export function ovfOf(vm: Rec, disks: readonly Rec[]): string {
  const gib = (bytes: unknown) => Math.max(1, Math.ceil(Number(bytes ?? 0) / 2 ** 30));
  const refs = disks.map(
    (d) =>
      `<File ovf:href="${xmlText(d.image_id ?? d.id)}" ovf:id="${xmlText(d.image_id ?? d.id)}" ovf:size="${Number(d.provisioned_size ?? 0)}"/>`,
  );
  const section = disks.map(
    (d) =>
      `<Disk ovf:diskId="${xmlText(d.image_id ?? d.id)}" ovf:size="${gib(d.provisioned_size)}" ovf:actual_size="${gib(d.actual_size)}" ovf:fileRef="${xmlText(d.image_id ?? d.id)}" ovf:format="http://www.vmware.com/specifications/vmdk.html#sparse" ovf:volume-format="${d.format === 'raw' ? 'RAW' : 'COW'}" ovf:volume-type="${d.sparse === false ? 'Preallocated' : 'Sparse'}" ovf:disk-interface="${xmlText(String(d.interface ?? 'virtio').toUpperCase())}" ovf:boot="${d.bootable === true}" ovf:disk-alias="${xmlText(d.alias ?? d.name)}"/>`,
  );
  const memoryMb = Math.round(Number(vm.memory ?? 0) / 2 ** 20);
  const cores = Number(vm.cpu?.topology?.cores ?? 1) * Number(vm.cpu?.topology?.sockets ?? 1) * Number(vm.cpu?.topology?.threads ?? 1);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ovf:version="4.6.0.0">`,
    `<References>${refs.join('')}</References>`,
    `<Section xsi:type="ovf:DiskSection_Type"><Info>List of Virtual Disks</Info>${section.join('')}</Section>`,
    `<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type">`,
    `<Name>${xmlText(vm.name)}</Name><Description>${xmlText(vm.description)}</Description>`,
    `<TemplateId>${xmlText(vm.template?.id)}</TemplateId><CreationDate>${xmlText(vm.creation_time)}</CreationDate>`,
    `<ClusterCompatibilityVersion>4.6</ClusterCompatibilityVersion><VmType>${vm.type === 'server' ? 1 : 0}</VmType>`,
    `<Section ovf:id="${xmlText(vm.id)}" ovf:required="false" xsi:type="ovf:OperatingSystemSection_Type"><Info>Guest Operating System</Info><Description>${xmlText(vm.os?.type ?? 'other')}</Description></Section>`,
    `<Section xsi:type="ovf:VirtualHardwareSection_Type"><Info>${cores} CPU, ${memoryMb} Memory</Info>`,
    `<Item><rasd:Caption>${cores} virtual cpu</rasd:Caption><rasd:ResourceType>3</rasd:ResourceType><rasd:num_of_sockets>${Number(vm.cpu?.topology?.sockets ?? 1)}</rasd:num_of_sockets><rasd:cpu_per_socket>${Number(vm.cpu?.topology?.cores ?? 1)}</rasd:cpu_per_socket></Item>`,
    `<Item><rasd:Caption>${memoryMb} MB of memory</rasd:Caption><rasd:ResourceType>4</rasd:ResourceType><rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits><rasd:VirtualQuantity>${memoryMb}</rasd:VirtualQuantity></Item>`,
    ...disks.map(
      (d) =>
        `<Item><rasd:Caption>${xmlText(d.alias ?? d.name)}</rasd:Caption><rasd:InstanceId>${xmlText(d.image_id ?? d.id)}</rasd:InstanceId><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>${xmlText(d.id)}/${xmlText(d.image_id ?? d.id)}</rasd:HostResource></Item>`,
    ),
    `</Section></Content></ovf:Envelope>`,
  ].join('');
}
