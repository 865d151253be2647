/**
 * Writes an XML Schema from what our reader read of one: complex types
 * (each extending its base with its own fields, in wire order, with their
 * cardinality), simple types with their enumerations, and the global
 * elements. Used by the importers to keep an engine's structure (a fact of
 * the protocol) in a file of our own, without its bindings or comments.
 */
import type { ComplexType, Field, XsdModel } from '../src/model/index.ts';
import { escapeAttr } from '../src/xml/index.ts';

export function writeXsd(xsd: XsdModel, title: string): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${title} -->`,
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="1.0">',
  ];
  for (const [name, type] of xsd.elements) out.push(`  <xs:element name="${escapeAttr(name)}" type="${escapeAttr(type)}"/>`);
  for (const t of xsd.types.values()) out.push(...complexType(xsd, t));
  for (const s of xsd.simpleTypes.values()) {
    out.push(`  <xs:simpleType name="${escapeAttr(s.name)}">`, `    <xs:restriction base="${escapeAttr(s.base)}">`);
    for (const v of s.values) out.push(`      <xs:enumeration value="${escapeAttr(v)}"/>`);
    out.push('    </xs:restriction>', '  </xs:simpleType>');
  }
  out.push('</xs:schema>', '');
  return out.join('\n');
}

function complexType(xsd: XsdModel, t: ComplexType): string[] {
  const base = t.base ? xsd.types.get(t.base) : undefined;
  const elements = t.elements.slice(base?.elements.length ?? 0);
  const attributes = t.attributes.slice(base?.attributes.length ?? 0);
  const body = (indent: string): string[] => [
    `${indent}<xs:sequence>`,
    ...elements.map((e) => `${indent}  ${element(e)}`),
    `${indent}</xs:sequence>`,
    ...attributes.map((a) => `${indent}<xs:attribute name="${escapeAttr(a.name)}" type="${escapeAttr(a.type)}"/>`),
  ];
  const open = `  <xs:complexType name="${escapeAttr(t.name)}">`;
  if (t.textType && !base) {
    return [
      open,
      '    <xs:simpleContent>',
      `      <xs:extension base="${escapeAttr(t.textType)}">`,
      ...attributes.map((a) => `        <xs:attribute name="${escapeAttr(a.name)}" type="${escapeAttr(a.type)}"/>`),
      '      </xs:extension>',
      '    </xs:simpleContent>',
      '  </xs:complexType>',
    ];
  }
  if (!base) return [open, ...body('    '), '  </xs:complexType>'];
  return [
    open,
    '    <xs:complexContent>',
    `      <xs:extension base="${escapeAttr(base.name)}">`,
    ...body('        '),
    '      </xs:extension>',
    '    </xs:complexContent>',
    '  </xs:complexType>',
  ];
}

function element(e: Field): string {
  const max = e.max === Infinity ? 'unbounded' : String(e.max);
  return `<xs:element name="${escapeAttr(e.name)}" type="${escapeAttr(e.type)}" minOccurs="${e.min}" maxOccurs="${max}"/>`;
}
