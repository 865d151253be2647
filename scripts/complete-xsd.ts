/**
 * Rebuilds api/api.xsd with every type of a real engine's schema, keeping
 * our own documentation.
 *
 *   tsx scripts/complete-xsd.ts <the engine's api.xsd (3.6)>
 *
 * The structure (which types and elements exist, their names, types,
 * cardinality and order) is a fact of the protocol and is taken from the
 * engine's schema; its JAXB bindings (code-generation hints, not protocol)
 * are left out. The documentation is ours: every type, element and attribute
 * that api/api.xsd documents keeps its text, matched by type and field name.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const OURS = fileURLToPath(new URL('../api/api.xsd', import.meta.url));
const source = process.argv[2];
if (!source) {
  process.stderr.write('usage: tsx scripts/complete-xsd.ts <the engine api.xsd>\n');
  process.exit(2);
}

const parse = (text: string): Node[] =>
  new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: false,
    processEntities: false,
    trimValues: true,
  }).parse(text) as Node[];

const tagOf = (n: Node): string => Object.keys(n).find((k) => k !== ':@')!;
const childrenOf = (n: Node): Node[] => {
  const v = n[tagOf(n)];
  return Array.isArray(v) ? (v as Node[]) : [];
};
const attrsOf = (n: Node): Record<string, string> => n[':@'] ?? {};
const schemaOf = (nodes: Node[]): Node => {
  const s = nodes.find((n) => tagOf(n) === 'xs:schema');
  if (!s) throw new Error('not an XML Schema');
  return s;
};

/** `xs:annotation/xs:documentation` text of a node, if any. */
function docOf(n: Node): string | undefined {
  const ann = childrenOf(n).find((c) => tagOf(c) === 'xs:annotation');
  const doc = ann && childrenOf(ann).find((c) => tagOf(c) === 'xs:documentation');
  const text = doc && childrenOf(doc).find((c) => tagOf(c) === '#text');
  return text ? String(text['#text']) : undefined;
}

/** Key of a declaration for matching docs: `type:VM`, `type:VM/name`, `element:vm`, `group:X`. */
function keyOf(n: Node, owner: string | undefined): string | undefined {
  const a = attrsOf(n);
  const tag = tagOf(n);
  const field = a.name ?? a.ref;
  if (owner && (tag === 'xs:element' || tag === 'xs:attribute') && field) return `${owner}/${field}`;
  if (!owner && a.name && (tag === 'xs:complexType' || tag === 'xs:simpleType')) return `type:${a.name}`;
  if (!owner && a.name && tag === 'xs:element') return `element:${a.name}`;
  if (!owner && a.name && tag === 'xs:group') return `group:${a.name}`;
  return undefined;
}

/** Every documentation text of our schema, by key. */
function collectDocs(nodes: Node[], owner: string | undefined, out: Map<string, string>): void {
  for (const n of nodes) {
    const tag = tagOf(n);
    if (tag === '#text' || tag === 'xs:annotation') continue;
    const key = keyOf(n, owner);
    const doc = docOf(n);
    if (key && doc) out.set(key, doc);
    const inner = !owner && key && (key.startsWith('type:') || key.startsWith('group:')) ? key : owner;
    collectDocs(childrenOf(n), inner, out);
  }
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** Writes a node of the engine's schema without its bindings, with our documentation where we have one. */
function write(n: Node, owner: string | undefined, docs: Map<string, string>, indent: string): string {
  const tag = tagOf(n);
  if (tag === 'xs:annotation' || tag.startsWith('jaxb:') || tag === '#text') return '';
  const a = Object.entries(attrsOf(n)).filter(([k]) => !k.startsWith('jaxb:') && !k.startsWith('xmlns:'));
  const open = `${indent}<${tag}${a.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('')}`;
  const key = keyOf(n, owner);
  const doc = key ? docs.get(key) : undefined;
  const inner = !owner && key && (key.startsWith('type:') || key.startsWith('group:')) ? key : owner;
  const parts: string[] = [];
  if (doc) parts.push(`${indent}  <xs:annotation><xs:documentation>${escapeText(doc)}</xs:documentation></xs:annotation>`);
  for (const c of childrenOf(n)) {
    const w = write(c, inner, docs, `${indent}  `);
    if (w) parts.push(w);
  }
  return parts.length ? `${open}>\n${parts.join('\n')}\n${indent}</${tag}>` : `${open}/>`;
}

const ours = schemaOf(parse(readFileSync(OURS, 'utf8')));
const docs = new Map<string, string>();
collectDocs(childrenOf(ours), undefined, docs);
const engine = schemaOf(parse(readFileSync(source, 'utf8')));
const body = childrenOf(engine)
  .map((n) => write(n, undefined, docs, '  '))
  .filter(Boolean)
  .join('\n\n');
const used = [...docs.keys()].filter((k) => body.includes(escapeText(docs.get(k)!)));
const header = `<?xml version="1.0" encoding="UTF-8"?>
<!--
  rhev-graphql: the data model of the RHEV / oVirt REST API, version 3.

  Every type, element and attribute of a RHEV 3.6 engine's schema, with the
  names, value types, cardinality and order the engine puts on the wire, so
  a document valid here is valid for the engine's own schema and the other
  way round. Regenerated by scripts/complete-xsd.ts from the engine's schema
  (the structure) and this file (the documentation); edit the documentation
  here and run the script to keep it.

  The documentation texts are ours. They become the descriptions of the
  generated GraphQL schema, so they are written for the person reading them
  in Apollo Studio.

  Enumerated values (VM states, disk formats, ...) travel as lowercase strings
  in v3; the engine lists the legal ones per version under /api/capabilities.
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="3.6">

`;
writeFileSync(OURS, `${header}${body}\n\n</xs:schema>\n`);
process.stderr.write(
  `api/api.xsd: ${childrenOf(engine).filter((n) => tagOf(n) === 'xs:complexType').length} complex types; ${used.length} of ${docs.size} documentation texts kept\n`,
);
