/**
 * What the engine does for each action on storage: a domain's activation in
 * its data center, template export, and importing what an export domain
 * holds.
 */

import { refuse } from '../faults.ts';
import { decorate, specAt } from '../routes.ts';
import { BLANK_ID, ref, Store } from '../store.ts';
import { type ActionHandler, referenced, stored } from './context.ts';
import { exportDomain, ovaHost } from './guest.ts';

export const STORAGE_ACTIONS: Record<string, ActionHandler> = {
  'StorageDomain#activate'({ rec }) {
    const sd = stored(rec);
    if (sd._dcState === 'active')
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'ACTIVATE', 'STORAGE__DOMAIN', { status: 'Active' }, 'action');
    if (sd._dcState !== 'maintenance' && sd._dcState !== 'inactive')
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'ACTIVATE', 'STORAGE__DOMAIN', { status: sd._dcState }, 'action');
    sd._dcState = 'activating';
    this.transition(sd, [
      () => {
        sd._dcState = 'active';
      },
    ]);
    return {};
  },
  'StorageDomain#deactivate'({ rec, store }) {
    const sd = stored(rec);
    if (sd._dcState !== 'active')
      throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2', 'DEACTIVATE', 'STORAGE__DOMAIN', { status: sd._dcState }, 'action');
    // The master can go to maintenance only when another active data domain of the data center can take its place.
    if (
      sd.master &&
      ![...store.table('storagedomains').values()].some(
        (o) => o.id !== sd.id && o._dc === sd._dc && o.type === 'data' && o._dcState === 'active',
      )
    ) {
      throw refuse('ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN', undefined, undefined, {}, 'action');
    }
    sd._dcState = 'preparing_for_maintenance';
    this.transition(sd, [
      () => {
        sd._dcState = 'maintenance';
      },
    ]);
    return {};
  },
  'Template#export'({ rec: t, body, store }) {
    if (ovaHost(store, body)) {
      if (t.id === BLANK_ID) throw refuse('VMT_CANNOT_EXPORT_BLANK_TEMPLATE', undefined, undefined, {}, 'action');
      t.status = { state: 'locked' };
      return { task: this.transition(t, [() => {}, () => void (t.status = { state: 'ok' })]) };
    }
    const sd = exportDomain(store, body);
    if (t.id === BLANK_ID) throw refuse('VMT_CANNOT_EXPORT_BLANK_TEMPLATE', undefined, undefined, {}, 'action');
    if (t.status.state !== 'ok') throw refuse('VM_TEMPLATE_IS_LOCKED', undefined, undefined, {}, 'action');
    t.status = { state: 'locked' };
    return {
      task: this.transition(t, [
        () => {},
        () => {
          t.status = { state: 'ok' };
          const copy = decorate(
            specAt('storagedomains/{id}/templates'),
            { ...t, _sub: undefined, actions: undefined, link: undefined },
            sd.href,
          );
          copy.storage_domain = ref(sd);
          Store.sub(sd, 'templates').set(copy.id, copy);
        },
      ]),
    };
  },
  'VM#import'({ rec, body, store, inv }) {
    const cluster = referenced(store, 'clusters', 'Cluster', body.cluster, 'cluster.id|name', 'import');
    const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'import');
    if (store.get('vms', rec.id) && !body.clone) throw refuse('ACTION_TYPE_FAILED_VM_GUID_ALREADY_EXIST', 'IMPORT', 'VM', {}, 'action');
    const template = store.get('templates', rec.template?.id) ?? store.get('templates', BLANK_ID)!;
    return {
      task: this.steps(
        () => {},
        () => {
          inv.vm(
            body.clone ? `${rec.name}-imported` : rec.name,
            cluster,
            template,
            { memory: rec.memory, cpu: rec.cpu, os: rec.os, ...(body.clone ? {} : { id: rec.id }) },
            { domain: sd },
          );
        },
      ),
    };
  },
  'Template#import'({ rec, body, store, inv }) {
    const cluster = referenced(store, 'clusters', 'Cluster', body.cluster, 'cluster.id|name', 'import');
    if (store.get('templates', rec.id) && !body.clone)
      throw refuse('ACTION_TYPE_FAILED_TEMPLATE_GUID_ALREADY_EXISTS', 'IMPORT', 'VM_TEMPLATE', {}, 'action');
    return {
      task: this.steps(
        () => {},
        () => {
          inv.template(
            body.clone ? `${rec.name}-imported` : rec.name,
            cluster,
            { memory: rec.memory, cpu: rec.cpu, os: rec.os },
            body.clone ? inv.id() : rec.id,
          );
        },
      ),
    };
  },
  /** Whether the domain (seen from a host) belongs to a data center already. */
  'StorageDomain#isattached'({ rec }) {
    return { output: { is_attached: !!stored(rec)._dc } };
  },
  'StorageDomain#refreshluns'() {
    return {};
  },
  /** A copy of the disk, floating (attached to no VM), on the domain the action names. */
  'Disk#copy'({ rec, body, store, inv }) {
    const disk = stored(rec);
    const sd = referenced(store, 'storagedomains', 'StorageDomain', body.storage_domain, 'storage_domain.id|name', 'copy');
    if (sd.type !== 'data') throw refuse('ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL', 'COPY', 'VM_DISK', {}, 'action');
    const { href: _h, actions: _a, link: _l, vm: _v, _base: _b, ...fields } = disk;
    const copy = {
      ...fields,
      id: inv.id(),
      alias: body.disk?.alias ?? disk.alias,
      storage_domains: { storage_domain: [ref(sd)] },
      status: { state: 'locked' },
      active: undefined,
    };
    const rec2 = decorate(specAt('disks'), copy);
    store.table('disks').set(rec2.id, rec2);
    return {
      task: this.steps(() => {
        rec2.status = { state: 'ok' };
      }),
    };
  },
  /** What an attached domain holds but no data center knows yet joins the inventory, as an import does. */
  'VM#register'(ctx) {
    return STORAGE_ACTIONS['VM#import'].call(this, {
      ...ctx,
      body: { ...ctx.body, storage_domain: ctx.body.storage_domain ?? { id: ctx.rec.storage_domain?.id } },
    });
  },
  'Template#register'(ctx) {
    return STORAGE_ACTIONS['Template#import'].call(this, ctx);
  },
};
