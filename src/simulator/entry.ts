/**
 * The entry point (`GET /api`, docs/protocol.md §2): a link to every
 * top-level collection and its search, the special objects, the product
 * version and, for unfiltered callers, the inventory summary.
 */
import { bundledV4XsdText, bundledXsdText } from '../model/index.ts';
import { writeDocument } from '../xml/index.ts';
import { type Dialect, dialect } from './dialects.ts';
import { methodNotAllowed } from './faults.ts';
import type { EngineRelease, EngineRequest, EngineResponse } from './messages.ts';
import { rsdlText } from './rsdl.ts';
import { BLANK_ID, type Rec, type Store, type Table, uuidOf } from './store.ts';

export interface Link {
  readonly href: string;
  readonly rel: string;
}

/** The entry point's links, in the order the dialect's engine lists them (v3 puts the events' `from` in a matrix, v4 in the query). */
export function entryLinks(d: Dialect = dialect('v3')): Link[] {
  const links: Link[] = [];
  const eventsSearch = d.name === 'v3' ? 'events;from={event_id}?search={query}' : 'events?from={event_id}&search={query}';
  for (const s of d.routes.root) {
    links.push({ href: s.rel, rel: s.rel });
    if (s.searchable) links.push({ href: s.rel === 'events' ? eventsSearch : `${s.rel}?search={query}`, rel: `${s.rel}/search` });
  }
  return links;
}

/**
 * What each simulated release says it is. A 4.3 engine says the same in
 * both dialects; v3 writes the full version beside the version, v4 inside it
 * (docs/protocol.md §11).
 */
const PRODUCTS: Record<EngineRelease, { name: string; vendor: string; version: [number, number, number, number]; full: string }> = {
  '3.6': { name: 'Red Hat Enterprise Virtualization Manager', vendor: 'Red Hat', version: [3, 6, 8, 0], full: '3.6.8.1-0.1.el6' },
  '4.3': { name: 'oVirt Engine', vendor: 'ovirt.org', version: [4, 3, 10, 4], full: '4.3.10.4-1.el7' },
  '4.5': { name: 'oVirt Engine', vendor: 'ovirt.org', version: [4, 5, 7, 0], full: '4.5.7-1.el9' },
};

function versionOf(release: EngineRelease) {
  const [major, minor, build, revision] = PRODUCTS[release].version;
  return { major, minor, build, revision };
}

/** The `<api>` document; a filtered user does not get the inventory summary (as the engine's API resource decides). */
export function entryDocument(
  store: Store,
  shown: SummaryShown,
  links: readonly Link[],
  release: EngineRelease = '3.6',
): Record<string, unknown> {
  const p = PRODUCTS[release];
  return {
    link: links,
    special_objects: {
      link: [
        { href: `templates/${BLANK_ID}`, rel: 'templates/blank' },
        { href: `tags/${BLANK_ID}`, rel: 'tags/root' },
      ],
    },
    product_info: { name: p.name, vendor: p.vendor, version: versionOf(release), full_version: p.full },
    summary: summaryOf(store, shown),
    time: new Date(),
  };
}

/** The v4 `<api>`: special objects as references, the product of a 4.3 or 4.5 engine. */
function entryDocumentV4(store: Store, shown: SummaryShown, links: readonly Link[], release: EngineRelease): Record<string, unknown> {
  const p = PRODUCTS[release];
  return {
    link: links,
    product_info: {
      instance_id: uuidOf('engine-instance'),
      name: p.name,
      vendor: p.vendor,
      version: { ...versionOf(release), full_version: p.full },
    },
    special_objects: {
      blank_template: { id: BLANK_ID, href: `templates/${BLANK_ID}` },
      root_tag: { id: BLANK_ID, href: `tags/${BLANK_ID}` },
    },
    summary: summaryOf(store, shown),
    time: new Date(),
  };
}

/**
 * Who sees the inventory summary: `none` for a filtered caller (no element);
 * `full` for an administrator asking unfiltered; `empty` for anyone else
 * asking unfiltered: the engine asks for its statistics with an admin-only
 * query, which fails for them, and writes the summary's items with no
 * numbers (BackendApiResource, GetSystemStatistics).
 */
export type SummaryShown = 'none' | 'empty' | 'full';

function summaryOf(store: Store, shown: SummaryShown): Record<string, unknown> | undefined {
  if (shown === 'none') return undefined;
  if (shown === 'empty') return { vms: {}, hosts: {}, users: {}, storage_domains: {} };
  return summary(store);
}

/** The inventory summary both dialects give unfiltered administrators. */
function summary(store: Store): Record<string, unknown> {
  const count = (t: Table, active: (r: Rec) => boolean) => {
    let total = 0;
    let on = 0;
    for (const r of store.table(t).values()) {
      total++;
      if (active(r)) on++;
    }
    return { total, active: on };
  };
  return {
    vms: count('vms', (r) => r.status.state === 'up'),
    hosts: count('hosts', (r) => r.status.state === 'up'),
    users: count('users', () => true),
    storage_domains: count('storagedomains', (r) => r._dcState === 'active'),
  };
}

/**
 * The entry point's answers: `?schema` (the XSD, as a download), `?rsdl`,
 * OPTIONS, HEAD with the links as a `Link` header, and GET with the `<api>`
 * document and the same header.
 */
export function entryAnswer(d: Dialect, store: Store, req: EngineRequest, shown: SummaryShown, release: EngineRelease): EngineResponse {
  if (req.query.has('schema')) {
    const headers = {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename = ovirt-engine-api-schema.xsd',
    };
    return { status: 200, headers, body: d.name === 'v4' ? bundledV4XsdText() : bundledXsdText(), route: 'GET ?schema' };
  }
  // v4 has no RSDL: its model is at /model.json.
  if (req.query.has('rsdl') && d.name === 'v3')
    return { status: 200, headers: { 'content-type': XML }, body: rsdlText(), route: 'GET ?rsdl' };
  const links = entryLinks(d);
  const linkHeader = links.map((l) => `<${req.origin}${req.base}/${l.href}>; rel=${l.rel}`).join(', ');
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') return { status: 200, headers: { allow: 'GET, HEAD, OPTIONS' }, body: '', route: 'OPTIONS /' };
  if (method === 'HEAD') return { status: 200, headers: { link: linkHeader }, body: '', route: 'HEAD /' };
  if (method !== 'GET') throw methodNotAllowed('GET, HEAD, OPTIONS');
  const doc = d.name === 'v4' ? entryDocumentV4(store, shown, links, release) : entryDocument(store, shown, links, release);
  const body = writeDocument(d.model, 'api', d.wire('Api', doc), { hrefBase: req.base, declaration: true });
  return { status: 200, headers: { 'content-type': XML, link: linkHeader }, body, route: 'GET /' };
}

const XML = 'application/xml';
