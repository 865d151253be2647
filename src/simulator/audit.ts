/**
 * Which audit log entry each change writes, and how its message is filled
 * in: the engine logs its own type per command (audit-log.generated.ts has
 * their codes and texts), and this is the one place that says which command
 * logs which.
 */
import { AUDIT_LOG, type AuditLogName } from './audit-log.generated.ts';
import type { Rec } from './store.ts';

type Change = 'added' | 'updated' | 'removed';

/** Per resource type: the entry for each generic change, and the message variable its name fills. */
const BY_TYPE: Record<string, { added?: AuditLogName; updated?: AuditLogName; removed?: AuditLogName; name: string }> = {
  VM: { added: 'USER_ADD_VM', updated: 'USER_UPDATE_VM', removed: 'USER_REMOVE_VM_FINISHED', name: 'VmName' },
  Host: { added: 'USER_ADD_VDS', updated: 'USER_UPDATE_VDS', removed: 'USER_REMOVE_VDS', name: 'VdsName' },
  Template: {
    added: 'USER_ADD_VM_TEMPLATE',
    updated: 'USER_UPDATE_VM_TEMPLATE',
    removed: 'USER_REMOVE_VM_TEMPLATE',
    name: 'VmTemplateName',
  },
  Cluster: { added: 'USER_ADD_VDS_GROUP', updated: 'USER_UPDATE_VDS_GROUP', removed: 'USER_REMOVE_VDS_GROUP', name: 'VdsGroupName' },
  DataCenter: {
    added: 'USER_ADD_STORAGE_POOL',
    updated: 'USER_UPDATE_STORAGE_POOL',
    removed: 'USER_REMOVE_STORAGE_POOL',
    name: 'StoragePoolName',
  },
  StorageDomain: {
    added: 'USER_ADD_STORAGE_DOMAIN',
    updated: 'USER_UPDATE_STORAGE_DOMAIN',
    removed: 'USER_REMOVE_STORAGE_DOMAIN',
    name: 'StorageDomainName',
  },
  Network: { added: 'NETWORK_ADD_NETWORK', updated: 'NETWORK_UPDATE_NETWORK', removed: 'NETWORK_REMOVE_NETWORK', name: 'NetworkName' },
  VmPool: { added: 'USER_ADD_VM_POOL_WITH_VMS', updated: 'USER_UPDATE_VM_POOL', removed: 'USER_REMOVE_VM_POOL', name: 'VmPoolName' },
  Tag: { added: 'USER_ADD_TAG', updated: 'USER_UPDATE_TAG', removed: 'USER_REMOVE_TAG', name: 'TagName' },
  User: { added: 'USER_ADD', removed: 'USER_REMOVE_ADUSER', name: 'AdUserName' },
  Permission: { added: 'USER_ADD_PERMISSION', removed: 'USER_REMOVE_PERMISSION', name: 'SubjectName' },
  Disk: { added: 'USER_ADD_DISK_TO_VM', updated: 'USER_UPDATE_VM_DISK', removed: 'USER_REMOVE_DISK_FROM_VM', name: 'DiskAlias' },
  NIC: {
    added: 'NETWORK_ADD_VM_INTERFACE',
    updated: 'NETWORK_UPDATE_VM_INTERFACE',
    removed: 'NETWORK_REMOVE_VM_INTERFACE',
    name: 'InterfaceName',
  },
  Snapshot: { added: 'USER_CREATE_SNAPSHOT', removed: 'USER_REMOVE_SNAPSHOT', name: 'SnapshotName' },
};

/** The entry a generic change of a resource writes, with its variables; undefined where the engine logs none. */
export function changeEntry(
  change: Change,
  type: string,
  rec: Rec,
  parent: Rec | undefined,
  userName: string,
): { name: AuditLogName; vars: Record<string, string> } | undefined {
  const t = BY_TYPE[type];
  const name = t?.[change];
  if (!t || !name) return undefined;
  const vars: Record<string, string> = {
    UserName: userName,
    NewUserName: String(rec.user_name ?? rec.name ?? ''),
    [t.name]: String(rec.name ?? rec.alias ?? rec.description ?? rec.id),
  };
  // What the entry says about where the resource lives.
  if (parent?.name !== undefined) vars.VmName = String(parent.name);
  if (type === 'Disk') vars.DiskAlias = String(rec.alias ?? rec.name ?? rec.id);
  if (type === 'NIC') vars.InterfaceType = String(rec.interface ?? '');
  if (type === 'Snapshot') vars.SnapshotName = String(rec.description ?? '');
  if (type === 'DataCenter') {
    vars.CompatibilityVersion = rec.version ? `${rec.version.major}.${rec.version.minor}` : '';
    vars.QuotaEnforcementType = String(rec.quota_mode ?? 'disabled').toUpperCase();
  }
  return { name, vars };
}

/** An entry's code, severity and message with its variables filled in (an unknown one reads as nothing). */
export function renderEntry(
  name: AuditLogName,
  vars: Record<string, string | number | undefined>,
): { code: number; severity: string; description: string } {
  const e = AUDIT_LOG[name];
  return { code: e.code, severity: e.severity, description: e.message.replace(/\$\{(\w+)\}/g, (_m, v: string) => String(vars[v] ?? '')) };
}
