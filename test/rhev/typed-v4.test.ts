/**
 * The typed v4 client (issue 27 point 2): `connectV4(...).getAll('vms')`
 * answers `V4.VmResource`s, with v4's fields and sub-collections as methods;
 * a collection or field v4 does not have fails to compile (the
 * `@ts-expect-error` lines below are checked by `tsc` in `npm test`: were they
 * to compile, the build would fail). Run against the simulator as a v4 engine.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedV4TypesPath, generateV4ClientTypes } from '../../scripts/generate-client-types.ts';
import { connectV4, type V4, type V4Connection } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator } from '../helpers.ts';

let sim: Simulator;
let conn: V4Connection;
beforeAll(async () => {
  sim = await simulator({ ...SMALL, dialects: 'v4' });
  conn = connectV4({ url: sim.apiUrl, username: 'admin@internal', password: 'admin' });
});
afterAll(async () => {
  await conn.close();
  await sim.close();
});

describe('the typed v4 client', () => {
  it('answers v4 resources, typed: fields, sub-collections and actions', async () => {
    const vms: V4.VmResource[] = [...(await conn.getAll('vms', { max: 2 }))];
    expect(vms).toHaveLength(2);
    const vm = vms[0];
    const name: string | undefined = vm.name;
    const status: V4.Vm['status'] = vm.status;
    expect(name).toMatch(/\w/);
    expect(status).toMatch(/^(up|down|powering_up|wait_for_launch|paused|migrating|image_locked)$/);
    const attachments: V4.DiskAttachmentResource[] = [...(await vm.diskattachments())];
    expect(attachments.length).toBeGreaterThan(0);
    expect(typeof vm.start).toBe('function');
    const cluster: V4.ClusterResource | undefined = await conn.get('clusters', { id: String(vm.cluster?.id) });
    expect(cluster?.id).toBe(vm.cluster?.id);
  });

  it('refuses, at compile time, a collection or a field v4 does not have', async () => {
    // @ts-expect-error: v4 has no `capabilities` collection (v3 had)
    const refused = () => conn.getAll('capabilities');
    // @ts-expect-error: a misspelt field
    const misspelt = (vm: V4.VmResource) => vm.nmae;
    expect([typeof refused, typeof misspelt]).toEqual(['function', 'function']);
  });

  it('src/rhev/types-v4.generated.ts is current (npm run generate rewrites it)', () => {
    expect(readFileSync(generatedV4TypesPath, 'utf8')).toBe(generateV4ClientTypes());
  });
});
