export { readDocument, XmlSyntaxError, UnknownDocumentError } from './read.ts';
export type { Doc, ReadResult } from './read.ts';
export { writeDocument, writeElement, escapeText, escapeAttr, formatNumber, forbiddenCharAt, XmlCharacterError } from './write.ts';
export type { WriteOptions } from './write.ts';
export { readExpected, type ReadProblem } from './expect.ts';
export type { ScalarKind, WireField, WireSchema, WireType } from './schema.ts';
