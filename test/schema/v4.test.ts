/**
 * API v4's description and the subgraph schema made from it: our checked-in
 * api/v4 (facts only) against the engine's own model.json and XSD where
 * ../shared/reference/v4 exists, signatures kept apart from actions, and
 * schema-v4.graphql equal to what the generator makes, composable, with a
 * mutation for every action of the model.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLObjectType, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiModel, bundledV4ApiModel, bundledV4Model, parseModelJson, readServices, readXsd } from '../../src/model/index.ts';
import { runSchemaCommand } from '../../src/schema/command.ts';
import { genericDescription, ourDescription } from '../../src/schema/descriptions.ts';
import { generateSchema } from '../../src/schema/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { present } from '../helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const refDir = join(root, '../shared/reference/v4');
const refModel = join(refDir, 'model-v4.6.json');
const refXsd = join(refDir, 'api-v4.6.xsd');
const hasReference =
  present(refModel, "the v4 model against the engine's model.json") && present(refXsd, "the v4 model against the engine's 4.6 XSD");
const sdl = readFileSync(join(root, 'schema-v4.graphql'), 'utf8');
const api = bundledV4ApiModel();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rhev-schema-v4-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the v4 API model', () => {
  it('has the collections, sub-collections and actions of the services, at their v4 URLs', () => {
    const vms = api.topLevel('vms')!;
    expect(vms).toMatchObject({ itemType: 'Vm', itemElement: 'vm', collectionType: 'Vms', searchable: true });
    expect(vms.sub.map((c) => c.rel)).toEqual(expect.arrayContaining(['diskattachments', 'nics', 'snapshots', 'graphicsconsoles']));
    expect(api.collections.get('vms/{vm:id}/diskattachments')!.itemType).toBe('DiskAttachment');
    expect([...vms.actions.keys()]).toEqual(expect.arrayContaining(['start', 'stop', 'migrate', 'export', 'previewsnapshot']));
    expect(api.topLevel('clusterlevels')).toBeDefined();
    expect(api.topLevel('capabilities')).toBeUndefined();
    expect(vms.add?.bodyType).toBe('Vm');
    expect([...vms.itemMethods].sort()).toEqual(['DELETE', 'GET', 'PUT']);
  });

  it('keeps signatures (ways of calling a method) out of the operations', () => {
    const hrefs = new Set(api.operations.map((op) => op.href));
    // `from_scratch` is a way of adding a VM; `to_path_on_host` a way of exporting one.
    expect(hrefs.has('vms/fromscratch')).toBe(false);
    expect(hrefs.has('vms/{vm:id}/topathonhost')).toBe(false);
    expect(hrefs.has('hosts/{host:id}/usingssh')).toBe(false);
    // Actions that look alike but are their own stay.
    for (const h of ['hosts/{host:id}/discoveriscsi', 'hosts/{host:id}/iscsilogin', 'storagedomains/{storagedomain:id}/refreshluns']) {
      expect(hrefs.has(h)).toBe(true);
    }
  });

  it.skipIf(!hasReference)("reads the engine's own model.json to the same operations as our checked-in file", () => {
    const engine = parseModelJson(readFileSync(refModel, 'utf8'), 'model-v4.6.json');
    const theirs = readServices(bundledV4Model(), engine, 'model-v4.6.json');
    const key = (op: { method: string; href: string; bodyType?: string; responseType?: string }) =>
      `${op.method} ${op.href} ${op.bodyType ?? ''} ${op.responseType ?? ''}`;
    expect(theirs.map(key)).toEqual(api.operations.map(key));
    const ops = readServices(readXsd(readFileSync(refXsd, 'utf8'), 'api-v4.6.xsd'), engine);
    expect(new ApiModel(bundledV4Model(), ops).collections.size).toBe(api.collections.size);
  });

  it.skipIf(!hasReference)("made from an engine's own model.json, carries its documentation of types, fields and mutations", () => {
    const g = generateSchema({ xsd: readFileSync(refXsd, 'utf8'), model: readFileSync(refModel, 'utf8') });
    const schema = buildSubgraphSchema({ typeDefs: parse(g.sdl) });
    const vm = schema.getType('Vm') as GraphQLObjectType;
    expect(vm.getFields().memory.description).toMatch(/memory, in bytes/);
    expect(vm.description).toBeTruthy();
    expect(vm.description).not.toBe(ourDescription('Vm'));
    expect(schema.getMutationType()!.getFields().startVm.description).toBeTruthy();
  });

  it('the bundled schema carries our own words for the types a dashboard uses most, and a generic sentence elsewhere', () => {
    const schema = buildSubgraphSchema({ typeDefs: parse(sdl) });
    for (const t of [
      'Vm',
      'Host',
      'Cluster',
      'DataCenter',
      'StorageDomain',
      'Disk',
      'Nic',
      'Network',
      'Template',
      'Event',
      'VmStatus',
      'HostStatus',
    ])
      expect(schema.getType(t)?.description, t).toBe(ourDescription(t));
    expect(schema.getType('MacPool')?.description).toBe(genericDescription('MacPool'));
  });

  it.skipIf(!hasReference)("has the engine's XSD types, fields in wire order, and values", () => {
    const ref = readXsd(readFileSync(refXsd, 'utf8'), 'api-v4.6.xsd');
    const ours = bundledV4Model();
    expect([...ours.types.keys()].sort()).toEqual([...ref.types.keys()].sort());
    for (const [name, t] of ref.types)
      expect(ours.type(name).fields.map((f) => [f.name, f.type, f.max])).toEqual(t.fields.map((f) => [f.name, f.type, f.max]));
    for (const [name, s] of ref.simpleTypes) expect(ours.simpleTypes.get(name)?.values).toEqual(s.values);
    expect([...ours.elements]).toEqual([...ref.elements]);
  });

  it('refuses a file that is not a model, and a model whose services loop', () => {
    expect(() => parseModelJson('<api/>', 'x.json')).toThrow(/x.json: not JSON/);
    expect(() => parseModelJson('{"a":1}', 'x.json')).toThrow(/not an API model/);
    const broken = JSON.stringify({ root: 'system', types: [], services: [{ name: 'system', methods: [{ name: 'get' }], locators: [] }] });
    expect(() => parseModelJson(broken, 'x.json')).toThrow(/x.json: service "system" is not a service/);
    const loop = {
      root: 'system',
      types: [],
      services: [
        { name: 'system', methods: [], locators: [{ name: 'a', service: 'a', parameters: [] }] },
        { name: 'a', methods: [], locators: [{ name: 'a', service: 'a', parameters: [] }] },
      ],
    };
    expect(() => readServices(bundledV4Model(), loop, 'loop.json')).toThrow(/loop.json: services nest deeper than/);
  });
});

describe('the v4 schema', () => {
  it('schema-v4.graphql is what the generator makes from api/v4 (npm run generate rewrites it)', async () => {
    const out = join(dir, 'schema-v4.graphql');
    const lines: string[] = [];
    expect(await runSchemaCommand({ apiVersion: '4', out }, (l) => lines.push(l))).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(sdl);
    expect(lines.join('\n')).toMatch(/from api\/v4\/api.xsd, api\/v4\/model.json/);
  });

  it("generates from a live v4 engine's ?schema and /model.json the same schema as from the bundled files", async () => {
    const sim = await startSimulator({ dialects: 'v4', vms: 5, hosts: 2, port: 0 });
    try {
      const out = join(dir, 'live-v4.graphql');
      const lines: string[] = [];
      const code = await runSchemaCommand({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', out }, (l) => lines.push(l));
      expect(code).toBe(0);
      expect(lines.join('\n')).toContain(`${sim.apiUrl}/model.json`);
      const body = (text: string) =>
        text
          .split('\n')
          .filter((l) => !l.startsWith('#'))
          .join('\n');
      expect(body(readFileSync(out, 'utf8'))).toBe(body(sdl));
    } finally {
      await sim.close();
    }
  });

  it('names types after the model and mutations after its methods, and builds and composes', () => {
    const schema = buildSubgraphSchema({ typeDefs: parse(sdl) });
    const mutations = (schema.getMutationType() as GraphQLObjectType).getFields();
    for (const name of ['startVm', 'addVm', 'updateVm', 'removeVm', 'addVmDiskAttachment', 'exportVm', 'activateHost']) {
      expect(mutations[name], name).toBeDefined();
    }
    const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
    expect(String(fields('Vm').diskAttachments.type)).toBe('[DiskAttachment!]');
    expect(String(fields('DiskAttachment').disk.type)).toBe('Disk');
    expect(String(fields('DataCenter').clusters.type)).toBe('[Cluster!]');
    expect(String(fields('Cluster').hosts.type)).toBe('[Host!]');
    expect(String(fields('Vm').status.type)).toBe('VmStatus');
    const subs = (schema.getSubscriptionType() as GraphQLObjectType).getFields();
    expect(Object.keys(subs)).toEqual(expect.arrayContaining(['waitForStatus', 'vmStatus', 'hostStatus']));
    const composed = composeServices([{ name: 'ovirt', typeDefs: parse(sdl), url: 'http://ovirt' }]);
    expect(composed.errors ?? []).toEqual([]);
  });

  it('takes an older or a newer generation of the model without code changes', () => {
    const xsd = readFileSync(join(root, 'api/v4/api.xsd'), 'utf8');
    const model = JSON.parse(readFileSync(join(root, 'api/v4/model.json'), 'utf8'));
    // An older model (as 4.1 was): no backups, checkpoints or mediated devices, no follow= parameter.
    const later = new Set(['vm_backups', 'vm_checkpoints', 'vm_mediated_devices']);
    const older = {
      ...model,
      services: model.services.map((svc: any) => ({
        ...svc,
        locators: svc.locators.filter((l: any) => !later.has(l.service)),
        methods: svc.methods.map((m: any) => ({ ...m, parameters: m.parameters.filter((p: any) => p.name !== 'follow') })),
      })),
    };
    const old = generateSchema({ xsd, model: JSON.stringify(older) });
    expect(old.plan.mutation.some((m) => m.name === 'startVm')).toBe(true);
    expect(old.api.collections.has('vms/{vm:id}/backups')).toBe(false);
    // A newer model: a service and an action this one does not have.
    const newer = {
      ...model,
      services: [
        ...model.services.map((svc: any) =>
          svc.name === 'vm'
            ? {
                ...svc,
                methods: [
                  ...svc.methods,
                  { name: 'hibernate_now', parameters: [{ name: 'async', type: 'boolean', in: true, out: false }] },
                ],
              }
            : svc,
        ),
      ],
    };
    const g = generateSchema({ xsd, model: JSON.stringify(newer) });
    expect(g.plan.mutation.find((m) => m.name === 'hibernateNowVm')?.operation?.href).toBe('vms/{vm:id}/hibernatenow');
    expect(() => buildSubgraphSchema({ typeDefs: parse(old.sdl) })).not.toThrow();
    expect(() => buildSubgraphSchema({ typeDefs: parse(g.sdl) })).not.toThrow();
  });

  it('has a mutation for every action of the model', () => {
    const g = generateSchema({
      xsd: readFileSync(join(root, 'api/v4/api.xsd'), 'utf8'),
      model: readFileSync(join(root, 'api/v4/model.json'), 'utf8'),
    });
    const planned = new Set(g.plan.mutation.filter((m) => m.kind === 'action').map((m) => `${m.collection!.path} ${m.action}`));
    const missing: string[] = [];
    for (const c of api.collections.values()) {
      if (!g.plan.entities.has(c.itemType) && !g.plan.types.get(c.itemType)?.entity) continue;
      for (const name of [...c.actions.keys(), ...c.collectionActions.keys()])
        if (!planned.has(`${c.path} ${name}`)) missing.push(`${c.path} ${name}`);
    }
    expect(missing).toEqual([]);
    expect(planned.size).toBeGreaterThan(130);
  });
});
