/**
 * Every collection's behaviour, from the subject files, and the rules for
 * collections no entry names: records in a table of the collection's name at
 * the top level, in the parent's own map below it. A collection of the API
 * model with nothing of its own is served by those alone; one with
 * behaviour of its own is added to the subject file it belongs to.
 */

import type { TypeWord } from '../app-errors.generated.ts';
import { owned, type Source, table } from '../sources.ts';
import type { Table } from '../store.ts';
import { ACCESS } from './access.ts';
import type { Behaviour } from './behaviour.ts';
import { COMPUTE } from './compute.ts';
import { INFRASTRUCTURE } from './infrastructure.ts';
import { STORAGE } from './storage.ts';

export const BEHAVIOUR: Readonly<Record<string, Behaviour>> = { ...COMPUTE, ...INFRASTRUCTURE, ...STORAGE, ...ACCESS };

/** The source a collection uses when no entry names one. */
export const defaultSource = (rel: string, topLevel: boolean): Source => (topLevel ? table(rel as Table) : owned(rel));

/** Top-level collections in the order a 3.6 engine lists them at /api (docs/protocol.md §2); any other follows. */
export const ENTRY_ORDER: readonly string[] = [
  'capabilities',
  'clusters',
  'datacenters',
  'events',
  'hosts',
  'networks',
  'roles',
  'storagedomains',
  'tags',
  'bookmarks',
  'icons',
  'templates',
  'instancetypes',
  'users',
  'groups',
  'domains',
  'vmpools',
  'vms',
  'disks',
  'jobs',
  'storageconnections',
  'vnicprofiles',
  'diskprofiles',
  'cpuprofiles',
  'schedulingpolicyunits',
  'schedulingpolicies',
  'permissions',
  'macpools',
  'operatingsystems',
  'externalhostproviders',
  'openstackimageproviders',
  'openstackvolumeproviders',
  'openstacknetworkproviders',
  'katelloerrata',
];

/** The table of each type whose records have engine-wide unique names. */
export const TABLE_OF: Record<string, Table> = {
  VM: 'vms',
  Host: 'hosts',
  Cluster: 'clusters',
  DataCenter: 'datacenters',
  Template: 'templates',
  StorageDomain: 'storagedomains',
  Network: 'networks',
  VmPool: 'vmpools',
  User: 'users',
  Role: 'roles',
  Tag: 'tags',
};

/** The engine's word for each table's type in its refusals. */
export const TYPE_WORD: Record<Table, TypeWord | undefined> = {
  vms: 'VM',
  hosts: 'HOST',
  clusters: 'CLUSTER',
  datacenters: 'STORAGE__POOL',
  templates: 'VM_TEMPLATE',
  storagedomains: 'STORAGE__DOMAIN',
  networks: 'NETWORK',
  vmpools: 'DESKTOP_POOL',
  users: 'USER',
  roles: 'ROLE',
  tags: undefined,
} as Record<Table, TypeWord | undefined>;

/** The type of each such table's records. */
export const TYPE_OF_TABLE: Record<string, string> = Object.fromEntries(Object.entries(TABLE_OF).map(([type, table]) => [table, type]));
