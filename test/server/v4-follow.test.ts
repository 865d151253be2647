/**
 * Objects `follow=` inlined under others are resources like any (issue 22,
 * issue 27 point 1): on v4, every relation of a disk answers the same
 * whether the disk came through the `Vm.disks` shortcut, through
 * `diskAttachments { disk }`, or on its own; lists of references are
 * loaded, not left as bare ids. Every relation field of the types a
 * dashboard reaches this way is asked for, read from the served schema.
 */
import { buildClientSchema, type GraphQLObjectType, type GraphQLSchema, getIntrospectionQuery, getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, type Stack, stack } from './helpers.ts';

let s: Stack;
let schema: GraphQLSchema;
beforeAll(async () => {
  s = await stack({ vms: 6, hosts: 2, dialects: 'v4' });
  schema = buildClientSchema((await gql(s, getIntrospectionQuery())).data);
});
afterAll(() => s.close());

/** The fields of a type that lead to other objects (references and lists), with a selection for each. */
function relations(typeName: string): string[] {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter((f) => isObjectType(getNamedType(f.type)) && !f.args.some((a) => a.type.toString().endsWith('!')))
    .map((f) => {
      const target = getNamedType(f.type) as GraphQLObjectType;
      const leaf = ['id', 'name'].filter((n) => target.getFields()[n]);
      return `${f.name} { ${leaf.length ? leaf.join(' ') : '__typename'} }`;
    });
}

const internal = (r: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) =>
  (r.errors ?? []).filter((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || /did not come from the engine/.test(e.message));

describe('a disk reached through follow on v4', () => {
  it('answers every relation through the Vm.disks shortcut, through diskAttachments, and on its own alike', async () => {
    const fields = relations('Disk');
    expect(fields.length).toBeGreaterThan(3);
    for (const field of fields) {
      const shortcut = await gql(s, `{ vms(max: 2) { disks { id ${field} } } }`);
      const through = await gql(s, `{ vms(max: 2) { diskAttachments { disk { id ${field} } } } }`);
      expect(internal(shortcut), `Vm.disks ${field}`).toEqual([]);
      expect(internal(through), `diskAttachments.disk ${field}`).toEqual([]);
      // The same data whichever way the disk came.
      const a = shortcut.data?.vms.flatMap((v: any) => v.disks);
      const b = through.data?.vms.flatMap((v: any) => v.diskAttachments.map((d: any) => d.disk));
      expect(a, field).toEqual(b);
    }
  }, 60_000);

  it('loads lists of references: a disk names its storage domains', async () => {
    const r = await gql(s, '{ vms(max: 2) { disks { storageDomains { id name } } } }');
    expect(r.errors).toBeUndefined();
    const domains = r.data.vms.flatMap((v: any) => v.disks.flatMap((d: any) => d.storageDomains));
    expect(domains.length).toBeGreaterThan(0);
    for (const d of domains) expect(d.name).toEqual(expect.any(String));
  });
});

describe('the types a dashboard reaches from a VM on v4', () => {
  it('answer every relation without an internal error', async () => {
    for (const [path, type] of [
      ['vms(max: 2) { nics', 'Nic'],
      ['vms(max: 2) { cluster', 'Cluster'],
      ['vms(max: 2) { host', 'Host'],
    ] as const) {
      for (const field of relations(type)) {
        const r = await gql(s, `{ ${path} { id ${field} } } }`);
        expect(internal(r), `${path} ${field}`).toEqual([]);
      }
    }
  }, 120_000);
});
