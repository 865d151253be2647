/** The reader's two errors: text that is not XML, and a document the schema does not know. */

export class XmlSyntaxError extends Error {
  constructor(
    /** What is wrong, without where. */
    readonly reason: string,
    /** Where, in characters from the start of the document. */
    readonly position: number,
  ) {
    super(`${reason} at offset ${position}`);
    this.name = 'XmlSyntaxError';
  }
}

export class UnknownDocumentError extends Error {
  constructor(readonly element: string) {
    super(`Unknown document element <${element}>`);
    this.name = 'UnknownDocumentError';
  }
}
