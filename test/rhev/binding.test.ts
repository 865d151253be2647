import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { generateClientTypes, generatedTypesPath } from '../../scripts/generate-client-types.ts';
import { bundledModel } from '../../src/model/index.ts';
import {
  attributes,
  copy,
  createFromXml,
  getXmlSchema,
  href,
  newResource,
  ParseError,
  RhevError,
  ref,
  stateOfStatus,
  subtype,
  toXml,
  typeInfo,
  typeOf,
  update,
} from '../../src/rhev/index.ts';
import { present } from '../helpers.ts';

describe('binding functions (rhev.schema)', () => {
  it('typeInfo by resource type, collection type, relationship or singular, and below a base', () => {
    expect(typeInfo('VM')).toEqual({ resourceType: 'VM', collectionType: 'VMs', singular: 'vm', plural: 'vms' });
    expect(typeInfo('VMs')).toEqual(typeInfo('VM'));
    expect(typeInfo('vms')).toEqual(typeInfo('VM'));
    expect(typeInfo('datacenters')).toMatchObject({ resourceType: 'DataCenter', singular: 'data_center' });
    const host = newResource('Host', { id: 'h' });
    const vm = newResource('VM', { id: 'v' });
    expect(typeInfo('nics', host)).toMatchObject({ resourceType: 'HostNIC', collectionType: 'HostNics' });
    expect(typeInfo('nics', vm)).toMatchObject({ resourceType: 'NIC', collectionType: 'Nics' });
    expect(typeInfo('storage', host)).toMatchObject({ resourceType: 'Storage', collectionType: 'HostStorage' });
    expect(typeInfo('nonsense')).toBeUndefined();
  });

  it('newResource, ref, href, update, copy, attributes and subtype', () => {
    const vm = newResource('VM', { id: 'abc', href: '/api/vms/abc', name: 'web1', memory: 1024 });
    expect(typeOf(vm)).toBe('VM');
    expect(() => newResource('NoSuchType')).toThrow(RhevError);
    expect(ref(vm)).toEqual({ id: 'abc' });
    expect(typeOf(ref(vm))).toBe('VM');
    expect(href(vm)).toEqual({ id: 'abc', href: '/api/vms/abc' });
    update(vm, newResource('VM', { description: 'd', name: undefined }));
    expect(vm).toMatchObject({ name: 'web1', description: 'd' });
    expect(() => update(vm, newResource('Host', { name: 'h' }) as never)).toThrow(RhevError);
    const c = copy(vm);
    expect(c).toEqual(vm);
    expect(typeOf(c)).toBe('VM');
    c.name = 'other';
    expect(vm.name).toBe('web1');
    // Schema order, not insertion order.
    expect([...attributes(vm)].map(([k]) => k)).toEqual(['href', 'id', 'name', 'description', 'memory']);
    expect(subtype('VM', 'cluster')).toBe('Cluster');
    expect(subtype(vm, 'memory')).toBe('xs:long');
    expect(getXmlSchema()).toBe(bundledModel());
  });

  it('createFromXml types values, keeps big numbers exact, and refuses unknown or malformed documents', () => {
    const vm = createFromXml<Record<string, any>>(
      '<vm id="1"><memory>9223372036854775807</memory><stateless>true</stateless><creation_time>2016-06-01T10:00:00.000Z</creation_time><os><boot dev="hd"/><boot dev="cdrom"/></os></vm>',
    );
    expect(vm.memory).toBe(9223372036854775807n);
    expect(vm.stateless).toBe(true);
    expect(vm.creation_time).toEqual(new Date('2016-06-01T10:00:00.000Z'));
    expect(vm.os.boot).toEqual([{ dev: 'hd' }, { dev: 'cdrom' }]);
    expect(toXml(vm)).toBe(
      '<vm id="1"><memory>9223372036854775807</memory><os><boot dev="hd"/><boot dev="cdrom"/></os><creation_time>2016-06-01T10:00:00.000Z</creation_time><stateless>true</stateless></vm>',
    );
    expect(() => createFromXml('<spaceship/>')).toThrow(ParseError);
    expect(() => createFromXml('<vm><name>x</vm>')).toThrow(ParseError);
    expect(() => createFromXml('<!DOCTYPE vm [<!ENTITY a "b">]><vm><name>&a;</name></vm>')).toThrow(ParseError);
    // A damaged tag is not an element with odd attributes (it would lose its href and id).
    expect(() => createFromXml('<vm <<broken href="/api/vms/1" id="1"><name>x</name></vm>')).toThrow(ParseError);
  });

  it('reads the older generations: <status>UP</status> and uppercase values', () => {
    const host = createFromXml<Record<string, any>>('<host id="1"><status>UP</status></host>');
    expect(host.status).toEqual({ state: 'UP' });
    expect(stateOfStatus(host.status)).toBe('up');
    expect(stateOfStatus(createFromXml<Record<string, any>>('<vm><status><state>down</state></status></vm>').status)).toBe('down');
  });

  it('src/rhev/types.generated.ts is current (npm run generate rewrites it)', () => {
    expect(readFileSync(generatedTypesPath, 'utf8')).toBe(generateClientTypes());
  });
});

const samples = new URL('../../../shared/reference/samples/', import.meta.url);

describe.runIf(present(samples, 'binding captured engine responses'))('captured engine responses', () => {
  const xsd = bundledModel();
  const files = existsSync(samples)
    ? readdirSync(samples, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.xml'))
    : [];

  /** Every element path in a generic parse whose element our schema knows at that place. */
  function knownPaths(node: unknown, type: string, path: string, out: Set<string>): void {
    const t = xsd.types.get(type);
    if (!t || node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const f = t.field.get(k.replace(/^@_/, ''));
      if (!f) continue;
      const p = `${path}/${f.name}`;
      out.add(p);
      for (const item of Array.isArray(v) ? v : [v]) knownPaths(item, f.type, p, out);
    }
  }

  it.each(files)('%s parses to typed objects without losing a field our schema knows', (file) => {
    const xml = readFileSync(new URL(file, samples), 'utf8');
    const root = /<([a-z_]+)[\s>]/.exec(xml)![1];
    if (!xsd.elements.has(root)) {
      // A document of a type we do not model (affinity groups, quotas, ...).
      expect(() => createFromXml(xml)).toThrow(ParseError);
      return;
    }
    const ours = createFromXml(xml);
    const generic = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml)[root];
    const expected = new Set<string>();
    const got = new Set<string>();
    knownPaths(generic, xsd.elements.get(root)!, '', expected);
    knownPaths(ours, xsd.elements.get(root)!, '', got);
    expect([...expected].filter((p) => !got.has(p))).toEqual([]);
    expect(expected.size).toBeGreaterThan(0);
  });
});
