/**
 * Engine-style error answers. Handlers throw these; the router turns them
 * into the status code and body a real engine sends (docs/protocol.md §4, §5).
 */

import { writeJsonDocument } from '../json/index.ts';
import { bundledModel } from '../model/index.ts';
import { writeDocument } from '../xml/index.ts';
import { ACTION_WORDS, type ActionWord, APP_ERRORS, type AppError, TYPE_WORDS, type TypeWord } from './app-errors.generated.ts';
import type { Dialect } from './dialects.ts';
import type { EngineResponse } from './messages.ts';
import { type RsdlLink, rsdlEntries } from './rsdl.ts';

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

/** A referenced entity that does not exist: 404, reason "Operation Failed" (the REST layer's handleError, both dialects). */
export function entityNotFound(type: string, by: string): EngineFault {
  return new EngineFault(404, 'Operation Failed', `Entity not found: ${type}: ${by}`);
}

export function forbidden(): EngineFault {
  return new EngineFault(403, 'Operation Failed', '[User is not authorized to perform this action.]');
}

/**
 * A validation refusal in the engine's words: the AppErrors text `key`, its
 * `${action}` and `${type}` filled with the engine's words for them and its
 * other variables from `vars`. 409 with the bracketed message, in a
 * `<fault>` or (for actions) an `<action>`.
 */
export function refuse(
  key: AppError,
  action?: ActionWord,
  type?: TypeWord,
  vars: Record<string, string | number> = {},
  shape: 'fault' | 'action' = 'fault',
): EngineFault {
  return conflict(appErrorText(key, action, type, vars), shape);
}

/** The text of `refuse`; `vars.type` names a type the engine has no word for (`Bookmark`). */
export function appErrorText(key: AppError, action?: ActionWord, type?: TypeWord, vars: Record<string, string | number> = {}): string {
  const words: Record<string, string | number> = {
    ...(action ? { action: ACTION_WORDS[action] } : {}),
    ...(type ? { type: TYPE_WORDS[type] } : {}),
    ...vars,
  };
  return APP_ERRORS[key].replace(/\$\{(\w+)\}/g, (whole, name: string) => String(words[name] ?? whole));
}

export function unauthorized(): EngineFault {
  return new EngineFault(401, 'Unauthorized', undefined, 'empty', { 'www-authenticate': 'Basic realm="RESTAPI"' });
}

export function methodNotAllowed(allow: string): EngineFault {
  return new EngineFault(405, 'Method Not Allowed', undefined, 'empty', { allow });
}

/** `usage` names the RSDL entry (`vms#add`) whose description goes into the answer. */
export function usageFault(usage: string): EngineFault {
  return new EngineFault(
    400,
    'Request syntactically incorrect. See the description below for the correct usage:',
    usage || undefined,
    'usage',
  );
}

let usageByKey: Map<string, RsdlLink> | undefined;
/** The RSDL entries a usage message points at, by operation key (read once). */
function usageLinks(): Map<string, RsdlLink> {
  usageByKey ??= rsdlEntries(bundledModel());
  return usageByKey;
}

/**
 * The engine's answer for a refusal, in the shape the refusal asks for; in
 * JSON when the request asked for it (media.ts), as the engine's Jackson
 * layer writes the same documents.
 */
export function faultAnswer(d: Pick<Dialect, 'name' | 'model' | 'wire'>, f: EngineFault, json = false): EngineResponse {
  const { model } = d;
  const v4 = d.name === 'v4';
  const headers: Record<string, string> = { ...f.headers };
  const write = (root: string, value: object): string =>
    json ? writeJsonDocument(model, root, value) : writeDocument(model, root, value, { declaration: true });
  let body = '';
  if (f.shape === 'fault') {
    body = write('fault', { reason: f.reason, detail: f.detail });
  } else if (f.shape === 'action') {
    // Written as the dialect writes an action (v4 says the state alone: `<status>failed</status>`).
    body = write('action', d.wire('Action', { status: { state: 'failed' }, fault: { reason: f.reason, detail: f.detail } }));
  } else if (f.shape === 'text') {
    body = f.detail ?? f.reason;
    headers['content-type'] = 'text/plain';
  } else if (f.shape === 'usage' && v4) {
    // v4 has no RSDL to point at: the misuse is a fault.
    body = write('fault', { reason: 'Request syntactically incorrect.', detail: f.reason });
  } else if (f.shape === 'usage') {
    // The engine answers with the RSDL entry of the operation that was misused.
    body = write('usage_message', { message: f.reason, detailedLink: f.detail ? usageLinks().get(f.detail) : undefined });
  }
  if (body && !headers['content-type']) headers['content-type'] = json ? 'application/json' : 'application/xml';
  return { status: f.status, headers, body };
}
