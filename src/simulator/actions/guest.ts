/**
 * State changes more than one VM action makes: a guest coming up on a host,
 * a guest gone (and a host that waited for it to go to maintenance), the
 * export domain an export names.
 */
import { incomplete, refuse } from '../faults.ts';
import type { Inventory } from '../inventory.ts';
import type { Rec, Store } from '../store.ts';
import { type Doc, referenced } from './context.ts';

export function startedOn(vm: Rec, h: Rec, inv: Inventory, paused: boolean): void {
  if (!vm.host) return; // stopped while starting
  vm.status = { state: paused ? 'paused' : 'up' };
  vm.start_time = new Date().toISOString();
  vm.display.address = h.address;
  vm.display.port = inv.displayPort();
  vm.display.secure_port = vm.display.port + 1;
  vm.guest_info = {
    ips: { ip: [{ address: `192.168.${inv.displayPort() % 250}.${(inv.displayPort() >> 3) % 250}`, version: 'v4' }] },
    fqdn: vm._runInit?.host_name ?? `${vm.name}.example.com`,
  };
}

export function stopped(vm: Rec, store?: Store): void {
  const host = store && vm.host ? store.get('hosts', vm.host.id) : undefined;
  vm.status = { state: 'down' };
  vm.host = undefined;
  // A host waiting to go to maintenance until its last VM is gone goes now.
  if (host?._maintenanceWhenEmpty && ![...store!.table('vms').values()].some((v) => v.host?.id === host.id)) {
    host._maintenanceWhenEmpty = undefined;
    host.status = { state: 'maintenance' };
  }
  vm.stop_time = new Date().toISOString();
  vm.guest_info = undefined;
  vm.run_once = false;
  vm._runInit = undefined;
  if (vm.display) {
    vm.display.address = undefined;
    vm.display.port = undefined;
    vm.display.secure_port = undefined;
  }
}

/**
 * Whether an export is the OVA kind (the model's `export` called with its
 * `to_path_on_host` signature: a host, a directory and a file name, as the
 * SDK's export_to_path_on_host sends them to `export`), and the host it
 * writes on, which must be up.
 */
export function ovaHost(store: Store, body: Doc): Rec | undefined {
  if (body.host === undefined && body.directory === undefined) return undefined;
  const host = referenced(store, 'hosts', 'Host', body.host, 'host.id|name', 'export');
  if (!body.directory) throw incomplete('Action', ['directory'], 'export');
  if (host.status?.state !== 'up') throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'EXPORT', 'VM', { hostStatus: 'Up' }, 'action');
  return host;
}

export function exportDomain(store: Store, body: Doc, type = 'export'): Rec {
  const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'export');
  if (sd.type !== type && !(type === 'image' && sd.type === 'data'))
    throw refuse('ACTION_TYPE_FAILED_SPECIFY_DOMAIN_IS_NOT_EXPORT_DOMAIN', 'EXPORT', 'VM', { storageDomainName: sd.name }, 'action');
  return sd;
}
