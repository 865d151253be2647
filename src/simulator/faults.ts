/**
 * Engine-style error answers. Handlers throw these; the router turns them
 * into the status code and body a real engine sends (docs/protocol.md §4, §5).
 */

export class EngineFault extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail?: string,
    /** `fault`: a `<fault>` body; `action`: an `<action>` carrying the fault; `empty`: no body; `text`: plain text. */
    readonly shape: 'fault' | 'action' | 'empty' | 'text' | 'usage' = 'fault',
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

/** A validation refusal: 409 with the engine's bracketed message, e.g. `[Cannot stop VM. VM is not running.]`. */
export function conflict(detail: string, shape: 'fault' | 'action' = 'fault'): EngineFault {
  return new EngineFault(409, 'Operation Failed', `[${detail}]`, shape);
}

export function badRequest(detail: string, shape: 'fault' | 'action' = 'fault'): EngineFault {
  return new EngineFault(400, 'Operation Failed', `[${detail}]`, shape);
}

export function incomplete(type: string, missing: readonly string[], method: string): EngineFault {
  return new EngineFault(400, 'Incomplete parameters', `${type} [${missing.join(', ')}] required for ${method}`);
}

export function notFound(): EngineFault {
  return new EngineFault(404, 'Not Found', undefined, 'empty');
}

export function entityNotFound(type: string, by: string): EngineFault {
  return new EngineFault(404, 'Resource Not Found', `Entity not found: ${type}: ${by}`);
}

export function forbidden(): EngineFault {
  return new EngineFault(403, 'Operation Failed', '[User is not authorized to perform this action.]');
}
