/**
 * What the JSON reader throws: text that is not JSON, and JSON that is not
 * the document asked for (a list where one value stands, a number where an
 * object must). Both carry where in the answer they were found.
 */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    /** Characters from the start of the answer. */
    readonly position: number,
  ) {
    super(`${reason} (at character ${position})`);
    this.name = 'JsonSyntaxError';
  }
}

export class JsonShapeError extends JsonSyntaxError {
  constructor(reason: string, position: number) {
    super(reason, position);
    this.name = 'JsonShapeError';
  }
}
