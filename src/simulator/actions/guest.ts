/**
 * State changes more than one VM action makes: a guest coming up on a host,
 * a guest gone (and a host that waited for it to go to maintenance), the
 * export domain an export names.
 */
import { refuse } from '../faults.ts';
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

export function exportDomain(store: Store, body: Doc, type = 'export'): Rec {
  const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'export');
  if (sd.type !== type && !(type === 'image' && sd.type === 'data'))
    throw refuse('ACTION_TYPE_FAILED_SPECIFY_DOMAIN_IS_NOT_EXPORT_DOMAIN', 'EXPORT', 'VM', { storageDomainName: sd.name }, 'action');
  return sd;
}
