export { UnknownDocumentError, XmlSyntaxError } from './errors.ts';
export { type ReadProblem, readExpected } from './expect.ts';
export { type Child, type Plan, planOf } from './plan.ts';
export type { Doc, ReadResult } from './read.ts';
export { DocumentStream, readDocument } from './read.ts';
export { PerType, type ScalarKind, type WireField, type WireSchema, type WireType } from './schema.ts';
export { type Conv, convert, DATE_TIME, KeptStrings, TEXT } from './values.ts';
export type { WriteOptions } from './write.ts';
export {
  escapeAttr,
  escapeText,
  forbiddenCharAt,
  formatNumber,
  hrefBelow,
  writeDocument,
  writeListPieces,
  XmlCharacterError,
} from './write.ts';
