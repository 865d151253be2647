/**
 * What the engine does for actions on what is not inventory: external
 * providers (test the connection, import their certificates), jobs and their
 * steps (clear, end), removed events (undelete) and images a provider or a
 * domain offers (import as a disk).
 */
import { refuse } from '../faults.ts';
import { ref, Store } from '../store.ts';
import type { ActionHandler, Doc } from './context.ts';
import { referenced, stored } from './context.ts';

/** A provider is reachable when it has a URL; the engine tries to connect and reports what it could not reach. */
const testConnectivity: ActionHandler = ({ rec }) => {
  const provider = stored(rec);
  if (!provider.url) throw refuse('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', 'SET', 'PROVIDER', { hostStatus: 'reachable' }, 'action');
  return {};
};

/** The certificates of the provider's chain become trusted: kept on the provider. */
const importCertificates: ActionHandler = ({ rec, body }) => {
  const provider = stored(rec);
  const certificates: Doc[] = body.certificates?.certificate ?? [];
  Store.sub(provider, 'certificates').clear();
  certificates.forEach((c, i) => {
    const id = String(i);
    Store.sub(provider, 'certificates').set(id, { ...c, id, href: `${provider.href}/certificates/${id}` });
  });
  return {};
};

const PROVIDERS = ['ExternalHostProvider', 'OpenStackImageProvider', 'OpenStackNetworkProvider', 'OpenStackVolumeProvider'];

/** An image (of an OpenStack provider or an image domain) imported as a new floating disk on a data domain. */
const importImage: ActionHandler = function ({ rec, body, store, inv }) {
  const domain = referenced(
    store,
    'storagedomains',
    'StorageDomain',
    body.storage_domain ?? body.storagedomain,
    'storagedomain.id|name',
    'import',
  );
  const disk: Doc = {
    id: inv.id(),
    alias: body.disk?.alias ?? rec.name ?? 'image',
    name: rec.name,
    format: 'cow',
    sparse: true,
    bootable: false,
    shareable: false,
    status: { state: 'locked' },
    storage_domains: { storage_domain: [ref(domain)] },
    provisioned_size: rec.size ?? 1 << 30,
  };
  disk.href = `disks/${disk.id}`;
  store.table('disks').set(disk.id, disk as never);
  return {
    task: this.steps(() => {
      disk.status = { state: 'ok' };
    }),
  };
};

export const SYSTEM_ACTIONS: Record<string, ActionHandler> = {
  ...Object.fromEntries(
    PROVIDERS.flatMap((type) => [
      [`${type}#testconnectivity`, testConnectivity],
      [`${type}#importcertificates`, importCertificates],
    ]),
  ),
  'Job#end'({ rec, body }) {
    const job = stored(rec);
    if (!job.external) throw refuse('ACTION_TYPE_NOT_EXTERNAL', 'END', 'EXTERNAL_JOB', {}, 'action');
    job.status = { state: body.status?.state ?? (body.succeeded === false ? 'failed' : 'finished') };
    job.end_time = new Date().toISOString();
    job.last_updated = job.end_time;
    return {};
  },
  'Job#clear'({ rec, store }) {
    const job = stored(rec);
    if (!store.table('jobs').delete(job.id)) throw refuse('ACTION_TYPE_NO_JOB', 'CLEAR', 'EXTERNAL_JOB', {}, 'action');
    return {};
  },
  'Step#end'({ rec, body }) {
    const step = stored(rec);
    if (!step.external) throw refuse('ACTION_TYPE_NOT_EXTERNAL', 'END', 'EXTERNAL_STEP', {}, 'action');
    step.status = { state: body.succeeded === false ? 'failed' : 'finished' };
    step.end_time = new Date().toISOString();
    return {};
  },
  /** Every event removed since the engine started comes back. */
  'events#undelete'({ store }) {
    for (const e of store.deletedEvents.splice(0)) store.table('events').set(e.id, e);
    return {};
  },
  'OpenStackImage#import': importImage,
  'Image#import': importImage,
};
