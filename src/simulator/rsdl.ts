/**
 * The RSDL document (`GET /api?rsdl`), generated from the route table, so it
 * lists exactly what the simulator serves: every URL, its method, headers,
 * URL parameters, body type with its mandatory and optional parameters, and
 * the response type.
 */
import type { XsdModel } from '../model/index.ts';
import { writeDocument } from '../xml/index.ts';
import { ROOT, walk, type Spec } from './routes.ts';

type Param = { name: string; value: string; required?: boolean; type?: string; context?: string };

const header = (name: string, value: string, required = false) => ({ name, value, required });
const FILTER = header('Filter', 'true|false');
const CORRELATION = header('Correlation-Id', 'any string');
const CONTENT_TYPE = header('Content-Type', 'application/xml', true);

function urlParams(params: Param[]) {
  return params.length ? { parameters_set: [{ parameter: params }] } : undefined;
}

function param(name: string, type = 'xs:string', required = false, context?: string): Param {
  return { name, value: type === 'xs:boolean' ? 'true|false' : type === 'xs:int' ? 'int' : 'string', type, required, context };
}

function typeOfCollection(model: XsdModel, s: Spec): string {
  return model.elements.get(s.collection) ?? s.collection;
}

/** One RSDL entry; `_key` (`vms/{id}/disks#add`) lets error answers point at the entry they concern. */
export type RsdlLink = Record<string, unknown> & { href: string; rel: string; _key: string };

/** Every entry of the RSDL, in route-table order. */
export function rsdlLinks(model: XsdModel): RsdlLink[] {
  const links: RsdlLink[] = [];
  let key = '';
  const add = (href: string, rel: string, description: string, request: object, response?: string) =>
    links.push({ href, rel, description, request, response: response ? { type: response } : undefined, _key: `${key}${rel}` });

  walk(ROOT, (s) => {
    key = `${s.key}#`;
    // `vms/{vm:id}/disks` from the key `vms/{id}/disks`, naming each id by its collection.
    const parts = s.key.split('/');
    let href = '';
    let owner: Spec | undefined;
    let specs: readonly Spec[] = ROOT;
    for (const p of parts) {
      if (p === '{id}') { href += `/{${owner!.idName}:id}`; specs = owner!.sub ?? []; continue; }
      owner = specs.find((x) => x.rel === p);
      href += (href ? '/' : '') + p;
    }
    const item = `${href}/{${s.idName}:id}`;
    const itemKey = `${s.key}/{id}#`;
    const listParams = [
      ...(s.searchable ? [param('search', 'xs:string', false, 'query')] : []),
      ...(s.searchable ? [param('case_sensitive', 'xs:boolean', false, 'matrix')] : []),
      param('max', 'xs:int', false, 'matrix'),
      ...(s.key === 'events' ? [param('from', 'xs:int', false, 'matrix')] : []),
    ];
    add(href, 'get', `list ${s.doc}`, { http_method: 'GET', headers: { header: [FILTER] }, url: urlParams(listParams) }, typeOfCollection(model, s));
    if (s.add) {
      const params = [...s.add.required.map((n) => param(`${s.item}.${n}`, 'xs:string', true)), ...(s.add.optional ?? []).map((n) => param(`${s.item}.${n}`))];
      add(href, 'add', `add to ${s.doc}`, {
        http_method: 'POST', headers: { header: [CORRELATION, CONTENT_TYPE, header('Expect', '201-created')] },
        body: { type: s.type, required: true, parameters_set: [{ parameter: params }] },
      }, s.type);
    }
    if (s.key === 'capabilities') return;
    key = itemKey;
    add(item, 'get', `get one of ${s.doc}`, { http_method: 'GET', headers: { header: [FILTER] } }, s.type);
    if (s.update) {
      add(item, 'update', `update one of ${s.doc}`, {
        http_method: 'PUT', headers: { header: [CORRELATION, CONTENT_TYPE] }, url: urlParams([param('async', 'xs:boolean', false, 'matrix')]),
        body: { type: s.type, required: true },
      }, s.type);
    }
    if (s.remove) {
      add(item, 'delete', `remove one of ${s.doc}`, {
        http_method: 'DELETE', headers: { header: [CORRELATION] }, url: urlParams([param('async', 'xs:boolean', false, 'matrix')]),
        body: { type: 'Action', required: false, parameters_set: [{ parameter: [param('action.force', 'xs:boolean')] }] },
      });
    }
    for (const a of s.actions ?? []) {
      const params = (a.params ?? []).map((p) => param(`action.${p.name}`, p.type ?? 'xs:string', p.required ?? false));
      add(`${item}/${a.name}`, a.name, a.doc, {
        http_method: 'POST', headers: { header: [FILTER, CORRELATION, CONTENT_TYPE] },
        url: urlParams([param('async', 'xs:boolean', false, 'matrix')]),
        body: { type: 'Action', required: true, parameters_set: [{ parameter: params }] },
      }, 'Action');
    }
  });
  return links;
}

export function renderRsdl(model: XsdModel, links: readonly RsdlLink[] = rsdlLinks(model), options: { pretty?: boolean } = {}): string {
  return writeDocument(model, 'rsdl', {
    href: '?rsdl', rel: 'rsdl',
    description: 'What this engine serves: every URL with its method, parameters, body and response (rhev-graphql simulator).',
    version: { major: 3, minor: 6, build: 8, revision: 0 },
    schema: { href: '?schema', rel: 'schema', name: 'ovirt-engine-api-schema.xsd', description: 'The XML Schema of the API documents.' },
    general: {
      href: '*', rel: '*', description: 'Headers every URL accepts.',
      request: { http_method: 'GET', headers: { header: [header('Session-TTL', 'minutes'), header('Prefer', 'persistent-auth|new-auth|csrf-protection')] } },
      name: 'Generic options',
    },
    links: { link: links },
  }, { declaration: true, pretty: options.pretty });
}
