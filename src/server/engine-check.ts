/**
 * Is the configured engine an engine, and does it take the service account?
 * One look at its entry point, said in plain words: what is wrong (nothing
 * answers there, an HTML page answers, the path is not an API's, the
 * credentials are refused, its certificate is not trusted) and what is
 * likely right instead. The server checks at start and then keeps checking
 * (`/health/ready` says 503 until the engine answers as an engine); the
 * answer also says which API dialect the entry point speaks.
 *
 * A refused service account is not looked at again by reflex: each look is a
 * login, and the engine locks an account after a few failed ones. The check
 * shares the pool's memory of refusals (refusals.ts) and backs off with it,
 * doubling up to 10 minutes, saying so in `/health/ready`.
 */
import { dialectOfEntry } from '../rhev/answers.ts';
import { Transport } from '../rhev/transport.ts';
import type { EngineConfig } from './config.ts';
import type { SharedCredentialMemory } from './credentials.ts';
import { credentialKey, type Refusals } from './refusals.ts';

export interface EngineCheck {
  /** The engine answered as an engine (an `<api>` document, or a Basic challenge when there is no service account). */
  readonly ok: boolean;
  /** What is wrong, in a sentence for a person; what was found when ok. */
  readonly says: string;
  /** The dialect its entry point speaks, when it could be read. */
  readonly dialect?: 'v3' | 'v4';
  readonly status?: number;
  readonly ms: number;
  /**
   * Nothing will answer however long one waits: the connection was refused,
   * the name does not resolve, the certificate is not trusted. (An engine
   * that is only slow is not down: each query then meets its own timeout.)
   */
  readonly down?: boolean;
}

/** Connection errors that say nothing is there to answer, as opposed to one answering slowly. */
const DOWN_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET)$/;

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** Looks at the engine's entry point once (at most `timeoutMs`). */
export async function checkEngine(engine: EngineConfig, timeoutMs = 5000): Promise<EngineCheck> {
  const entry = new URL(engine.url);
  if (!entry.pathname.endsWith('/')) entry.pathname += '/';
  const t = new Transport(
    entry,
    { ...engine, timeoutMs, maxResponseBytes: 4 * 1024 * 1024, persistentAuth: false, apiVersion: engine.apiVersion ?? 'auto' },
    { retries: () => 0, verbosity: () => 1 },
  );
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await t.request('GET', entry.pathname);
    const type = String(res.headers['content-type'] ?? '');
    const isApi = /xml/.test(type) && /<api[\s>]/.test(res.body);
    if (res.status === 200 && isApi) {
      const dialect = dialectOfEntry(res.body);
      return { ok: true, says: `an engine speaking API ${dialect} answers at ${entry.href}`, dialect, status: 200, ms: ms() };
    }
    if (res.status === 401) {
      if (engine.username === undefined && /basic/i.test(String(res.headers['www-authenticate'] ?? ''))) {
        return { ok: true, says: `an engine answers at ${entry.href} (callers bring their own credentials)`, status: 401, ms: ms() };
      }
      return {
        ok: false,
        says: `the engine at ${entry.href} refused the credentials of ${engine.username ?? 'the service account'}`,
        status: 401,
        ms: ms(),
      };
    }
    const likely = likelyEntry(entry);
    const instead = likely ? `; the API is likely at ${likely}` : '';
    if (res.status === 404)
      return { ok: false, says: `nothing answers at ${entry.href} (404): not an engine's API path${instead}`, status: 404, ms: ms() };
    if (/html/.test(type))
      return { ok: false, says: `${entry.href} answers with an HTML page, not an engine's API${instead}`, status: res.status, ms: ms() };
    return {
      ok: false,
      says: `${entry.href} answers HTTP ${res.status} (${type || 'no content type'}), not an engine's API${instead}`,
      status: res.status,
      ms: ms(),
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const code = String(err.cause?.code ?? '');
    if (TLS_CODES.test(code) || TLS_CODES.test(err.message)) {
      const ca = `${entry.origin}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA`;
      return {
        ok: false,
        says: `the certificate of ${entry.host} is not trusted (${code || err.message}): give its CA with --rhev-ca-file (an engine serves it at ${ca})`,
        ms: ms(),
        down: true,
      };
    }
    return {
      ok: false,
      says: `cannot reach ${entry.host}: ${err.message}`,
      ms: ms(),
      down: DOWN_CODES.test(code) || /ECONNREFUSED|ENOTFOUND/.test(err.message),
    };
  } finally {
    await t.close();
  }
}

/** Where an engine's API usually is on the same host, when the URL points elsewhere. */
function likelyEntry(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/ovirt-engine/api' || path === '/api') return undefined;
  return `${url.origin}/ovirt-engine/api`;
}

/**
 * The engine's readiness as the server last saw it: checked at start, again
 * when asked and the last look is older than `staleMs`, and in the background
 * every `retryMs` while the engine does not answer as one (each change said
 * once in the log).
 */
export class Readiness {
  private last?: EngineCheck & { at: number };
  private pending?: Promise<EngineCheck>;
  private timer?: NodeJS.Timeout;
  /** The service account's key in the refusal memory (none without a service account). */
  private readonly serviceKey?: string;

  constructor(
    private readonly engine: EngineConfig,
    private readonly log: (ok: boolean, says: string) => void,
    private readonly staleMs = 5000,
    private readonly retryMs = 10_000,
    private readonly refusals?: Refusals,
    /**
     * Callers bring their own credentials (`--anonymous refuse`): the service
     * account serves nobody's queries then, so its refusal is reported but
     * does not make the server unready. Ready means the engine answers as an
     * engine.
     */
    private readonly callersBringCredentials = false,
    /** The other replicas' memory of refusals (shared/refusals.ts), when they share a Redis. */
    private readonly shared?: SharedCredentialMemory,
  ) {
    if (engine.username !== undefined) this.serviceKey = credentialKey(true, engine.username, engine.password ?? '');
  }

  /** The last check, or a new one when it is stale (not while the service account's refusal holds). */
  async current(staleMs = this.staleMs): Promise<EngineCheck> {
    if (this.last && Date.now() - this.last.at < staleMs) return this.last;
    this.pending ??= this.look().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** One look at the engine, unless the service account's refusal holds (here, or at another replica: shared/refusals.ts). */
  private async look(): Promise<EngineCheck> {
    if (this.serviceKey && this.shared) await this.shared.admit(this.serviceKey, this.engine.username!, true);
    const refusedUntil = this.serviceKey ? this.refusals?.until(this.serviceKey) : undefined;
    if (refusedUntil !== undefined) return this.remember(this.refusedCheck(refusedUntil));
    return this.remember(this.noteRefusal(await checkEngine(this.engine)));
  }

  /**
   * Why operations cannot be answered now, if the last look found the engine
   * not answering as an engine, or down (nothing listening, no such host, a
   * certificate not trusted): no query would do better than say that (503).
   * A slow engine is not down: queries meet their own timeouts. A look older than a second is taken again
   * meanwhile, so an engine that came back is seen within moments. A refused
   * service account is not the engine's problem: it is the credentials', and
   * is answered as a refusal (401) to those it would serve.
   */
  get problem(): string | undefined {
    const c = this.last;
    if (!c || c.ok || c.status === 401 || (c.status === undefined && !c.down)) return undefined;
    if (Date.now() - c.at > 1000) void this.current(1000).catch(() => undefined);
    return c.says;
  }

  /** Whether the last look found the engine ready; undefined before the first. */
  get ready(): boolean | undefined {
    return this.last?.ok;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remember(c: EngineCheck): EngineCheck {
    const changed = !this.last || this.last.ok !== c.ok || this.last.says !== c.says;
    this.last = { ...c, at: Date.now() };
    if (changed) this.log(c.ok, c.says);
    this.schedule();
    return c;
  }

  /** A look that found the service account refused backs off (refusals.ts); one that found it accepted ends the backoff. */
  private noteRefusal(c: EngineCheck): EngineCheck {
    if (!this.serviceKey || !this.refusals) return c;
    const user = this.engine.username!;
    if (c.ok && c.status === 200) {
      this.refusals.accepted(this.serviceKey);
      void this.shared?.accepted(this.serviceKey, user);
    }
    if (c.ok || c.status !== 401) return c;
    const ms = this.refusals.refuse(this.serviceKey, true);
    void this.shared?.refused(this.serviceKey, user, true, ms);
    return this.asReady({
      ...c,
      says: `${c.says}; not tried again for ${Math.round(ms / 1000)} s (the wait doubles while refused, up to 10 minutes)`,
    });
  }

  /** A refused service account, when callers bring their own credentials: ready, saying so. */
  private asReady(c: EngineCheck): EngineCheck {
    return this.callersBringCredentials ? { ...c, ok: true, says: `${c.says}; ready, as callers bring their own credentials` } : c;
  }

  /** What is said while the service account's refusal holds: nothing is sent to the engine. */
  private refusedCheck(until: number): EngineCheck {
    return this.asReady({
      ok: false,
      status: 401,
      says: `the engine refused the credentials of ${this.engine.username}; not tried again before ${new Date(until).toISOString()} (the wait doubles while refused, up to 10 minutes)`,
      ms: 0,
    });
  }

  /** While the engine is not ready, look again now and then: never sooner than a refusal allows. */
  private schedule(): void {
    this.stop();
    if (this.last?.ok) return;
    const refusedUntil = this.serviceKey ? this.refusals?.until(this.serviceKey) : undefined;
    const delay = Math.max(this.retryMs, refusedUntil !== undefined ? refusedUntil - Date.now() + 10 : 0);
    this.timer = setTimeout(() => void this.current().catch(() => undefined), delay);
    this.timer.unref();
  }
}
