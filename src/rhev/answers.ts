/**
 * Reading what the engine answered: a document of the kind asked for, a
 * fault (the engine's `<fault>` or `<usage_message>`, in XML or JSON), or an
 * HTTP error from something that is not the engine, and the state a
 * resource's `<status>` reports.
 *
 * What is not a fault document (a proxy's HTML page, an application server's
 * error page with a stack trace and request parameters in it) stays with the
 * operator: the caller gets a fixed sentence naming the HTTP status, and the
 * transport logs a short redacted excerpt at debug level.
 */

import { JsonDocumentStream, JsonSyntaxError } from '../json/index.ts';
import type { XsdModel } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import {
  DocumentStream,
  type ReadProblem,
  type ReadResult,
  readDocument,
  readExpected,
  UnknownDocumentError,
  XmlSyntaxError,
} from '../xml/index.ts';
import { model, tag } from './binding.ts';
import { type AnswerReading, decoded, type StreamReader } from './body.ts';
import { Fault, IllegalMethod, NotFound, ParseError, ResponseError, type RhevError } from './errors.ts';
import type { HttpResponse } from './transport.ts';

/** Reads an answer's XML; with `expected`, it must be that document (`<vm>`), else ParseError. */
export function parseAnswer(xml: string, expected?: string, xsd: XsdModel = model().xsd): Obj {
  const doc = readExpected(xsd, xml, expected, (problem, detail, cause) => parseError(problem, detail, expected, cause));
  return tag(doc.value, doc.type);
}

/**
 * A reader for an answer read as it streams (transport.ts `reader`): the
 * same document, checks and errors as parseAnswer, chunk by chunk.
 */
export function answerReader(xsd: XsdModel, expected?: string): StreamReader {
  const unreadable = (e: unknown) => e instanceof XmlSyntaxError || e instanceof UnknownDocumentError;
  return adapted(new DocumentStream(xsd), unreadable, expected, (doc) => {
    if (expected !== undefined && doc.root !== expected) throw parseError('root', doc.root, expected);
  });
}

/**
 * A document stream (XML or JSON) as a StreamReader: what it throws because
 * the answer is not a document becomes the client's ParseError, and the
 * document read is checked (`check`) and tagged with its type.
 */
function adapted(
  stream: { write(text: string): void; end(): ReadResult; readonly itemChars: number },
  unreadable: (e: unknown) => boolean,
  expected: string | undefined,
  check: (doc: ReadResult) => void = () => {},
): StreamReader {
  const wrapped = <T>(step: () => T): T => {
    try {
      return step();
    } catch (e) {
      if (unreadable(e)) throw parseError('unreadable', (e as Error).message, expected, e as Error);
      throw e;
    }
  };
  return decoded({
    write: (text) => wrapped(() => stream.write(text)),
    end: () => {
      const doc = wrapped(() => stream.end());
      check(doc);
      return tag(doc.value, doc.type);
    },
    get itemChars() {
      return stream.itemChars;
    },
  });
}

/** What the engine is asked to answer reads in (the `engine.format` setting): XML, or on API v4 JSON (docs/protocol.md §13.4). */
export type EngineFormat = 'xml' | 'json';

/**
 * How a read's answer is asked for and read as it streams: in JSON when
 * `format` says so and the dialect is v4 (v3 is read as XML), else XML.
 * Whatever was asked, what the engine sent is what is read: an engine
 * that answers JSON with XML is read as XML. `expected` is the document a
 * get must be (`vm`); a list names its item (`vm`), as JSON does not name
 * its document.
 */
export function answerReading(
  xsd: XsdModel,
  format: EngineFormat,
  dialect: 'v3' | 'v4',
  read: { readonly expected?: string; readonly item?: string },
): AnswerReading {
  const json = format === 'json' && dialect === 'v4';
  return {
    accept: json ? 'application/json' : 'application/xml',
    readerFor: (type) => {
      if (/xml/.test(type)) return answerReader(xsd, read.expected);
      if (!json || !/json/.test(type)) return undefined;
      const root = read.expected ?? (read.item !== undefined ? collectionOf(xsd, read.item) : undefined);
      return root === undefined ? undefined : jsonAnswerReader(xsd, root);
    },
  };
}

/** A reader of an answer in JSON (json/read.ts), with answerReader's errors; `root` is the document it stands for. */
export function jsonAnswerReader(xsd: XsdModel, root: string): StreamReader {
  // A value of the wrong kind is refused by the XML codec's conversions, which the JSON typer shares.
  const unreadable = (e: unknown) => e instanceof JsonSyntaxError || e instanceof XmlSyntaxError;
  return adapted(new JsonDocumentStream(xsd, root), unreadable, root);
}

const collections = new WeakMap<XsdModel, Map<string, string>>();

/** The document element of the collection whose items are `item` (`vms` for `vm`), from the schema. */
function collectionOf(xsd: XsdModel, item: string): string | undefined {
  let byItem = collections.get(xsd);
  if (!byItem) {
    byItem = new Map();
    for (const [element, typeName] of xsd.elements) {
      const repeated = xsd.types.get(typeName)?.elements.filter((e) => e.max > 1 && xsd.types.has(e.type)) ?? [];
      if (repeated.length === 1 && repeated[0].name !== 'link' && !byItem.has(repeated[0].name)) byItem.set(repeated[0].name, element);
    }
    collections.set(xsd, byItem);
  }
  return byItem.get(item);
}

function parseError(problem: ReadProblem, detail: string, expected: string | undefined, cause?: Error): ParseError {
  return new ParseError(
    problem === 'root' ? `Expected a <${expected}> document, got <${detail}>` : `Could not parse the engine's answer: ${detail}`,
    { cause },
  );
}

/** Throws unless the status is one of `ok` and a body, if any, is XML. */
export function checkAnswer(res: HttpResponse, ok: number[], xsd: XsdModel = model().xsd): void {
  if (ok.includes(res.status)) {
    const ct = String(res.headers['content-type'] ?? '');
    if (res.body && ct && !/xml/.test(ct) && res.status !== 204)
      throw new ResponseError(`Expected XML from the engine, got ${ct}`, res.status);
    return;
  }
  throw faultOf(res, xsd);
}

/** The error an unsuccessful answer stands for: the engine's fault when it sent one. */
export function faultOf(res: HttpResponse, xsd: XsdModel = model().xsd): RhevError {
  if (/xml/.test(String(res.headers['content-type'] ?? ''))) {
    try {
      const doc = readDocument(xsd, res.body);
      const f = doc.root === 'fault' ? doc.value : doc.value.fault;
      if (f) return new Fault(f.reason ?? 'Operation Failed', f.detail, res.status);
      if (doc.root === 'usage_message')
        return new Fault(doc.value.message ?? 'Request syntactically incorrect', doc.value.detailedLink?.href, res.status);
    } catch {
      // fall through: not a fault document
    }
  }
  const json = /json/.test(String(res.headers['content-type'] ?? '')) ? jsonFault(res) : undefined;
  if (json) return json;
  if (res.status === 404) return new NotFound(`Not found (HTTP 404)`);
  if (res.status === 405) return new IllegalMethod(`Method not allowed here (HTTP 405; allowed: ${res.headers.allow ?? 'unknown'})`);
  return new Fault(
    httpReason(res.status),
    `The engine answered HTTP ${res.status} without a fault document (the server's log has an excerpt at debug level)`,
    res.status,
  );
}

/** A fault in JSON (`{"fault": {"reason", "detail"}}` or the fault itself), as an engine asked for JSON sends it. */
function jsonFault(res: HttpResponse): Fault | undefined {
  try {
    const v = JSON.parse(res.body) as { fault?: { reason?: unknown; detail?: unknown }; reason?: unknown; detail?: unknown };
    const f = v.fault ?? v;
    if (typeof f.reason !== 'string') return undefined;
    return new Fault(f.reason.slice(0, 1000), typeof f.detail === 'string' ? f.detail.slice(0, 4000) : undefined, res.status);
  } catch {
    return undefined;
  }
}

/** The state of `<status><state>up</state></status>` or of the old `<status>UP</status>`. */
export function stateOfStatus(status: unknown): string | undefined {
  if (status === undefined || status === null) return undefined;
  if (typeof status === 'string') return status.toLowerCase();
  const s = (status as Obj).state ?? (status as Obj).$value;
  return s === undefined ? undefined : String(s).toLowerCase();
}

function httpReason(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        405: 'Method Not Allowed',
        409: 'Conflict',
        413: 'Payload Too Large',
        415: 'Unsupported Media Type',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable',
        504: 'Gateway Timeout',
      } as Record<number, string>
    )[status] ?? `HTTP ${status}`
  );
}

/** A resource the engine is still creating (its disks being copied): locked, or with a creation status. */
export function isBeingCreated(current: Obj | undefined): boolean {
  if (!current) return false;
  return !!current.creation_status || ['image_locked', 'locked'].includes(stateOfStatus(current.status) ?? '');
}

/** The dialect an entry point document is in: v4's links `clusterlevels`, v3's `capabilities` (docs/protocol.md §11). */
export function dialectOfEntry(xml: string): 'v3' | 'v4' {
  let rels: string[];
  try {
    rels = (readDocument(model().xsd, xml).value.link ?? []).map((l: Obj) => l.rel);
  } catch {
    return 'v3';
  }
  return rels.includes('clusterlevels') && !rels.includes('capabilities') ? 'v4' : 'v3';
}
