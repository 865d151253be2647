export { type ReadProblem, readExpected } from './expect.ts';
export type { Doc, ReadResult } from './read.ts';
export { readDocument, UnknownDocumentError, XmlSyntaxError } from './read.ts';
export type { ScalarKind, WireField, WireSchema, WireType } from './schema.ts';
export type { WriteOptions } from './write.ts';
export { escapeAttr, escapeText, forbiddenCharAt, formatNumber, writeDocument, XmlCharacterError } from './write.ts';
