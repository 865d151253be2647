/**
 * Enumerations the engine defines in /api/capabilities rather than in its
 * XSD (where these fields are plain strings). Each capability list names the
 * legal values of some fields; with a capabilities document at hand, the
 * generator makes those fields GraphQL enums. States (vm_states, ...) stay
 * strings inside `status { state }`, readable as the engine sends them.
 */

import type { XsdModel } from '../model/index.ts';
import { DescriptionError } from '../model/index.ts';
import { readExpected } from '../xml/index.ts';

export interface CapabilityEnum {
  /** The GraphQL enum's name. */
  readonly name: string;
  /** `Type.field` of every field it governs (subtypes included). */
  readonly fields: readonly string[];
}

/** Capability list element -> the enum it defines. */
export const CAPABILITY_ENUMS: Readonly<Record<string, CapabilityEnum>> = {
  vm_types: { name: 'VmType', fields: ['VmBase.type'] },
  disk_formats: { name: 'DiskFormat', fields: ['Disk.format'] },
  disk_interfaces: { name: 'DiskInterface', fields: ['Disk.interface'] },
  nic_interfaces: { name: 'NicInterface', fields: ['NIC.interface'] },
  display_types: { name: 'DisplayType', fields: ['Display.type'] },
  boot_devices: { name: 'BootDevice', fields: ['Boot.dev'] },
  storage_types: { name: 'StorageType', fields: ['Storage.type', 'DataCenter.storage_type'] },
  storage_domain_types: { name: 'StorageDomainType', fields: ['StorageDomain.type'] },
  fence_types: { name: 'FenceType', fields: ['Action.fence_type'] },
  vm_affinities: { name: 'VmAffinity', fields: ['VmPlacementPolicy.affinity'] },
  error_handling: { name: 'MigrateOnError', fields: ['ErrorHandling.on_error'] },
  boot_protocols: { name: 'BootProtocol', fields: ['HostNIC.boot_protocol', 'NIC.boot_protocol'] },
  vm_pool_types: { name: 'VmPoolType', fields: ['VmPool.type'] },
};

/** The value lists of a capabilities document, over all its versions: `{ vm_types: ['desktop', 'server'] }`. */
export function readCapabilities(xsd: XsdModel, text: string, source = 'capabilities'): Record<string, string[]> {
  const doc = readExpected(
    xsd,
    text,
    'capabilities',
    (problem, detail) =>
      new DescriptionError(
        source,
        problem === 'root'
          ? `not a capabilities document (its root element is <${detail}>)`
          : `not a readable capabilities document (${detail})`,
      ),
  );
  const out: Record<string, string[]> = {};
  for (const version of doc.value.version ?? []) {
    for (const list of Object.keys(CAPABILITY_ENUMS)) {
      const wrapper = version[list];
      if (!wrapper || typeof wrapper !== 'object') continue;
      const values = Object.values(wrapper).find(Array.isArray) as string[] | undefined;
      if (!values) continue;
      const seen = new Set(out[list] ?? []);
      for (const v of values) seen.add(String(v).toLowerCase());
      out[list] = [...seen];
    }
  }
  return out;
}
