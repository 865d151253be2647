/**
 * Reads an RSDL document (what `GET /api?rsdl` returns) into a list of
 * operations: every URL template with its HTTP method, URL parameters, body
 * type and body parameters, and response type.
 *
 * The RSDL is itself a document of the API's schema (type RSDL), so it is
 * read with the same schema-driven reader as every other document.
 */
import { readExpected } from '../xml/expect.ts';
import { DescriptionError, type XsdModel } from './xsd.ts';

export interface Param {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  /** `query` or `matrix` for URL parameters; undefined for body parameters. */
  readonly context?: string;
}

export interface Operation {
  /** Relative URL template, such as `vms/{vm:id}/start`. */
  readonly href: string;
  readonly rel: string;
  /** The model's own name of the method, with its word breaks (v4: `commit_snapshot` for `commitsnapshot`). */
  readonly name?: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  readonly description?: string;
  readonly urlParams: readonly Param[];
  readonly bodyType?: string;
  readonly bodyParams: readonly Param[];
  /**
   * The body's alternatives: an RSDL body lists one parameters_set per way
   * of calling (a disk is added with a size, or as a direct LUN), and a
   * request must satisfy one of them. `bodyParams` is all of them together.
   */
  readonly bodyParamSets: readonly (readonly Param[])[];
  readonly responseType?: string;
  readonly headers: readonly string[];
}

export function readRsdl(xsd: XsdModel, text: string, source = 'rsdl'): Operation[] {
  const start = text.trimStart();
  if (!start.startsWith('<')) {
    // The engine's build keeps its RSDL metadata as YAML (rsdl_metadata.yaml); that is not what ?rsdl serves.
    const yaml = /^(---|#|[A-Za-z_][\w-]*:)/.test(start);
    throw new DescriptionError(
      source,
      `expected the RSDL XML document an engine serves at GET /api?rsdl (it starts with <rsdl>), got ${yaml ? "YAML (an rsdl_metadata.yaml of the engine's sources is not an RSDL)" : 'text that is not XML'}`,
    );
  }
  const doc = readExpected(
    xsd,
    text,
    'rsdl',
    (problem, detail) =>
      new DescriptionError(
        source,
        problem === 'root' ? `not an RSDL document (its root element is <${detail}>)` : `not a readable RSDL document (${detail})`,
      ),
  );
  const links: any[] = doc.value.links?.link ?? [];
  if (!links.length) throw new DescriptionError(source, 'the RSDL lists no links');
  const params = (sets: any[] | undefined, url: boolean): Param[] =>
    (sets ?? []).flatMap((set: any) =>
      (set.parameter ?? []).map((p: any) => ({
        name: String(p.name),
        type: String(p.type ?? 'xs:string'),
        required: p.required === true,
        context: url ? (p.context ?? 'query') : undefined,
      })),
    );
  return links.map((l) => {
    const req = l.request ?? {};
    return {
      href: String(l.href).replace(/^\/?(api\/)?/, ''),
      rel: String(l.rel),
      method: String(req.http_method ?? 'GET').toUpperCase() as Operation['method'],
      description: l.description,
      urlParams: params(req.url?.parameters_set, true),
      bodyType: req.body?.type,
      bodyParams: params(req.body?.parameters_set, false),
      bodyParamSets: (req.body?.parameters_set ?? []).map((set: any) => params([set], false)),
      responseType: l.response?.type,
      headers: (req.headers?.header ?? []).map((h: any) => String(h.name)),
    };
  });
}

/**
 * The types an RSDL's operations name that the XSD does not have: empty when
 * the two come from the same engine; otherwise they are two engines' files,
 * or two versions'.
 */
export function missingTypes(xsd: XsdModel, operations: readonly Operation[]): string[] {
  const named = new Set<string>();
  for (const op of operations) for (const t of [op.bodyType, op.responseType]) if (t) named.add(t);
  return [...named].filter((t) => !xsd.types.has(t)).sort();
}

/**
 * The field an RSDL parameter's segment names. The RSDL does not always
 * spell an element as the schema does: `storagedomain.id|name` stands for
 * `<storage_domain>`, `datacenter.name` for `<data_center>`; underscores
 * aside, the names are the same.
 */
export function rsdlField(fields: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>, segment: string): string | undefined {
  const names = fields instanceof Map ? [...fields.keys()] : Object.keys(fields);
  if (names.includes(segment)) return segment;
  // The RSDL and v4's REST layer name fields as Java does (`provisionedSize`); the wire has `provisioned_size`.
  const bare = segment.replace(/_/g, '').toLowerCase();
  return names.find((name) => name.replace(/_/g, '').toLowerCase() === bare);
}
