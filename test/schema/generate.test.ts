import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLObjectType, type GraphQLSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemaCommand } from '../../src/schema/command.ts';
import { genericDescription, ourDescription } from '../../src/schema/descriptions.ts';
import { generateSchema } from '../../src/schema/index.ts';
import { type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { present } from '../helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundledSdl = readFileSync(join(root, 'schema.graphql'), 'utf8');
const refXsd = join(root, '../shared/reference/xsd/api-v3.6.xsd');
const refRsdl = join(root, '../shared/reference/rsdl/rsdl-v3.6.xml');
const hasReference =
  present(refXsd, "the schema from the 3.6 engine's own XSD and RSDL") && present(refRsdl, "the schema from the 3.6 engine's own RSDL");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rhev-schema-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (o: Parameters<typeof runSchemaCommand>[0]) => {
  const lines: string[] = [];
  const code = await runSchemaCommand(o, (l) => lines.push(l));
  return { code, log: lines.join('\n') };
};
const body = (sdl: string) =>
  sdl
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

/** A small second subgraph that adds a field to VM by its key. */
const owners = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type VM @key(fields: "id") { id: ID! owner: String }
  type Query { owners: [String!]! }
`);

function compose(sdl: string) {
  return composeServices([
    { name: 'rhev', typeDefs: parse(sdl), url: 'http://rhev' },
    { name: 'owners', typeDefs: owners, url: 'http://owners' },
  ]);
}

function field(schema: GraphQLSchema, type: string, name: string) {
  return (schema.getType(type) as GraphQLObjectType).getFields()[name];
}

describe('the bundled schema', () => {
  it('schema.graphql is what the generator makes from api/ (npm run schema rewrites it)', async () => {
    const out = join(dir, 'schema.graphql');
    const { code } = await run({ out });
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(bundledSdl);
  });

  it("describes every object type (v3): the 3.6 XSD's own annotation, else our words for a dashboard's types, else a generic sentence", () => {
    const schema = buildSubgraphSchema({ typeDefs: parse(bundledSdl) });
    for (const t of ['VM', 'Host', 'Cluster', 'DataCenter', 'StorageDomain', 'Disk', 'NIC', 'Network', 'Template', 'Event'])
      expect(schema.getType(t)?.description, t).toBeTruthy();
    const undocumented = Object.values(schema.getTypeMap()).filter(
      (t) =>
        t.astNode?.kind === 'ObjectTypeDefinition' &&
        !t.name.startsWith('_') &&
        !['Query', 'Mutation', 'Subscription'].includes(t.name) &&
        !t.description,
    );
    expect(undocumented.map((t) => t.name)).toEqual([]);
    expect(ourDescription('VM')).toBeTruthy();
    expect(genericDescription('X')).toMatch(/^X, as the engine's API returns it/);
  });

  it('builds as a subgraph and composes with a subgraph that extends VM', () => {
    const schema = buildSubgraphSchema({ typeDefs: parse(bundledSdl) });
    expect(schema.getQueryType()!.getFields()._entities).toBeDefined();
    const result = compose(bundledSdl);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('owner: String');
  });

  it('maps types, scalars, relationships and roots as docs/schema-mapping.md says', () => {
    const s = buildSubgraphSchema({ typeDefs: parse(bundledSdl) });
    const q = s.getQueryType()!.getFields();
    for (const name of [
      'api',
      'capabilities',
      'vms',
      'vm',
      'hosts',
      'host',
      'dataCenters',
      'dataCenter',
      'storageDomains',
      'templates',
      'events',
    ])
      expect(q[name], name).toBeDefined();
    expect(q.vms.args.map((a) => a.name)).toEqual(['search', 'max', 'page', 'caseSensitive', 'filter', 'sortBy', 'descending']);
    expect(String(q.vms.type)).toBe('[VM!]!');
    expect(String(q.vm.args[0].type)).toBe('ID!');
    expect(String(field(s, 'VM', 'memory').type)).toBe('Long');
    expect(String(field(s, 'VM', 'creationTime').type)).toBe('DateTime');
    expect(String(field(s, 'VM', 'stateless').type)).toBe('Boolean');
    expect(String(field(s, 'VM', 'dataCenter' as string) ?? 'none')).toBe('none');
    expect(String(field(s, 'VM', 'cluster').type)).toBe('Cluster');
    expect(String(field(s, 'VM', 'host').type)).toBe('Host');
    expect(String(field(s, 'Cluster', 'dataCenter').type)).toBe('DataCenter');
    expect(String(field(s, 'VM', 'disks').type)).toBe('[Disk!]');
    expect(String(field(s, 'VM', 'nics').type)).toBe('[NIC!]');
    expect(String(field(s, 'Host', 'nics').type)).toBe('[HostNIC!]');
    expect(String(field(s, 'DataCenter', 'storageDomains').type)).toBe('[StorageDomain!]');
    for (const [t, f, target] of [
      ['DataCenter', 'clusters', 'Cluster'],
      ['Cluster', 'vms', 'VM'],
      ['Cluster', 'hosts', 'Host'],
      ['Host', 'vms', 'VM'],
      ['Template', 'vms', 'VM'],
    ]) {
      expect(String(field(s, t, f)?.type), `${t}.${f}`).toBe(`[${target}!]`);
    }
    // States keep the XSD shape; wrapper lists read as plain lists.
    expect(String(field(s, 'Status', 'state').type)).toBe('String');
    expect(String(field(s, 'Network', 'usages').type)).toBe('[String!]');
    expect(String(field(s, 'Statistic', 'unit').type)).toBe('StatisticUnit');
    // Enumerations the engine's capabilities define (api/capabilities.xml for the bundled schema).
    expect(String(field(s, 'VM', 'type').type)).toBe('VmType');
    expect(String(field(s, 'Template', 'type').type)).toBe('VmType');
    expect(String(field(s, 'Disk', 'format').type)).toBe('DiskFormat');
    expect(bundledSdl).toMatch(/enum VmType \{\n {2}DESKTOP\n {2}SERVER\n\}/);
    expect(bundledSdl).toMatch(/^type VM @key\(fields: "id"\) \{$/m);
    expect(bundledSdl).toMatch(/^type Status @shareable \{$/m);
    expect(bundledSdl).toContain('extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])');
    expect(bundledSdl).toContain('"""A virtual machine."""\ntype VM');
  });

  it('turns every action into a mutation with typed parameters, and collections into create/update/delete', () => {
    const s = buildSubgraphSchema({ typeDefs: parse(bundledSdl) });
    const m = s.getMutationType()!.getFields();
    expect(m.startVm.args.map((a) => `${a.name}: ${a.type}`)).toEqual(['id: ID!', 'action: StartVmInput', 'async: Boolean']);
    expect(String(m.migrateVm.type)).toBe('VMActionPayload!');
    expect(m.deactivateHost).toBeDefined();
    expect(m.activateDataCenterStorageDomain.args.map((a) => a.name)).toEqual(['dataCenterId', 'id', 'action', 'async']);
    expect(m.activateVmDisk.args.map((a) => a.name)).toEqual(['vmId', 'id', 'action', 'async']);
    // What the RSDL marks required is required in the schema (a clone needs its name); what it leaves
    // optional stays optional even where the engine then refuses without it (an export's domain).
    expect(String(m.cloneVm.args.find((a) => a.name === 'action')!.type)).toBe('CloneVmInput!');
    const cloneInput = s.getType('CloneVmInput') as unknown as { getFields(): Record<string, { type: unknown }> };
    expect(String(cloneInput.getFields().vm.type)).toBe('VMInput!');
    expect(String(m.exportVm.args.find((a) => a.name === 'action')!.type)).toBe('ExportVmInput');
    for (const name of ['createVm', 'updateVm', 'deleteVm', 'createVmDisk', 'createDataCenterStorageDomain', 'createVmTag'])
      expect(m[name], name).toBeDefined();
    const payload = (s.getType('VMActionPayload') as GraphQLObjectType).getFields();
    expect(Object.keys(payload)).toEqual(['status', 'job', 'fault', 'outcomeUnknown', 'action', 'resource']);
    const sub = s.getSubscriptionType()!.getFields();
    expect(sub.waitForStatus.args.map((a) => a.name)).toEqual(['type', 'id', 'status', 'deleted', 'timeout']);
    expect(sub.vmStatus).toBeDefined();
  });
});

describe('generating for other engines', () => {
  it.runIf(hasReference)('the real 3.6 XSD and RSDL: builds, composes, and every action is a mutation', () => {
    const g = generateSchema({
      xsd: readFileSync(refXsd, 'utf8'),
      xsdSource: 'api-v3.6.xsd',
      rsdl: readFileSync(refRsdl, 'utf8'),
      rsdlSource: 'rsdl-v3.6.xml',
    });
    expect(g.api.operations).toHaveLength(774);
    buildSubgraphSchema({ typeDefs: parse(g.sdl) });
    expect(compose(g.sdl).errors).toBeUndefined();
    const covered = new Set(g.plan.mutation.map((m) => m.operation).filter(Boolean));
    const actions = g.api.operations.filter((o) => o.method === 'POST' && o.bodyType === 'Action');
    expect(actions.length).toBeGreaterThan(100);
    expect(actions.filter((o) => !covered.has(o)).map((o) => o.href)).toEqual([]);
  });

  it('works without an RSDL, and says what it could not know', async () => {
    const out = join(dir, 'no-rsdl.graphql');
    const { code, log } = await run({ xsd: join(root, 'api/api.xsd'), out });
    expect(code).toBe(0);
    const sdl = readFileSync(out, 'utf8');
    expect(sdl).toMatch(/^# No RSDL was given: actions/m);
    expect(log).toContain('note: No RSDL was given');
    const s = buildSubgraphSchema({ typeDefs: parse(sdl) });
    expect(s.getMutationType()).toBeFalsy();
    expect(String(field(s, 'VM', 'cluster').type)).toBe('Cluster');
    expect(String(field(s, 'VM', 'disks').type)).toBe('[Disk!]');
    expect(s.getQueryType()!.getFields().vms).toBeDefined();
  });

  it('fetches ?schema and ?rsdl from an engine, with credentials', async () => {
    let sim: Simulator | undefined;
    try {
      sim = await startSimulator({ vms: 5 });
      const out = join(dir, 'engine.graphql');
      const { code } = await run({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', out });
      expect(code).toBe(0);
      expect(body(readFileSync(out, 'utf8'))).toBe(body(bundledSdl));
      expect((await run({ url: sim.apiUrl, username: 'admin@internal', password: 'wrong', out })).code).not.toBe(0);
    } finally {
      await sim?.close();
    }
  });

  it('exits non-zero naming the file and the problem for bad input', async () => {
    const notXml = join(dir, 'not.xsd');
    writeFileSync(notXml, 'this is not XML <');
    const notSchema = join(dir, 'plain.xml');
    writeFileSync(notSchema, '<vms/>');
    const cases: [Parameters<typeof runSchemaCommand>[0], RegExp][] = [
      [{ xsd: join(dir, 'missing.xsd') }, /missing\.xsd: no such file/],
      [{ xsd: notXml }, /not\.xsd: /],
      [{ xsd: notSchema }, /plain\.xml: not an XML Schema/],
      [{ xsd: join(root, 'api/api.xsd'), rsdl: notSchema }, /plain\.xml: not an RSDL document/],
    ];
    // Two elements that camelCase to one field name: stop, naming both, rather than rename.
    const clash = join(dir, 'clash.xsd');
    writeFileSync(
      clash,
      readFileSync(join(root, 'api/api.xsd'), 'utf8').replace(
        /(<xs:element name="stop_reason"[^>]*\/>)/,
        '$1<xs:element name="stopReason" type="xs:string" minOccurs="0"/>',
      ),
    );
    cases.push([
      { xsd: clash, rsdl: join(root, 'api/rsdl.xml') },
      /Field of VM: stopReason would come from both <stop_reason> and <stopReason>/,
    ]);
    for (const [o, message] of cases) {
      const { code, log } = await run({ ...o, out: join(dir, 'x.graphql') });
      expect(code, String(message)).toBe(1);
      expect(log).toMatch(message);
    }
  });
});

describe('reverse relationships', () => {
  it('come only from references that mean ownership or placement', () => {
    const s = buildSubgraphSchema({ typeDefs: parse(bundledSdl) });
    const has = (t: string, f: string) => !!field(s, t, f);
    for (const [t, f] of [
      ['Cluster', 'vms'],
      ['Host', 'vms'],
      ['Template', 'vms'],
      ['VmPool', 'vms'],
      ['VM', 'events'],
      ['Cluster', 'hosts'],
    ])
      expect(has(t, f), `${t}.${f}`).toBe(true);
    // Pointing references make no list: a storage domain's host of creation, a job's owner, a template's source VM.
    for (const [t, f] of [
      ['Host', 'storageDomains'],
      ['User', 'jobs'],
      ['VM', 'templates'],
      ['VM', 'vmPools'],
    ])
      expect(has(t, f), `${t}.${f}`).toBe(false);
  });
});

describe('inputs that do not fit', () => {
  const bundledXsd = readFileSync(join(root, 'api/api.xsd'), 'utf8');

  it('says a YAML rsdl_metadata file is not the RSDL an engine serves', () => {
    const yaml = '---\nactions:\n- name: /vms|rel=add\n  request:\n    body:\n      parameterType: VM\n';
    expect(() => generateSchema({ xsd: bundledXsd, rsdl: yaml, rsdlSource: 'rsdl_metadata.yaml' })).toThrow(
      /rsdl_metadata\.yaml: expected the RSDL XML document an engine serves at GET \/api\?rsdl.*got YAML/,
    );
  });

  it('says which types an RSDL names that the XSD lacks', () => {
    // An RSDL of a newer engine, naming a type this schema does not have.
    const older = bundledXsd;
    const rsdl = readFileSync(join(root, 'api/rsdl.xml'), 'utf8').replace(/(<response>\s*<type>)VMs(<\/type>)/, '$1Wormholes$2');
    expect(rsdl).toContain('Wormholes');
    expect(() => generateSchema({ xsd: older, xsdSource: 'older.xsd', rsdl, rsdlSource: 'newer-rsdl.xml' })).toThrow(
      /newer-rsdl\.xml: the RSDL names 1 type that older\.xsd does not have \(Wormholes\): are the XSD and the RSDL from the same engine and version\?/,
    );
  });
});

describe.skipIf(!hasReference)('collection types that extend another (the real 3.6 schema)', () => {
  it('take their own item element: VM.numanodes holds VirtualNumaNodes, with or without the RSDL', () => {
    const xsd = readFileSync(refXsd, 'utf8');
    const without = generateSchema({ xsd, xsdSource: 'api-v3.6.xsd' });
    expect(without.api.itemOf('VirtualNumaNodes')).toEqual({ element: 'vm_numa_node', type: 'VirtualNumaNode' });
    expect(without.api.itemOf('NumaNodes')).toEqual({ element: 'host_numa_node', type: 'NumaNode' });
    const withRsdl = generateSchema({ xsd, xsdSource: 'api-v3.6.xsd', rsdl: readFileSync(refRsdl, 'utf8'), rsdlSource: 'rsdl-v3.6.xml' });
    const s = buildSubgraphSchema({ typeDefs: parse(withRsdl.sdl) });
    expect(String(field(s, 'VM', 'numanodes').type)).toBe('[VirtualNumaNode!]');
    expect(String(field(s, 'Host', 'numanodes').type)).toBe('[NumaNode!]');
  });
});
