/**
 * Rebuilds api/rsdl.xml from a real engine's RSDL, keeping our own words.
 *
 *   tsx scripts/import-rsdl.ts <the engine's rsdl.xml (3.6)>
 *
 * Why: the simulator serves what api/rsdl.xml describes, and the bundled
 * GraphQL schema is generated from it, so it must list what a real engine
 * serves: every URL, method, header, URL and body parameter (with the
 * alternatives of each body) and response type. Those are facts of the
 * protocol and are taken as they are. The prose is not: every description is
 * the one api/rsdl.xml already had for the same link, or one made here from
 * the names; header and parameter prose is left out.
 *
 * Some facts are adjusted. The simulator answers XML only, so Content-Type
 * offers `application/xml` alone. The engine's RSDL breaks its own schema in
 * two ways, and our copy does not: a body parameter gets the `<value>` the
 * schema requires (from its type: `string`, `int`, `true|false`), and an
 * empty `<body/>` (the schema requires its `<type>`) is left out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bundledModel, bundledRsdlPath } from '../src/model/index.ts';
import { readDocument, writeDocument } from '../src/xml/index.ts';

type Link = { href: string; rel: string; description?: string; request?: any; response?: { type?: string } };

const source = process.argv[2];
if (!source) {
  process.stderr.write('usage: tsx scripts/import-rsdl.ts <the engine rsdl.xml>\n');
  process.exit(2);
}

const model = bundledModel();
const real = readDocument(model, readFileSync(source, 'utf8')).value;
const ours = readDocument(model, readFileSync(bundledRsdlPath, 'utf8')).value;
const ourWords = new Map<string, string>((ours.links?.link ?? []).map((l: Link) => [`${l.href} ${l.rel}`, l.description]));

/** `storage_domain` -> `storage domain`; the words of an element name. */
const words = (element: string): string => element.replace(/_/g, ' ');

const elementOfType = (type: string | undefined): string | undefined => {
  if (!type) return undefined;
  for (const [element, t] of model.elements) if (t === type) return element;
  return undefined;
};

/** The item element each item URL answers with (`vms/{vm:id}` -> `vm`), from its GET. */
const itemElement = new Map<string, string>();
for (const l of real.links.link as Link[]) {
  const element = elementOfType(l.response?.type);
  if (l.rel === 'get' && /\}$/.test(l.href) && element) itemElement.set(l.href, element);
}
const hrefs = (real.links.link as Link[]).map((l) => l.href);
/** The item URL a link concerns: itself, the item its action is on, or an item of its collection. */
function itemOf(l: Link): string {
  if (/\}$/.test(l.href)) return l.href;
  const above = l.href.replace(/\/[^/]+$/, '');
  if (!['get', 'add'].includes(l.rel) && /\}$/.test(above)) return above;
  const base = ['get', 'add'].includes(l.rel) ? l.href : above;
  return (
    hrefs.find((h) => h.startsWith(`${base}/{`) && /^\{[^}/]+\}$/.test(h.slice(base.length + 1))) ?? `${base}/{${base.split('/').pop()}:id}`
  );
}
/** An item's element, from its GET, or else its id variable (`{watchdog:id}`). */
const nameOf = (itemHref: string): string => words(itemElement.get(itemHref) ?? /\{([a-z_]+):id\}$/.exec(itemHref)?.[1] ?? itemHref);

function describe(l: Link): string {
  const item = itemOf(l);
  const what = nameOf(item);
  const parentItem = item.replace(/\/[^/]+\/\{[^}]+\}$/, '');
  const under = parentItem !== item && parentItem ? ` of the ${nameOf(parentItem)}` : '';
  const isItem = /\}$/.test(l.href);
  switch (l.rel) {
    case 'get':
      return isItem ? `get one ${what}${under}` : `list the ${l.href.split('/').pop()}${under}`;
    case 'add':
      return `add a ${what}${under}`;
    case 'update':
      return `change a ${what}${under}`;
    case 'delete':
      return `remove a ${what}${under}`;
    default:
      return `${l.rel}: an action on ${/\}$/.test(l.href.replace(/\/[^/]+$/, '')) ? 'a' : 'the collection of'} ${what}${under}`;
  }
}

/** What a parameter takes, for body parameters, which the engine lists without one although the schema requires it. */
const parameterValue = (type: string | undefined): string =>
  type === 'xs:boolean'
    ? 'true|false'
    : type === 'xs:int' || type === 'xs:long' || type === 'xs:unsignedInt' || type === 'xs:unsignedShort'
      ? 'int'
      : type === 'collection'
        ? 'collection'
        : 'string';

function clean(request: any): any {
  if (!request) return request;
  const headers = request.headers?.header?.map(({ description: _d, ...h }: any) =>
    h.name === 'Content-Type' ? { ...h, value: 'application/xml' } : h,
  );
  const strip = (sets: any[] | any | undefined): any[] | undefined =>
    sets === undefined
      ? undefined
      : ([] as any[]).concat(sets).map((set) => ({
          ...set,
          description: undefined,
          parameter: set.parameter?.map(({ description: _d, ...p }: any) => ({
            ...p,
            value: p.value ?? parameterValue(p.type),
            ...(p.parameters_set ? { parameters_set: strip(p.parameters_set) } : {}),
          })),
        }));
  return {
    ...request,
    ...(headers ? { headers: { header: headers } } : {}),
    ...(request.url ? { url: { ...request.url, parameters_set: strip(request.url.parameters_set) } } : {}),
    body: request.body?.type ? { ...request.body, parameters_set: strip(request.body.parameters_set) } : undefined,
  };
}

const links = (real.links.link as Link[]).map((l) => {
  const description = ourWords.get(`${l.href} ${l.rel}`) ?? describe(l);
  return { href: l.href, rel: l.rel, description, request: clean(l.request), response: l.response };
});

const text = writeDocument(
  model,
  'rsdl',
  {
    href: '?rsdl',
    rel: 'rsdl',
    description:
      'What this engine serves: every URL with its method, parameters, body and response (rhev-graphql simulator, after RHEV 3.6).',
    version: real.version,
    schema: {
      href: '?schema',
      rel: 'schema',
      name: real.schema?.name ?? 'ovirt-engine-api-schema.xsd',
      description: 'The XML Schema of the API documents.',
    },
    general: {
      href: '*',
      rel: '*',
      description: 'Headers every URL accepts.',
      request: {
        http_method: 'GET',
        headers: {
          header: [
            { name: 'Session-TTL', value: 'minutes', required: false },
            { name: 'Prefer', value: 'persistent-auth|new-auth|csrf-protection', required: false },
          ],
        },
      },
      name: 'Generic options',
    },
    links: { link: links },
  },
  { declaration: true, pretty: true },
);

writeFileSync(bundledRsdlPath, `${text}\n`);
console.log(`wrote api/rsdl.xml: ${links.length} links`);
