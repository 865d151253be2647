import { readFileSync as read, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractSearchEntities } from '../../scripts/extract-search-fields.ts';
import { capabilitiesFileText } from '../../scripts/write-simulator-metadata.ts';
import {
  ApiModel,
  bundledApiModel,
  bundledCapabilitiesPath,
  bundledModel,
  DescriptionError,
  readRsdl,
  readXsd,
  SEARCH_ENTITIES,
  searchLanguage,
} from '../../src/model/index.ts';
import { present, V3_VM_SUBCOLLECTIONS } from '../helpers.ts';

const referenceRsdl = new URL('../../../shared/reference/rsdl/rsdl-v3.6.xml', import.meta.url);

describe('the API model', () => {
  it('api/capabilities.xml is what the simulator publishes (npm run generate rewrites it)', () => {
    expect(read(bundledCapabilitiesPath, 'utf8')).toBe(capabilitiesFileText());
  });

  it('knows collections, items, actions and sub-collections', () => {
    const m = bundledApiModel();
    const vms = m.topLevel('vms')!;
    expect(vms).toMatchObject({ itemType: 'VM', itemElement: 'vm', collectionType: 'VMs', searchable: true, idVar: 'vm' });
    expect([...vms.itemMethods].sort()).toEqual(['DELETE', 'GET', 'PUT']);
    expect([...vms.actions.keys()]).toContain('migrate');
    expect(vms.actions.get('migrate')!.bodyParams.map((p) => p.name)).toContain('action.host.id|name');
    const nics = m.collections.get('hosts/{host:id}/nics')!;
    expect(nics).toMatchObject({ itemType: 'HostNIC', itemElement: 'host_nic', parent: m.topLevel('hosts') });
    expect([...m.subsOf('VM').keys()].sort()).toEqual(V3_VM_SUBCOLLECTIONS);
    expect(m.topLevel('roles')!.searchable).toBe(false);
  });

  it.runIf(present(referenceRsdl, 'reading the real 3.6 RSDL'))('reads the real 3.6 RSDL (774 links)', () => {
    const ops = readRsdl(bundledModel(), readFileSync(referenceRsdl, 'utf8'));
    const m = new ApiModel(bundledModel(), ops);
    expect(ops).toHaveLength(774);
    expect(m.topLevel('vms')!.actions.has('start')).toBe(true);
  });

  it('names the file and the problem for malformed input', () => {
    expect(() => readXsd('<not-xml', 'broken.xsd')).toThrow(DescriptionError);
    expect(() => readXsd('<root/>', 'plain.xml')).toThrow(/plain.xml: not an XML Schema/);
    expect(() => readRsdl(bundledModel(), '<vms/>', 'x.xml')).toThrow(/x.xml: not an RSDL document/);
  });
});

const referenceXsd = new URL('../../../shared/reference/xsd/api-v3.6.xsd', import.meta.url);

describe('api/api.xsd', () => {
  it.runIf(present(referenceXsd, "the model against the 3.6 engine's XSD"))(
    'has every type of the real 3.6 schema, field for field, in wire order',
    () => {
      const real = readXsd(readFileSync(referenceXsd, 'utf8'), 'api-v3.6.xsd');
      const ours = bundledModel();
      expect(ours.types.size).toBe(real.types.size);
      for (const [name, r] of real.types) {
        const shape = (t: typeof r | undefined) => t?.fields.map((f) => `${f.name}:${f.type}:${f.min}:${f.max}`).join(',');
        expect(shape(ours.types.get(name)), name).toBe(shape(r));
      }
      expect([...ours.elements].sort()).toEqual([...real.elements].sort());
    },
  );

  it('keeps our own documentation', () => {
    const text = readFileSync(new URL('../../api/api.xsd', import.meta.url), 'utf8');
    expect(text).not.toMatch(/jaxb:/);
    expect(text.match(/<xs:documentation>/g)?.length ?? 0).toBeGreaterThanOrEqual(110);
  });

  it('lets the reader keep what the engine keeps: initialization, payloads, mac pools', async () => {
    const { readDocument } = await import('../../src/xml/index.ts');
    const vm = readDocument(
      bundledModel(),
      '<vm id="x"><name>a</name><payloads><payload type="floppy"><files><file id="f"><name>f.txt</name><content>hi</content></file></files></payload></payloads><initialization><host_name>a.example.com</host_name></initialization></vm>',
    );
    expect(vm.value.initialization).toEqual({ host_name: 'a.example.com' });
    expect(vm.value.payloads.payload[0]).toMatchObject({ type: 'floppy' });
    const dc = readDocument(bundledModel(), '<data_center id="d"><name>d</name><mac_pool id="m"/></data_center>');
    expect(dc.value.mac_pool).toEqual({ id: 'm' });
  });
});

const referenceSearch = fileURLToPath(new URL('../../../shared/reference/engine-master/searchbackend', import.meta.url));

describe('the search language (model/search.generated.ts)', () => {
  it.skipIf(!present(referenceSearch, "the search language against the engine's search backend"))(
    "is what the engine's search backend says, for every object whose sources ../shared holds",
    () => {
      const extracted = extractSearchEntities(referenceSearch);
      let compared = 0;
      for (const [name, entity] of Object.entries(extracted)) {
        // ../shared holds some of the backend's files: an object whose field list is elsewhere comes out empty here.
        if (!entity.fields.length) continue;
        expect(SEARCH_ENTITIES[name], name).toEqual(entity);
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
    },
  );

  it('names the fields and reached objects Ansible and the SDK search with', () => {
    expect(searchLanguage('disks')).toMatchObject({ crossRefs: expect.arrayContaining(['storage']) });
    expect(searchLanguage('disks')!.fields).toContain('vm_names');
    expect(searchLanguage('templates')!.crossRefs).toContain('vm');
    expect(searchLanguage('events')!.crossRefs).toContain('host');
    expect(searchLanguage('vms')!.fields).toEqual(expect.arrayContaining(['name', 'status', 'cluster', 'tag']));
  });
});
