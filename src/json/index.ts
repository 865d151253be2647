export { JsonShapeError, JsonSyntaxError } from './errors.ts';
export { JsonDocumentStream } from './read.ts';
export { type JsonObject, JsonTyper, type JsonValue } from './typed.ts';
export { type JsonWriteOptions, writeJsonDocument, writeJsonListPieces } from './write.ts';
