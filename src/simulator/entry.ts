/**
 * The entry point (`GET /api`, docs/protocol.md §2): a link to every
 * top-level collection and its search, the special objects, the product
 * version and, for unfiltered callers, the inventory summary.
 */
import { bundledXsdText, type XsdModel } from '../model/index.ts';
import { writeDocument } from '../xml/index.ts';
import { methodNotAllowed } from './faults.ts';
import type { EngineRequest, EngineResponse } from './messages.ts';
import { ROOT } from './routes.ts';
import { rsdlText } from './rsdl.ts';
import { BLANK_ID, type Rec, type Store, type Table } from './store.ts';

export interface Link {
  readonly href: string;
  readonly rel: string;
}

/** The entry point's links, in the order a 3.6 engine lists them. */
export function entryLinks(): Link[] {
  const links: Link[] = [];
  for (const s of ROOT) {
    links.push({ href: s.rel, rel: s.rel });
    if (s.searchable)
      links.push({
        href: s.rel === 'events' ? `events;from={event_id}?search={query}` : `${s.rel}?search={query}`,
        rel: `${s.rel}/search`,
      });
  }
  return links;
}

/** The `<api>` document; a filtered user does not get the inventory summary (as the engine's API resource decides). */
export function entryDocument(store: Store, filtered: boolean, links: readonly Link[]): Record<string, unknown> {
  const count = (t: Table, active: (r: Rec) => boolean) => {
    let total = 0,
      on = 0;
    for (const r of store.table(t).values()) {
      total++;
      if (active(r)) on++;
    }
    return { total, active: on };
  };
  return {
    link: links,
    special_objects: {
      link: [
        { href: `templates/${BLANK_ID}`, rel: 'templates/blank' },
        { href: `tags/${BLANK_ID}`, rel: 'tags/root' },
      ],
    },
    product_info: {
      name: 'Red Hat Enterprise Virtualization Manager',
      vendor: 'Red Hat',
      version: { major: 3, minor: 6, build: 8, revision: 0 },
      full_version: '3.6.8.1-0.1.el6',
    },
    summary: filtered
      ? undefined
      : {
          vms: count('vms', (r) => r.status.state === 'up'),
          hosts: count('hosts', (r) => r.status.state === 'up'),
          users: count('users', () => true),
          storage_domains: count('storagedomains', (r) => r._dcState === 'active'),
        },
    time: new Date(),
  };
}

/**
 * The entry point's answers: `?schema` (the XSD, as a download), `?rsdl`,
 * OPTIONS, HEAD with the links as a `Link` header, and GET with the `<api>`
 * document and the same header.
 */
export function entryAnswer(model: XsdModel, store: Store, req: EngineRequest, filtered: boolean): EngineResponse {
  if (req.query.has('schema')) {
    const headers = {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename = ovirt-engine-api-schema.xsd',
    };
    return { status: 200, headers, body: bundledXsdText(), route: 'GET ?schema' };
  }
  if (req.query.has('rsdl')) return { status: 200, headers: { 'content-type': XML }, body: rsdlText(), route: 'GET ?rsdl' };
  const links = entryLinks();
  const linkHeader = links.map((l) => `<${req.origin}${req.base}/${l.href}>; rel=${l.rel}`).join(', ');
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') return { status: 200, headers: { allow: 'GET, HEAD, OPTIONS' }, body: '', route: 'OPTIONS /' };
  if (method === 'HEAD') return { status: 200, headers: { link: linkHeader }, body: '', route: 'HEAD /' };
  if (method !== 'GET') throw methodNotAllowed('GET, HEAD, OPTIONS');
  const body = writeDocument(model, 'api', entryDocument(store, filtered, links), { hrefBase: req.base, declaration: true });
  return { status: 200, headers: { 'content-type': XML, link: linkHeader }, body, route: 'GET /' };
}

const XML = 'application/xml';
