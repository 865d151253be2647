/**
 * The XML reader on its own: each conversion the schema asks for, the
 * tolerance for older engines, what is skipped, and every refusal with the
 * offset it names. Documents are small and written here; the reader's speed
 * is measured in `npm run bench`, not here.
 */
import { describe, expect, it } from 'vitest';
import { bundledModel } from '../../src/model/index.ts';
import { readDocument, readExpected, UnknownDocumentError, XmlSyntaxError } from '../../src/xml/index.ts';

const model = bundledModel();
const read = (xml: string) => readDocument(model, xml);

/** The error `xml` is refused with. */
function refusal(xml: string): XmlSyntaxError | UnknownDocumentError {
  try {
    read(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError || e instanceof UnknownDocumentError) return e;
    throw e;
  }
  throw new Error(`accepted: ${xml}`);
}

describe('the XML reader', () => {
  it('refuses characters XML 1.0 forbids, raw or as references, as the writer refuses them', () => {
    for (const bad of ['<vm><name>a\u0001b</name></vm>', '<vm id="\u001b"/>', '<vm><name>\uFFFF</name></vm>']) {
      expect(refusal(bad).message).toMatch(/not allowed in XML 1.0/);
    }
    for (const ref of ['&#1;', '&#x1B;', '&#0;', '&#xFFFE;', '&#xD800;', '&#x110000;']) {
      expect(refusal(`<vm><name>a${ref}b</name></vm>`).message).toMatch(/Invalid character reference/);
    }
    // Tab, line breaks and the rest of Unicode are characters.
    expect(read('<vm><name>a&#9;b&#xA;c&#x1F600;</name></vm>').value.name).toBe('a\tb\nc\u{1F600}');
  });

  it('names the document element and its type', () => {
    expect(read('<vms/>')).toMatchObject({ root: 'vms', type: 'VMs' });
    expect(read('<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<vm id="a"/>')).toMatchObject({
      root: 'vm',
      type: 'VM',
      value: { id: 'a' },
    });
  });

  it('converts each scalar kind as the schema types it', () => {
    const vm = read(
      '<vm id="v"><name>web</name><memory>8589934592</memory><stateless>true</stateless><creation_time>2016-06-01T10:00:00.000Z</creation_time>' +
        '<cpu_shares>0</cpu_shares><delete_protected>0</delete_protected></vm>',
    ).value;
    expect(vm.name).toBe('web');
    expect(vm.memory).toBe(8589934592);
    expect(vm.stateless).toBe(true);
    expect(vm.delete_protected).toBe(false);
    expect(vm.creation_time).toEqual(new Date('2016-06-01T10:00:00.000Z'));
    expect(vm.cpu_shares).toBe(0);
  });

  it('keeps integers beyond 2^53 exact, as BigInt', () => {
    expect(read('<vm><memory>18446744073709551615</memory></vm>').value.memory).toBe(18446744073709551615n);
  });

  it('reads decimals, and empty scalars as absent', () => {
    const stat = read('<statistic><values><value><datum>12.5</datum></value></values></statistic>').value;
    expect(stat.values.value[0].datum).toBe(12.5);
    expect(read('<vm><memory> </memory><stateless></stateless></vm>').value).toEqual({});
  });

  it('makes repeated elements arrays, and single ones values', () => {
    const vms = read('<vms><vm id="a"/><vm id="b"/></vms>').value;
    expect(vms.vm.map((v: { id: string }) => v.id)).toEqual(['a', 'b']);
    expect(read('<vms><vm id="a"/></vms>').value.vm).toHaveLength(1);
    expect(read('<vm><cluster id="c"/></vm>').value.cluster).toEqual({ id: 'c' });
  });

  it('decodes character and entity references in text and attributes, and CDATA as text', () => {
    expect(read('<vm name="x"><description>a &amp; b &lt;c&gt; &#233; &#xE9; &quot;&apos;</description></vm>').value.description).toBe(
      'a & b <c> é é "\'',
    );
    expect(read('<vm><comment><![CDATA[<not> & markup]]></comment></vm>').value.comment).toBe('<not> & markup');
    expect(read('<vm id="a&amp;b"/>').value.id).toBe('a&b');
  });

  it('skips elements and attributes the schema does not know, whatever they hold', () => {
    expect(read('<vm id="a" extra="1"><unknown><name>no</name><deeper/></unknown><name>yes</name></vm>').value).toEqual({
      id: 'a',
      name: 'yes',
    });
  });

  it('takes namespace prefixes off element names', () => {
    expect(read('<ns:vm xmlns:ns="urn:x"><ns:name>web</ns:name></ns:vm>').value.name).toBe('web');
  });

  it("reads an old engine's <status>UP</status> as the state it stands for", () => {
    expect(read('<vm><status>UP</status></vm>').value.status).toEqual({ state: 'UP' });
    expect(read('<vm><status><state>up</state></status></vm>').value.status).toEqual({ state: 'up' });
  });

  it('accepts a byte order mark and white space around the document element', () => {
    expect(read('\uFEFF  <vms/>\n\n').root).toBe('vms');
  });

  const REFUSED: [string, string, RegExp][] = [
    ['a DOCTYPE', '<!DOCTYPE vm [<!ENTITY x "y">]><vm/>', /DOCTYPE and entity declarations are not accepted at offset 0/],
    ['an undefined entity', '<vm><name>&bogus;</name></vm>', /Undefined entity &bogus;/],
    ['a bare ampersand', '<vm><name>a & b</name></vm>', /Bare & in text/],
    ['an invalid character reference', '<vm><name>&#0;</name></vm>', /Invalid character reference &#0;/],
    ['a mismatched end tag', '<vm><name>x</nam></vm>', /Mismatched end tag <\/nam>/],
    ['an unclosed element', '<vm><name>x</name>', /Unclosed element <vm>/],
    ['an unterminated end tag', '<vm></vm', /Unterminated end tag/],
    ['an unterminated start tag', '<vm id="a"', /Unterminated start tag <vm>/],
    ['an unterminated comment', '<vm><!-- x</vm>', /Unterminated comment/],
    ['an unterminated CDATA section', '<vm><name><![CDATA[x</name></vm>', /Unterminated CDATA section/],
    ['an unterminated processing instruction', '<?xml version="1.0"', /Unterminated processing instruction/],
    ['CDATA outside the document element', '<![CDATA[x]]><vm/>', /CDATA outside the document element/],
    ['text before the document element', 'hello <vm/>', /Text outside the document element at offset 0/],
    ['text after the document element', '<vm/> trailing', /Text after the document element/],
    ['a second document element', '<vm/><vm/>', /More than one document element/],
    ['no document element', '<?xml version="1.0"?>', /No document element/],
    ['an empty element name', '<>', /Empty element name/],
    ['an attribute without a value', '<vm id></vm>', /Attribute without a value/],
    ['an attribute without quotes', '<vm id=a></vm>', /Attribute value without quotes/],
    ['an unterminated attribute value', '<vm id="a></vm>', /Unterminated attribute value/],
    ['a damaged tag', '<vm <<broken href="x"/>', /Not an attribute name/],
    ['a slash not closing the tag', '<vm / id="a">', /Expected > after \//],
    ['a non-integer where an integer belongs', '<vm><memory>lots</memory></vm>', /Not an integer: "lots"/],
    [
      'a non-number where a decimal belongs',
      '<statistic><values><value><datum>n/a</datum></value></values></statistic>',
      /Not a number: "n\/a"/,
    ],
    ['a non-boolean', '<vm><stateless>maybe</stateless></vm>', /Not a boolean: "maybe"/],
    ['a non-date', '<vm><creation_time>yesterday</creation_time></vm>', /Not a date and time: "yesterday"/],
  ];
  it.each(REFUSED)('refuses %s, naming where', (_what, xml, message) => {
    const e = refusal(xml);
    expect(e).toBeInstanceOf(XmlSyntaxError);
    expect(e.message).toMatch(message);
    expect((e as XmlSyntaxError).position).toBeGreaterThanOrEqual(0);
  });

  it('refuses a document element the schema does not know', () => {
    const e = refusal('<wormhole/>');
    expect(e).toBeInstanceOf(UnknownDocumentError);
    expect((e as UnknownDocumentError).element).toBe('wormhole');
  });
});

describe('readExpected', () => {
  const fail = (problem: string, detail: string) => new Error(`${problem}: ${detail}`);
  it('answers the document when its root is the one expected, or any root when none is', () => {
    expect(readExpected(model, '<vms/>', 'vms', fail).root).toBe('vms');
    expect(readExpected(model, '<vm/>', undefined, fail).root).toBe('vm');
  });
  it("turns another root and an unreadable document into the caller's error", () => {
    expect(() => readExpected(model, '<vm/>', 'vms', fail)).toThrow('root: vm');
    expect(() => readExpected(model, '<vms>', 'vms', fail)).toThrow(/^unreadable: Unclosed element <vms>/);
    expect(() => readExpected(model, '<wormhole/>', 'vms', fail)).toThrow(/^unreadable: Unknown document element <wormhole>/);
  });
});
