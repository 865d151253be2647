/**
 * Acting on resources and waiting for them: the part of the client that
 * runs an engine action and follows it to its end, and that polls a
 * resource until it reaches a status. Apart from the connection (which
 * finds, reads and writes), it needs only the narrow channel below.
 *
 * - An action is posted to the link the resource lists in `<actions>`
 *   (never a URL built by hand). A refusal is an ActionError carrying the
 *   engine's fault. A 2xx answer that cannot be read means the action may
 *   have run: it is reported as sent, never re-sent.
 * - A task-backed action (202) is followed until its result says complete
 *   or failed; an expired result redirects to its resource, which means it
 *   finished.
 * - Waiting re-reads the resource with exponential backoff and jitter,
 *   never past the timeout or the signal.
 */
import type { ApiModel } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { faultOf, stateOfStatus } from './answers.ts';
import { tag, toXml, typeOf } from './binding.ts';
import { ActionError, ConnectionError, Fault, IllegalAction, NotFound, ResponseError, RhevError } from './errors.ts';
import type { ActionOptions, WaitOptions } from './options.ts';
import { pollUntil } from './poll.ts';
import type { HttpResponse } from './transport.ts';

/** What acting needs of a connection. */
export interface Channel {
  readonly model: ApiModel;
  http(
    method: string,
    href: string,
    opts?: { body?: string; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<HttpResponse>;
  check(res: HttpResponse, ok: number[]): void;
  parse(xml: string, expected?: string): Obj;
  bind<T extends Obj>(obj: T, type: string): T;
  reload<T extends object>(resource: T, options: { detail?: string | readonly string[]; signal?: AbortSignal }): Promise<T>;
}

/** Runs the action `name` of a resource (see the header); answers the engine's `<action>`, bound. */
export async function runAction(
  ch: Channel,
  resource: object,
  name: string,
  data: object | undefined,
  options: ActionOptions,
): Promise<Obj> {
  const link = ((resource as Obj).actions?.link ?? []).find((l: Obj) => l.rel === name);
  if (!link)
    throw new IllegalAction(
      `${typeOf(resource) ?? 'Resource'} has no action ${name}${(resource as Obj).actions ? '' : ' (it lists no actions; reload it first)'}`,
    );
  const body = tag({ ...(data ?? {}) }, 'Action');
  const res = await ch.http('POST', link.href, { body: toXml(body, 'action', ch.model), signal: options.signal });
  let result = readResult(ch, res, name);
  if (res.status >= 400) {
    if (res.status === 404) throw new IllegalAction(`${typeOf(resource) ?? 'Resource'} action ${name} is not available (HTTP 404)`);
    if (result?.fault) throw new ActionError(result, new Fault(result.fault.reason ?? 'Operation Failed', result.fault.detail, res.status));
    throw faultOf(res, ch.model.xsd);
  }
  if (res.status !== 200 && res.status !== 202 && res.status !== 204)
    throw new ResponseError(`Unexpected HTTP ${res.status} for action ${name}`, res.status);
  result ??= tag({ status: { state: 'complete' } }, 'Action');
  if (res.status === 202 && options.wait !== false && result.href) result = await followAction(ch, result, options.timeout, options.signal);
  if (stateOfStatus(result.status) === 'failed') {
    throw new ActionError(result, new Fault(result.fault?.reason ?? 'Operation Failed', result.fault?.detail, res.status));
  }
  return ch.bind(result, 'Action');
}

/** The `<action>` an action's answer carries, if any; a damaged one after a 2xx is a ConnectionError marked sent. */
function readResult(ch: Channel, res: HttpResponse, name: string): Obj | undefined {
  if (!res.body.trim() || !/xml/.test(String(res.headers['content-type'] ?? 'xml'))) return undefined;
  try {
    return ch.parse(res.body);
  } catch (e) {
    // The engine accepted the action but its answer is damaged: it may have run, so it must not be sent again.
    if (res.status < 300)
      throw new ConnectionError(
        `The engine accepted ${name} (HTTP ${res.status}) but its answer could not be read: ${(e as Error).message}`,
        {
          cause: e,
          sent: true,
        },
      );
    return undefined;
  }
}

async function followAction(ch: Channel, action: Obj, timeout: number | undefined, signal: AbortSignal | undefined): Promise<Obj> {
  const finished = (a: Obj) => ['complete', 'failed'].includes(stateOfStatus(a.status) ?? '');
  if (finished(action)) return action;
  const href = action.href;
  const result = await pollUntil(
    async () => {
      const res = await ch.http('GET', href, { signal });
      // An expired action result redirects to its resource: it finished.
      if (res.status === 301 || res.status === 302) return tag({ ...action, status: { state: 'complete' } }, 'Action');
      ch.check(res, [200]);
      const current = ch.parse(res.body, 'action');
      return finished(current) ? current : undefined;
    },
    { intervalMs: 200, maxIntervalMs: 5000, timeoutS: timeout, signal, sleepFirst: true },
  );
  if (!result) throw new RhevError(`Action did not complete within ${timeout} s`);
  return result;
}

/**
 * Waits until the resource's status is one of `status` (case-insensitive;
 * `<status><state>` and old `<status>` shapes alike), or until it is gone
 * when `status` is null. Resolves true when reached, false on timeout.
 */
export function waitForStatus(
  ch: Channel,
  resource: object,
  status: string | readonly string[] | null,
  options: WaitOptions,
): Promise<boolean> {
  const wanted = status === null ? null : (Array.isArray(status) ? status : [status as string]).map((s) => s.toLowerCase());
  return waitUntil(
    ch,
    resource,
    (current) => (wanted === null ? current === undefined : current !== undefined && wanted.includes(stateOfStatus(current.status) ?? '')),
    options,
  );
}

/**
 * Re-reads a resource until `reached(current)` (current is undefined once it
 * is gone), with exponential backoff, jitter to spread many waiters' polls,
 * and sleeps that never pass the timeout or outlive the signal.
 */
export async function waitUntil(
  ch: Channel,
  resource: object,
  reached: (current: Obj | undefined) => boolean,
  options: WaitOptions,
): Promise<boolean> {
  const result = await pollUntil(
    async () => {
      let current: Obj | undefined;
      try {
        current = await ch.reload(resource, { detail: options.detail, signal: options.signal });
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
      }
      return reached(current) ? true : undefined;
    },
    {
      intervalMs: options.intervalMs ?? 500,
      maxIntervalMs: options.maxIntervalMs ?? 10_000,
      timeoutS: options.timeout,
      signal: options.signal,
    },
  );
  return result === true;
}
