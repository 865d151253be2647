/**
 * The XML reader fed as an answer arrives (DocumentStream): whatever the
 * chunks, the document read is the one read whole, and so is every refusal.
 * Chunks are cut at every offset of small documents that hold each thing a
 * cut can split (a tag, an attribute, an entity reference, a surrogate pair,
 * a comment, CDATA, the declaration); a list of 300,000 items goes through
 * in socket-sized chunks, counted item by item.
 */
import { describe, expect, it } from 'vitest';
import { bundledModel, bundledV4Model } from '../../src/model/index.ts';
import { DocumentStream, readDocument, XmlSyntaxError } from '../../src/xml/index.ts';

const v3 = bundledModel();
const v4 = bundledV4Model();

const VM_LIST = [
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
  '<!-- an engine never sends one, but may -->',
  '<vms>',
  '<vm href="/ovirt-engine/api/vms/11111111-2222-4333-8444-555555555555" id="11111111-2222-4333-8444-555555555555">',
  '<actions><link href="/ovirt-engine/api/vms/11111111-2222-4333-8444-555555555555/start" rel="start"/></actions>',
  '<name>caf\u00e9 &amp; &lt;b&gt; &#x1F600; \u{1F680}</name>',
  '<description><![CDATA[a <raw> & text]]> and more</description>',
  '<link href="/ovirt-engine/api/vms/11111111-2222-4333-8444-555555555555/nics" rel="nics"/>',
  '<link href="/elsewhere/statistics" rel="statistics"/>',
  '<cpu><topology cores="2" sockets="1" threads="1"/></cpu>',
  '<memory>4294967296</memory><creation_time>2016-06-20T12:13:21.728Z</creation_time>',
  '<stateless>false</stateless><status>up</status>',
  '<unknown_element a="b"><deeper>skipped</deeper></unknown_element>',
  '</vm>',
  "<vm id='second'><name>two</name></vm>",
  '<vm id="third"/>',
  '</vms>',
].join('');

/** The document read by a stream given `xml` cut at the offsets `cuts`. */
function streamed(model: typeof v4, xml: string, cuts: number[]) {
  const s = new DocumentStream(model);
  let from = 0;
  for (const at of cuts) {
    s.write(xml.slice(from, at));
    from = at;
  }
  return { doc: s.end(xml.slice(from)), items: s.items, itemChars: s.itemChars };
}

/** What reading `xml` whole throws, or undefined. */
function refusalOf(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).name;
  }
}

describe('the XML reader, fed in chunks', () => {
  it('reads the same document whatever byte offset the answer is cut at, and in one-character chunks', () => {
    const whole = readDocument(v4, VM_LIST);
    expect(whole.value.vm).toHaveLength(3);
    expect(whole.value.vm[0].name).toBe('caf\u00e9 & <b> \u{1F600} \u{1F680}');
    for (let at = 0; at <= VM_LIST.length; at++) {
      const { doc, items } = streamed(v4, VM_LIST, [at]);
      expect(doc, `cut at ${at}`).toEqual(whole);
      expect(items).toBe(3);
    }
    expect(
      streamed(
        v4,
        VM_LIST,
        Array.from({ length: VM_LIST.length }, (_, i) => i),
      ).doc,
    ).toEqual(whole);
  });

  it('cut twice, anywhere, still reads the same (every pair of offsets in the first VM)', () => {
    const whole = readDocument(v4, VM_LIST);
    const end = VM_LIST.indexOf('</vm>') + 5;
    for (let a = 0; a < end; a += 3) for (let b = a; b < end; b += 7) expect(streamed(v4, VM_LIST, [a, b]).doc).toEqual(whole);
  });

  it('counts the items of a list and the characters in them, as they close', () => {
    const { itemChars } = streamed(v4, VM_LIST, [100, 900]);
    const first = VM_LIST.indexOf('<vm ');
    expect(itemChars).toBe(VM_LIST.lastIndexOf('</vms>') - first);
    const s = new DocumentStream(v4);
    s.write(VM_LIST.slice(0, VM_LIST.indexOf("<vm id='second'>")));
    expect(s.items).toBe(1);
  });

  it('refuses what the whole document is refused for, at every cut, with the same offset', () => {
    const bad = [
      VM_LIST.replace('</name>', '</nam>'),
      VM_LIST.replace('&amp;', '&bogus;'),
      VM_LIST.replace('&amp;', '& '),
      VM_LIST.replace('<vms>', '<!DOCTYPE vms [<!ENTITY x "y">]><vms>'),
      VM_LIST.replace('caf', 'c\u0001f'),
      VM_LIST.replace('\u{1F680}', '\uD83D'),
      VM_LIST.slice(0, -3),
      `${VM_LIST}<vms/>`,
      VM_LIST.replace('<memory>4294967296', '<memory>lots'),
    ];
    for (const xml of bad) {
      let whole: XmlSyntaxError | undefined;
      try {
        readDocument(v4, xml);
      } catch (e) {
        whole = e as XmlSyntaxError;
      }
      expect(whole, xml).toBeInstanceOf(XmlSyntaxError);
      for (let at = 0; at <= xml.length; at += 5) {
        let cut: XmlSyntaxError | undefined;
        try {
          streamed(v4, xml, [at]);
        } catch (e) {
          cut = e as XmlSyntaxError;
        }
        expect(cut?.reason, `${whole!.reason}, cut at ${at}`).toBe(whole!.reason);
        expect(cut?.position, `${whole!.reason}, cut at ${at}`).toBe(whole!.position);
      }
    }
  });

  it('keeps a surrogate pair cut in two whole, and refuses a lone half at the end', () => {
    const xml = '<vm><name>\u{1F600}</name></vm>';
    const at = xml.indexOf('\u{1F600}') + 1;
    expect(streamed(v3, xml, [at]).doc.value.name).toBe('\u{1F600}');
    const s = new DocumentStream(v3);
    s.write('<vm><name>a\uD83D');
    expect(refusalOf(() => s.end())).toBe('XmlSyntaxError');
  });

  it('reads a 300,000-item list in 64 KB chunks', () => {
    const s = new DocumentStream(v4);
    s.write('<events>');
    let chunk = '';
    for (let i = 0; i < 300_000; i++) {
      chunk += `<event href="/ovirt-engine/api/events/${i}" id="${i}"><code>${i % 1000}</code><severity>normal</severity></event>`;
      if (chunk.length > 65_536) {
        s.write(chunk);
        chunk = '';
      }
    }
    const doc = s.end(`${chunk}</events>`);
    expect(s.items).toBe(300_000);
    expect(doc.value.event).toHaveLength(300_000);
    expect(doc.value.event[299_999]).toMatchObject({ id: '299999', code: 999 });
  });

  it('keeps an href that is its resource’s and its rel as equal text', () => {
    const { doc } = streamed(v4, VM_LIST, [333]);
    const vm = doc.value.vm[0];
    expect(vm.link.map((l: { href: string }) => l.href)).toEqual([
      '/ovirt-engine/api/vms/11111111-2222-4333-8444-555555555555/nics',
      '/elsewhere/statistics',
    ]);
    expect(vm.actions.link[0]).toEqual({ href: `${vm.href}/start`, rel: 'start' });
  });

  it('is done once ended', () => {
    const s = new DocumentStream(v3);
    s.end('<vms/>');
    expect(() => s.write('<vms/>')).toThrow(/ended/);
  });
});
