/**
 * Which representation an answer is written in, and writing it: XML, or on
 * API v4 the JSON a request asks for with `Accept: application/json`
 * (docs/protocol.md §13.4; json/write.ts has the shape).
 *
 * The engine's JAX-RS layer picks by the Accept header: the first of the two
 * media types the header names wins, and XML is what a request naming
 * neither (or `* / *`) gets. API v3 is answered in XML whatever it asks:
 * the clients of RHEV 3.x read XML, and the project reads v3 as XML.
 */
import { writeJsonDocument, writeJsonListPieces } from '../json/index.ts';
import { writeDocument, writeListPieces } from '../xml/index.ts';
import { dialect } from './dialects.ts';
import type { EngineRequest, EngineResponse } from './messages.ts';

export const XML = 'application/xml';
export const JSON_TYPE = 'application/json';

/** Whether the answer to `req` is written in JSON. */
export function answersInJson(req: Pick<EngineRequest, 'dialect' | 'headers'> | undefined): boolean {
  if (req?.dialect !== 'v4') return false;
  for (const part of (req.headers.accept ?? '').split(',')) {
    const type = part.split(';')[0].trim().toLowerCase();
    if (type === JSON_TYPE) return true;
    if (type === XML || type === 'text/xml') return false;
  }
  return false;
}

/** `value` as the document `element`, in the request's dialect and representation, hrefs below its API root. */
export function documentAnswer(
  req: EngineRequest | undefined,
  status: number,
  element: string,
  value: object,
  headers: Record<string, string> = {},
): EngineResponse {
  const d = dialect(req?.dialect);
  const wired = d.wire(d.model.elements.get(element) ?? '', value);
  if (answersInJson(req))
    return {
      status,
      headers: { 'content-type': JSON_TYPE, ...headers },
      body: writeJsonDocument(d.model, element, wired, { hrefBase: req?.base }),
    };
  const body = writeDocument(d.model, element, wired, { hrefBase: req?.base, declaration: true });
  return { status, headers: { 'content-type': XML, ...headers }, body };
}

/** A list answer's pieces and type, in the request's representation (listing.ts). */
export function listPieces(
  req: EngineRequest,
  collection: string,
  item: string,
  items: Iterable<object>,
): { pieces: Iterable<string>; type: string } {
  const { model } = dialect(req.dialect);
  if (answersInJson(req)) return { pieces: writeJsonListPieces(model, collection, item, items, { hrefBase: req.base }), type: JSON_TYPE };
  return { pieces: writeListPieces(model, collection, item, items, { hrefBase: req.base, declaration: true }), type: XML };
}
