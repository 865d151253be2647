/**
 * Descriptions, where the engine's own do not reach the schema. A schema made
 * from a live v4 engine takes every type's and member's documentation from
 * its model.json (services.ts modelDocs); the bundled schemas carry none of
 * the engine's text, so the types a dashboard uses most get these short
 * sentences of ours, and every other type a generic one.
 */

const OURS: Readonly<Record<string, string>> = {
  Vm: 'A virtual machine: its configuration, where it runs (cluster, host), its state, and its devices (disks, NICs).',
  VM: 'A virtual machine: its configuration, where it runs (cluster, host), its state, and its devices (disks, NICs).',
  Host: 'A hypervisor the engine manages: it runs virtual machines and belongs to one cluster.',
  Cluster: 'Hosts that share a CPU type and networks, and the virtual machines that may run on them; part of one data center.',
  DataCenter: 'The top of the inventory: clusters, storage domains and logical networks that belong together.',
  StorageDomain: 'Storage the data center uses for virtual disks, ISO images or exports, and how much of it is free.',
  Disk: 'A virtual disk: its size, format and where it is stored; attached to virtual machines through their disk attachments.',
  Nic: "A virtual machine's network interface: its MAC address and the network (through a vNIC profile) it is plugged into.",
  NIC: "A virtual machine's network interface: its MAC address and the network it is plugged into.",
  Network: 'A logical network of a data center, carried by the hosts of the clusters it is attached to.',
  Template: 'A virtual machine configuration new virtual machines are made from.',
  Event: "An entry of the engine's audit log: what happened, when, how severe, and to which objects.",
  VmStatus: 'The states a virtual machine goes through (down, powering up, up, migrating, paused, ...).',
  HostStatus: 'The states of a host (up, maintenance, non responsive, installing, ...).',
  DiskStatus: 'The states of a virtual disk (ok, locked while an operation runs, illegal).',
  StorageDomainStatus: 'The states of a storage domain in its data center (active, maintenance, inactive, ...).',
  DataCenterStatus: 'The states of a data center (up, maintenance, not operational, ...).',
  TemplateStatus: 'The states of a template (ok, locked while an operation runs, illegal).',
};

/** Our sentence for a type, if it is one a dashboard uses most. */
export function ourDescription(type: string): string | undefined {
  return OURS[type];
}

/** What every other object type says. */
export function genericDescription(type: string): string {
  return `${type}, as the engine's API returns it: its fields are the engine's XML elements, in camelCase.`;
}
