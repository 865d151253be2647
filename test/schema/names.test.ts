/**
 * The naming rules of the generated schema, by example. Generated names are an
 * API: each row is a real collection or action of the bundled 3.6 model and
 * the name clients call it by. A rule change that renames any of them fails
 * here, row by row.
 */
import { describe, expect, it } from 'vitest';
import { bundledApiModel } from '../../src/model/index.ts';
import { camel, enumValue, pascal, planSchema, sentence } from '../../src/schema/index.ts';

const plan = planSchema(bundledApiModel(), { hasRsdl: true });
const byOperation = new Map(plan.mutation.map((m) => [`${m.kind} ${m.collection?.path}${m.action ? ` ${m.action}` : ''}`, m.name]));

describe('mutation names', () => {
  it.each([
    // A top-level item's action: the action, then the item.
    ['action vms start', 'startVm'],
    ['action hosts iscsidiscover', 'iscsidiscoverHost'],
    // A nested item's action: qualified by every parent, outermost first.
    ['action vms/{vm:id}/disks activate', 'activateVmDisk'],
    ['action datacenters/{datacenter:id}/storagedomains deactivate', 'deactivateDataCenterStorageDomain'],
    ['action storagedomains/{storagedomain:id}/vms import', 'importStorageDomainVm'],
    ['action clusters/{cluster:id}/glustervolumes/{glustervolume:id}/bricks replace', 'replaceClusterGlusterVolumeBrick'],
    // An action on a whole collection: named by the collection (plural) and its parents.
    ['action hosts/{host:id}/nics setupnetworks', 'setupnetworksHostNics'],
    ['action clusters/{cluster:id}/glustervolumes/{glustervolume:id}/bricks migrate', 'migrateClusterGlusterVolumeBricks'],
    // Items named with their parent's prefix lose it below that parent (host_nic -> Nic).
    ['create hosts/{host:id}/nics', 'createHostNic'],
    // Create, update, delete: the verb, then the qualified item.
    ['create vms', 'createVm'],
    ['create datacenters/{datacenter:id}/iscsibonds', 'createDataCenterIscsiBond'],
    ['update datacenters/{datacenter:id}/iscsibonds/{iscsibond:id}/networks', 'updateDataCenterIscsiBondNetwork'],
    ['delete vms/{vm:id}/tags', 'deleteVmTag'],
    ['create roles/{role:id}/permits', 'createRolePermit'],
  ])('%s -> %s', (operation, name) => {
    expect(byOperation.get(operation)).toBe(name);
  });

  it('has no two operations of one name', () => {
    expect(new Set(plan.mutation.map((m) => m.name)).size).toBe(plan.mutation.length);
  });
});

describe('name conversions', () => {
  it.each([
    ['storage_domain', 'storageDomain', 'StorageDomain'],
    ['vm', 'vm', 'Vm'],
    ['host_nic', 'hostNic', 'HostNic'],
  ])('%s is %s as a field, %s as a type part', (xml, field, part) => {
    expect(camel(xml)).toBe(field);
    expect(pascal(xml)).toBe(part);
  });

  it('makes enum values of wire values, and sentences of descriptions', () => {
    expect(enumValue('non_responsive')).toBe('NON_RESPONSIVE');
    expect(enumValue('storage_domain')).toBe('STORAGE_DOMAIN');
    expect(sentence('start the VM')).toBe('Start the VM.');
    expect(sentence('Done!')).toBe('Done!');
  });
});
