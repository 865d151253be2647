/**
 * Reading a document that must be of one kind, with the reader's own error:
 * every reader of the project (the model reading an RSDL, the generator a
 * capabilities document, the client an engine's answer, the simulator a
 * request body) reads, checks the root element and turns what went wrong
 * into its error in the same way, here.
 */
import { type ReadResult, readDocument, UnknownDocumentError, XmlSyntaxError } from './read.ts';
import type { WireSchema } from './schema.ts';

/** What was wrong: unreadable (`detail` says why) or another document (`detail` is its root element). */
export type ReadProblem = 'unreadable' | 'root';

/**
 * Reads `xml` as a document whose root is `root` (any root when undefined).
 * Malformed XML or an element the schema does not know becomes
 * `fail('unreadable', message, cause)`; another root `fail('root', element)`.
 * Anything else the reader throws is not caught.
 */
export function readExpected<T = any>(
  model: WireSchema,
  xml: string,
  root: string | undefined,
  fail: (problem: ReadProblem, detail: string, cause?: Error) => Error,
): ReadResult<T> {
  let doc: ReadResult<T>;
  try {
    doc = readDocument<T>(model, xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError || e instanceof UnknownDocumentError) throw fail('unreadable', e.message, e);
    throw e;
  }
  if (root !== undefined && doc.root !== root) throw fail('root', doc.root);
  return doc;
}
