/**
 * The engine's built-in permits and the ids of the roles every engine has.
 * Which permits are administrative follows the engine's own split (what
 * manages hosts, clusters, storage, users, roles, permissions and the engine
 * itself).
 */
import { uuidOf } from './store.ts';

export const ADMIN_ROLE_ID = uuidOf('role:SuperUser');
export const USER_VM_MANAGER_ROLE_ID = uuidOf('role:UserVmManager');
export const USER_ROLE_ID = uuidOf('role:UserRole');

/** Every permit a role may hold, in the engine's order (a permit's id is its place in this list, from 1). */
export const PERMITS = [
  'create_vm',
  'delete_vm',
  'edit_vm_properties',
  'vm_basic_operations',
  'change_vm_cd',
  'migrate_vm',
  'connect_to_vm',
  'import_export_vm',
  'configure_vm_network',
  'configure_vm_storage',
  'move_vm',
  'manipulate_vm_snapshots',
  'create_host',
  'edit_host_configuration',
  'delete_host',
  'manipulate_host',
  'configure_host_network',
  'create_template',
  'edit_template_properties',
  'delete_template',
  'copy_template',
  'configure_template_network',
  'create_vm_pool',
  'edit_vm_pool_configuration',
  'delete_vm_pool',
  'vm_pool_basic_operations',
  'create_cluster',
  'edit_cluster_configuration',
  'delete_cluster',
  'configure_cluster_network',
  'manipulate_users',
  'manipulate_roles',
  'manipulate_permissions',
  'create_storage_domain',
  'edit_storage_domain_configuration',
  'delete_storage_domain',
  'manipulate_storage_domain',
  'create_storage_pool',
  'delete_storage_pool',
  'edit_storage_pool_configuration',
  'configure_storage_pool_network',
  'configure_engine',
  'login',
];
/** The permits that make a role administrative. */
export const ADMIN_PERMITS = new Set(
  PERMITS.filter((p) => /host|cluster|storage|roles|users|permissions|engine|pool_network|storage_pool/.test(p)),
);
