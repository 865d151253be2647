/**
 * The JSON reader fed as an answer arrives (json/read.ts): whatever the
 * chunks, the document read is the one read whole, and so is every refusal.
 * The answer is cut at every offset of a list that holds what a cut can
 * split (a string with escaped quotes and backslashes, brackets inside
 * strings, a backslash at a chunk's end); it reads into the objects the XML
 * reader makes of the same document; and a list of 300,000 items goes
 * through in socket-sized chunks.
 */
import { describe, expect, it } from 'vitest';
import { JsonDocumentStream, JsonSyntaxError, writeJsonDocument, writeJsonListPieces } from '../../src/json/index.ts';
import { bundledV4Model } from '../../src/model/index.ts';
import { readDocument, type WireSchema, type WireType, type XmlSyntaxError } from '../../src/xml/index.ts';

const v4 = bundledV4Model();
const VM = '11111111-2222-4333-8444-555555555555';

const VM_LIST = `{
  "vm" : [ {
    "href" : "/ovirt-engine/api/vms/${VM}",
    "id" : "${VM}",
    "actions" : { "link" : [ { "href" : "/ovirt-engine/api/vms/${VM}/start", "rel" : "start" } ] },
    "name" : "caf\\u00e9 \\"quoted\\" \\\\ back {[brackets]} \u{1F680}",
    "description" : "ends in a backslash \\\\",
    "link" : [ { "href" : "/ovirt-engine/api/vms/${VM}/nics", "rel" : "nics" }, { "href" : "/elsewhere/statistics", "rel" : "statistics" } ],
    "cpu" : { "topology" : { "cores" : "2", "sockets" : 1, "threads" : "1" } },
    "memory" : 4294967296,
    "creation_time" : 1466424801728,
    "stateless" : "false",
    "delete_protected" : true,
    "status" : "up",
    "newer_engine_field" : { "deeper" : [ 1, 2, { "x" : "}" } ] },
    "comment" : null,
    "nics" : { "nic" : { "name" : "nic1" } }
  }, { "id" : "second", "name" : "two" }, {
    "id" : "third"
  } ],
  "comment" : "the list's own"
}`;

/** The document read by a stream given `json` cut at the offsets `cuts`. */
function streamed(json: string, cuts: number[], root = 'vms') {
  const s = new JsonDocumentStream(v4, root);
  let from = 0;
  for (const at of cuts) {
    s.write(json.slice(from, at));
    from = at;
  }
  return { doc: s.end(json.slice(from)), itemChars: s.itemChars };
}

/** What reading `json` cut at `cuts` throws. */
function refusal(json: string, cuts: number[]): JsonSyntaxError | XmlSyntaxError | undefined {
  try {
    streamed(json, cuts);
    return undefined;
  } catch (e) {
    return e as JsonSyntaxError;
  }
}

describe('the JSON reader, fed in chunks', () => {
  it('reads typed values from the JSON the engine writes for each kind', () => {
    const [vm, second, third] = streamed(VM_LIST, []).doc.value.vm;
    expect(vm).toMatchObject({
      id: VM,
      name: 'caf\u00e9 "quoted" \\ back {[brackets]} \u{1F680}',
      description: 'ends in a backslash \\',
      cpu: { topology: { cores: 2, sockets: 1, threads: 1 } },
      memory: 4294967296,
      creation_time: new Date(1466424801728),
      stateless: false,
      delete_protected: true,
      nics: { nic: [{ name: 'nic1' }] },
    });
    // A field this schema does not know, and a null, are not kept.
    expect(vm).not.toHaveProperty('newer_engine_field');
    expect(vm).not.toHaveProperty('comment');
    expect(vm.actions.link[0]).toEqual({ href: `${vm.href}/start`, rel: 'start' });
    expect([second, third]).toEqual([{ id: 'second', name: 'two' }, { id: 'third' }]);
  });

  it('reads the same document whatever offset the answer is cut at, and in one-character chunks', () => {
    const whole = streamed(VM_LIST, []);
    for (let at = 0; at <= VM_LIST.length; at++) expect(streamed(VM_LIST, [at]), `cut at ${at}`).toEqual(whole);
    expect(
      streamed(
        VM_LIST,
        Array.from({ length: VM_LIST.length }, (_, i) => i),
      ),
    ).toEqual(whole);
    const end = VM_LIST.indexOf('}, { "id" : "second"');
    for (let a = 0; a < end; a += 5) for (let b = a; b < end; b += 11) expect(streamed(VM_LIST, [a, b]).doc).toEqual(whole.doc);
  });

  it('reads what the XML reader reads of the same document', () => {
    const xml = `<vms><vm href="/ovirt-engine/api/vms/${VM}" id="${VM}"><name>a &amp; b</name><memory>1024</memory><stateless>true</stateless><creation_time>2016-06-20T12:13:21.728Z</creation_time><cpu><topology cores="2"/></cpu><disk_attachments><disk_attachment id="d1"><disk id="x"><provisioned_size>10</provisioned_size></disk></disk_attachment></disk_attachments><link href="/ovirt-engine/api/vms/${VM}/nics" rel="nics"/></vm><vm id="2"/></vms>`;
    const fromXml = readDocument(v4, xml).value;
    const json = [...writeJsonListPieces(v4, 'vms', 'vm', fromXml.vm)].join('');
    expect(streamed(json, [json.length >> 1]).doc.value).toEqual(fromXml);
    expect(streamed(writeJsonDocument(v4, 'vm', fromXml.vm[0]), [7], 'vm').doc.value).toEqual(fromXml.vm[0]);
  });

  it('counts the characters in the items as they close', () => {
    const first = VM_LIST.indexOf('{', VM_LIST.indexOf('['));
    const second = VM_LIST.indexOf('{ "id" : "second"');
    const third = VM_LIST.indexOf('{', second + 1);
    const end = VM_LIST.lastIndexOf('}', VM_LIST.lastIndexOf(']')) + 1;
    const items = [VM_LIST.lastIndexOf('}', second) + 1 - first, VM_LIST.indexOf('}', second) + 1 - second, end - third];
    expect(streamed(VM_LIST, [100, 900]).itemChars).toBe(items[0] + items[1] + items[2]);
  });

  it('refuses what the whole answer is refused for, at every cut, with the same reason and place', () => {
    const bad = [
      VM_LIST.replace('"second"', '"second'),
      VM_LIST.replace('}, { "id" : "second"', '} { "id" : "second"'),
      VM_LIST.replace('}, { "id" : "second"', '}, , { "id" : "second"'),
      VM_LIST.replace(' } ],\n  "comment"', ' }, ],\n  "comment"'),
      VM_LIST.replace('{ "id" : "second", "name" : "two" }', '"second"'),
      VM_LIST.replace('"sockets" : 1', '"sockets" : "one"'),
      VM_LIST.replace('"stateless" : "false"', '"stateless" : "maybe"'),
      VM_LIST.replace('"cpu" : {', '"cpu" : ['),
      VM_LIST.replace('"name" : "two"', '"name" : { "x" : 1 }'),
      VM_LIST.replace('"nics" : { "nic" : { "name" : "nic1" } }', '"cpu" : [ {}, {} ]'),
      VM_LIST.slice(0, -3),
      `${VM_LIST} {}`,
      `[ ${VM_LIST} ]`,
      '',
      '"text"',
    ];
    for (const json of bad) {
      const whole = refusal(json, []);
      expect(whole, json).toBeInstanceOf(Error);
      for (let at = 0; at <= json.length; at += 7) {
        const cut = refusal(json, [at]);
        expect(cut?.message, `${whole!.message}, cut at ${at}`).toBe(whole!.message);
      }
    }
  });

  it('refuses a declared field nested without end (a step, its parent step, its parent step...) rather than run out of stack', () => {
    const deep = `{ "step" : [ ${'{ "parent_step" : '.repeat(5000)}{}${' }'.repeat(5000)} ] }`;
    expect(() => streamed(deep, [deep.length >> 1], 'steps')).toThrow(/Nested more than 256 levels deep/);
    const fine = `{ "step" : [ ${'{ "parent_step" : '.repeat(50)}{}${' }'.repeat(50)} ] }`;
    expect(streamed(fine, [], 'steps').doc.value.step).toHaveLength(1);
  });

  it('reads a 300,000-item list in 64 KB chunks', () => {
    const s = new JsonDocumentStream(v4, 'events');
    s.write('{\n  "event" : [ ');
    let chunk = '';
    for (let i = 0; i < 300_000; i++) {
      chunk += `${i ? ', ' : ''}{\n    "href" : "/ovirt-engine/api/events/${i}",\n    "id" : "${i}",\n    "code" : "${i % 1000}",\n    "severity" : "normal"\n  }`;
      if (chunk.length > 65_536) {
        s.write(chunk);
        chunk = '';
      }
    }
    const doc = s.end(`${chunk} ]\n}`);
    expect(doc.value.event).toHaveLength(300_000);
    expect(doc.value.event[299_999]).toMatchObject({ id: '299999', code: 999 });
  });

  it('reads an empty list as the engine writes it, and one resource whole', () => {
    expect(streamed('{ }', [1]).doc.value).toEqual({});
    expect(streamed('{ "vm" : [ ] }', [6]).doc.value).toEqual({ vm: [] });
    expect(streamed(`{ "id" : "${VM}", "name" : "one" }`, [9], 'vm').doc).toEqual({
      root: 'vm',
      type: 'Vm',
      value: { id: VM, name: 'one' },
    });
  });

  it("reads a type of text with attributes (Jackson's `value`) as the XML reader does (`$value`)", () => {
    const types = new Map<string, WireType>([
      ['Things', { attributes: [], elements: [{ name: 'thing', type: 'Thing', max: Number.POSITIVE_INFINITY }] }],
      ['Thing', { textType: 'xs:int', attributes: [{ name: 'unit', type: 'xs:string', max: 1 }], elements: [] }],
    ]);
    const schema: WireSchema = {
      types,
      elements: new Map([['things', 'Things']]),
      type: (name) => types.get(name)!,
      scalarKind: (type) => (type === 'xs:int' ? 'int' : 'string'),
    };
    const s = new JsonDocumentStream(schema, 'things');
    const json = '{ "thing" : [ { "unit" : "MB", "value" : "12" }, { "value" : 7 } ] }';
    expect(s.end(json).value).toEqual(readDocument(schema, '<things><thing unit="MB">12</thing><thing>7</thing></things>').value);
  });

  it('keeps the items of each array of the document under its own key', () => {
    const types = new Map<string, WireType>([
      [
        'Box',
        {
          attributes: [],
          elements: [
            { name: 'red', type: 'Ball', max: Number.POSITIVE_INFINITY },
            { name: 'blue', type: 'Ball', max: Number.POSITIVE_INFINITY },
          ],
        },
      ],
      ['Ball', { attributes: [{ name: 'id', type: 'xs:string', max: 1 }], elements: [] }],
    ]);
    const schema: WireSchema = { types, elements: new Map([['box', 'Box']]), type: (name) => types.get(name)!, scalarKind: () => 'string' };
    const json = '{ "red" : [ { "id" : "r1" }, { "id" : "r2" } ], "blue" : [ { "id" : "b1" } ] }';
    expect(new JsonDocumentStream(schema, 'box').end(json).value).toEqual({ red: [{ id: 'r1' }, { id: 'r2' }], blue: [{ id: 'b1' }] });
  });

  it('is done once ended, and knows only the documents of its schema', () => {
    const s = new JsonDocumentStream(v4, 'vms');
    s.end('{ }');
    expect(() => s.write('{ }')).toThrow(/ended/);
    expect(() => new JsonDocumentStream(v4, 'nonsense')).toThrow(JsonSyntaxError);
  });
});
