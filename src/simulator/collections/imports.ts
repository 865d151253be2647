/**
 * API v4's services that only add, with no collection to list: imports of
 * VMs from another hypervisor (`POST /externalvmimports`, virt-v2v on a
 * host of the cluster, BackendExternalVmImportsResource). The engine checks
 * the fields below, starts the import and answers 201 with the import as
 * posted, its password dropped and what it made named by id and href: the
 * VM, locked while its disks are converted, then down.
 */
import type { Doc } from '../actions/context.ts';
import { hasPath } from '../documents.ts';
import { incomplete } from '../faults.ts';
import { BLANK_ID, type Rec, ref } from '../store.ts';
import type { CrudContext } from './behaviour.ts';

export interface AddOnlyService {
  /** The document element posted and answered. */
  readonly element: string;
  /** What the REST layer requires, in its names. */
  readonly required: readonly string[];
  /** Does the add; answers the document and the task it started. */
  add(ctx: CrudContext): { doc: Doc; task?: Promise<void> };
}

const PROVIDERS = new Set(['vmware', 'xen', 'kvm']);

export const ADD_ONLY: Readonly<Record<string, AddOnlyService>> = {
  externalvmimports: {
    element: 'external_vm_import',
    required: ['provider', 'url', 'name', 'cluster.id|name', 'storageDomain.id|name'],
    add(ctx) {
      const { body, inv } = ctx;
      const missing = this.required.filter((p) => !p.split('|').some((alt) => hasPath(body, alt, p)));
      if (missing.length) throw incomplete('ExternalVmImport', missing, 'add');
      if (!PROVIDERS.has(String(body.provider).toLowerCase())) throw incomplete('ExternalVmImport', ['provider'], 'add');
      const cluster = ctx.resolve('clusters', body.cluster, 'Cluster');
      const domain = ctx.resolve('storagedomains', body.storage_domain, 'StorageDomain');
      const host = body.host ? ctx.resolve('hosts', body.host, 'Host') : undefined;
      const blank = ctx.store.get('templates', BLANK_ID)!;
      const name = String(body.vm?.name ?? body.name);
      ctx.checkName('vms', name, 'VM', 'ADD');
      const vm = inv.vm(name, cluster, blank, { origin: String(body.provider).toLowerCase() }, { disks: 1, nics: 1, domain });
      vm.status = { state: 'image_locked' };
      const task = ctx.steps(() => {
        vm.status = { state: 'down' };
      });
      const { password: _p, ...posted } = body;
      const named = (r: Rec) => ({ ...ref(r), href: r.href });
      return {
        doc: { ...posted, vm: named(vm), cluster: named(cluster), storage_domain: named(domain), host: host ? named(host) : undefined },
        task,
      };
    },
  },
};
