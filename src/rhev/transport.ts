/**
 * HTTP to the engine: keep-alive pooling, TLS options, a timeout on every
 * request, engine sessions, retries that never repeat a side effect, and
 * logging that never shows a credential.
 *
 * Sessions: with `persistentAuth` (the default) the first request logs in
 * with Basic credentials and `Prefer: persistent-auth`; the engine answers
 * with a JSESSIONID that later requests send instead of credentials, so the
 * engine authenticates once, not once per request. A request that finds its
 * session gone (401) logs in again, once.
 *
 * SSO (API v4, `auth: 'sso'`): the first request waits for an access token
 * from the engine's SSO service (the password grant, docs/protocol.md §12)
 * and every request carries it as `Authorization: Bearer`. The engine does
 * not refresh tokens: one that is refused (401) is replaced by a new one,
 * once per request, and close() logs the token out.
 *
 * Refusals: an engine locks an account after a few failed logins in a row
 * (aaa-jdbc's default is five), so a refused credential is never tried
 * again by reflex. A login the engine refuses (a 401 to Basic credentials,
 * the SSO service's OAuth error to the password grant) latches the refusal
 * for `refusalMs`: every request of this transport in that time, waiting or
 * new, fails with CredentialsRefused without reaching the engine.
 *
 * Retries: GET, HEAD, OPTIONS, PUT and DELETE are idempotent and are retried
 * on network errors and on 502/503/504, with capped exponential backoff and
 * jitter. A POST is retried only when it provably never left this process
 * (the connection was refused); once sent, a failure is reported with
 * `sent: true` rather than risking a second VM start.
 *
 * Bounds: every request has a total time limit (`timeoutMs`, counted from the
 * moment it is asked for, queueing for a socket included: a byte every few
 * seconds does not keep it alive), an answer-size limit counted while the
 * answer streams in (`maxResponseBytes`), and the caller's `signal`, which
 * ends the request, its retries and its backoff sleeps at once and gives the
 * socket back. Requests go only to the engine's origin: a link or redirect
 * elsewhere is refused (ForeignOrigin) and never sent credentials.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { basicAuthorization } from '../http/basic.ts';
import { AnswerBody, type AnswerReading, type BodyLimits, type Overflow } from './body.ts';
import type { AnswerBudget } from './budget.ts';
import { Aborted, BudgetExceeded, ConnectionError, CredentialsRefused, ForeignOrigin, ResponseTooLarge } from './errors.ts';
import { excerpt, type Logger, redact } from './log.ts';

export interface TransportOptions {
  username?: string;
  password?: string;
  /** PEM CA bundle (file path) to verify the engine's certificate with. */
  caFile?: string;
  /** PEM CA certificates given directly. */
  ca?: string | Buffer;
  /** Skip certificate verification (development only). */
  insecure?: boolean;
  /** Total time one request may take, in ms, queueing for a socket included (default 60 s). */
  timeoutMs?: number;
  /**
   * Largest answer accepted, in bytes (default 256 MiB); a larger one is
   * dropped as it streams in. For an answer read as it streams (body.ts),
   * the largest list item instead.
   */
  maxResponseBytes?: number;
  /** Largest list read as it streams, in bytes (default 2 GiB): what an engine that never ends its answer is cut at. */
  maxListBytes?: number;
  /** Use engine sessions (default true). */
  persistentAuth?: boolean;
  /**
   * Send `Filter: true`: run as the user, with permission filtering (needed
   * for non-admin users). `auto` (the connection's): decided once, from the
   * first read of the entry point without it (connection.ts).
   */
  filter?: boolean | 'auto';
  /**
   * How to authenticate: `basic` (credentials, then the engine session) or
   * `sso` (an SSO access token, API v4). Default `basic`.
   */
  auth?: 'basic' | 'sso';
  /** The `Version` header: which dialect a 4.0-4.3 engine answers in (3.x engines ignore it). Default (`auto`): 4. */
  apiVersion?: 3 | 4 | '3' | '4' | 'auto';
  /** Session idle timeout in minutes (Session-TTL). */
  sessionTtl?: number;
  /** Most open sockets to the engine (default 16). */
  maxSockets?: number;
  /** Called after every answer (for metrics): method, URL path, status, milliseconds, bytes, and the signal of the request. */
  onResponse?: (info: { method: string; path: string; status: number; ms: number; bytes: number; signal?: AbortSignal }) => void;
  /**
   * After the engine refused a connection, fail every request at once for
   * this long (ms) instead of queueing retries against a host that is down.
   */
  failFastMs?: number;
  /** Shared by the transports of a process: the bytes of all answers in flight together (budget.ts). */
  budget?: AnswerBudget;
  /** How long a refused login is remembered (ms, default 60 s): no request is sent with the credentials meanwhile. */
  refusalMs?: number;
  /** Called for every retry (for metrics). */
  onRetry?: (info: { method: string; path: string; reason: string }) => void;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The answer's text; '' when it was read as it streamed (`read`). */
  readonly body: string;
  /** The document, when the request gave a reader and the answer was a successful one it takes (body.ts). */
  readonly read?: unknown;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  /** Override idempotency (defaults by method). */
  idempotent?: boolean;
  /** Ends the request (and its retries) when aborted. */
  signal?: AbortSignal;
  /**
   * The signal of the call this request is made for, when `signal` is a
   * shared one (a joined GET): reported to onResponse, so a request is
   * counted for the operation that started it.
   */
  owner?: AbortSignal;
  /** What to ask for, and how to read a successful answer as it streams (body.ts); a new reader for each attempt. */
  reader?: AnswerReading;
}

/** Default of `maxResponseBytes`: far above any one resource (a whole answer, or one item of a list read as it streams). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Default of `maxListBytes`: twice the largest list measured (bench: 100,000 VMs on v4, 1.1 GB). */
export const DEFAULT_MAX_LIST_BYTES = 2 * 1024 * 1024 * 1024;

/** OAuth error codes of a token endpoint that refuse the credentials themselves, not the request. */
const REFUSAL_CODES = new Set(['access_denied', 'invalid_grant', 'unauthorized_client', 'invalid_client']);

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUS = new Set([502, 503, 504]);

export class Transport {
  /** Whether requests carry `Filter: true` now (`auto` starts without, until the connection decides). */
  filtering: boolean;
  private readonly agent: http.Agent;
  private session?: string;
  /** While in the future, the engine is taken as down (see failFastMs). */
  private downUntil = 0;
  private login?: Promise<unknown>;
  /** The SSO access token, and the request for one under way. */
  private token?: string;
  private tokenRequest?: Promise<string>;
  /** The engine's last refusal of the credentials, and until when it holds. */
  private refusal?: { error: CredentialsRefused; until: number };
  /** Counts kept for tests, metrics and logs. */
  readonly counters = { requests: 0, retries: 0, logins: 0 };

  constructor(
    readonly base: URL,
    private readonly options: TransportOptions,
    private readonly settings: { retries: () => number; verbosity: () => number; logger?: Logger },
  ) {
    this.filtering = options.filter === true;
    const common = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({
            ...common,
            ca: options.ca ?? (options.caFile ? readFileSync(options.caFile) : undefined),
            rejectUnauthorized: !options.insecure,
          })
        : new http.Agent(common);
  }

  get hasSession(): boolean {
    return this.session !== undefined;
  }

  /** Sends a request, with sessions and retries; `target` is absolute or a path on the engine. */
  async request(method: string, target: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.resolve(target);
    if (this.downUntil > Date.now()) {
      throw new ConnectionError(`${url.host} refused connections moments ago; failing fast until it answers again`);
    }
    const idempotent = opts.idempotent ?? IDEMPOTENT.has(method);
    const retries = Math.max(0, this.settings.retries());
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(opts.signal, false);
      this.throwIfRefused();
      if (this.options.auth === 'sso' && !this.token) await this.ssoToken(opts.signal);
      // While a login is under way, wait for its session rather than log in twice.
      if (this.options.persistentAuth !== false && !this.session && this.login) await this.login.catch(() => undefined);
      // The login waited for may have been refused: then this request is too, unsent.
      this.throwIfRefused();
      const withCredentials = this.options.auth !== 'sso' && !this.session;
      let res: HttpResponse;
      try {
        res = await this.once(method, url, opts);
      } catch (e) {
        const err = e as ConnectionError;
        if (err instanceof Aborted || err instanceof ResponseTooLarge || !(err instanceof ConnectionError)) throw err;
        if (
          !err.sent &&
          this.options.failFastMs &&
          /refused|ENOTFOUND|EHOSTUNREACH/i.test(String((err.cause as Error)?.message ?? err.message))
        ) {
          this.downUntil = Date.now() + this.options.failFastMs;
          throw err;
        }
        const canRetry = attempt < retries && (idempotent || !err.sent);
        this.log('debug', `${method} ${url.pathname}: ${err.message}${canRetry ? `; retry ${attempt + 1} of ${retries}` : ''}`);
        if (!canRetry) throw err;
        this.counters.retries++;
        this.options.onRetry?.({ method, path: url.pathname, reason: err.code });
        await backoff(attempt, undefined, opts.signal);
        continue;
      }
      if (res.status === 401 && this.options.auth === 'sso' && this.token) {
        // Tokens expire and are not refreshed: ask for a new one, once.
        this.log('debug', 'SSO token refused; asking for a new one');
        this.token = undefined;
        await this.ssoToken(opts.signal);
        res = await this.once(method, url, opts);
      } else if (res.status === 401 && !withCredentials && this.options.auth !== 'sso') {
        // The engine forgot our session (restart, idle timeout): log in again, once.
        this.log('debug', 'session expired; logging in again');
        this.session = undefined;
        this.throwIfRefused();
        res = await this.once(method, url, opts);
        if (res.status === 401) this.refuse('the engine refused the credentials (HTTP 401)');
      } else if (res.status === 401 && withCredentials) {
        this.refuse('the engine refused the credentials (HTTP 401)');
      }
      if (RETRY_STATUS.has(res.status) && idempotent && attempt < retries) {
        this.log('debug', `${method} ${url.pathname}: HTTP ${res.status}; retry ${attempt + 1} of ${retries}`);
        this.counters.retries++;
        this.options.onRetry?.({ method, path: url.pathname, reason: `HTTP_${res.status}` });
        await backoff(attempt, Number(res.headers['retry-after']) * 1000 || undefined, opts.signal);
        continue;
      }
      return res;
    }
  }

  /** Whether the engine refused these credentials within `refusalMs`. */
  get refused(): boolean {
    return this.refusal !== undefined && this.refusal.until > Date.now();
  }

  /** Remembers that the engine refused the credentials: nothing is sent with them for `refusalMs`. */
  private refuse(why: string): CredentialsRefused {
    const error = new CredentialsRefused(`The engine refused the credentials of ${this.options.username ?? 'this connection'}: ${why}`);
    this.refusal = { error, until: Date.now() + (this.options.refusalMs ?? 60_000) };
    this.session = undefined;
    this.token = undefined;
    this.log('warn', `credentials refused (${why}); not sent again for ${Math.round((this.options.refusalMs ?? 60_000) / 1000)} s`);
    return error;
  }

  private throwIfRefused(): void {
    if (!this.refusal) return;
    if (this.refusal.until > Date.now()) throw this.refusal.error;
    this.refusal = undefined;
  }

  /** The absolute URL of a target, refused unless it is on the engine's origin. */
  resolve(target: string): URL {
    let url: URL;
    try {
      url = new URL(target, this.base);
    } catch {
      throw new ConnectionError(`Not a URL the engine could have meant: ${JSON.stringify(String(target).slice(0, 100))}`);
    }
    if (url.origin !== this.base.origin) {
      this.log('warn', `refused a link to another origin (${url.origin}; the engine is ${this.base.origin})`);
      throw new ForeignOrigin(url.origin, this.base.origin);
    }
    // Credentials go in headers this transport controls, never in the URL.
    url.username = '';
    url.password = '';
    return url;
  }

  private once(method: string, url: URL, opts: RequestOptions): Promise<HttpResponse> {
    const headers = this.headersFor(opts);
    const loggingIn = headers.authorization !== undefined && this.options.persistentAuth !== false && this.options.auth !== 'sso';
    this.counters.requests++;
    const verbose = this.settings.verbosity() > 5;
    this.log(
      'debug',
      `> ${method} ${url.pathname}${url.search}`,
      verbose ? { headers: redact(headers), body: redact(opts.body) } : undefined,
    );
    const p = this.exchange(method, url, headers, opts);
    if (loggingIn) {
      this.counters.logins++;
      this.login = p;
      p.finally(() => {
        if (this.login === p) this.login = undefined;
      }).catch(() => undefined);
    }
    return p;
  }

  private headersFor(opts: RequestOptions): Record<string, string> {
    // RHV 4.0-4.3 answer API v4 unless asked for v3 by this header; 3.x engines ignore it.
    // Unless told a version, ask for v4: 4.x engines answer in it, and 3.x ones in v3 whatever is asked.
    const version = this.options.apiVersion === undefined || this.options.apiVersion === 'auto' ? '4' : String(this.options.apiVersion);
    const accept = opts.reader?.accept ?? 'application/xml';
    const headers: Record<string, string> = { accept, 'accept-charset': 'utf-8', version, ...opts.headers };
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/xml; charset=utf-8';
      // node sends a DELETE body neither chunked nor sized unless told its length.
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    if (this.filtering) headers.filter = 'true';
    if (this.options.auth === 'sso') {
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      return headers;
    }
    const persistent = this.options.persistentAuth !== false;
    if (persistent) {
      headers.prefer = 'persistent-auth';
      if (this.options.sessionTtl) headers['session-ttl'] = String(this.options.sessionTtl);
    }
    if (this.session) headers.cookie = `JSESSIONID=${this.session}`;
    else if (this.options.username !== undefined)
      headers.authorization = basicAuthorization(this.options.username, this.options.password ?? '');
    return headers;
  }

  /**
   * One HTTP exchange. Whatever ends it first wins, and every path through
   * here ends the socket's part in it: the answer (complete, or over the size
   * limit), the total time limit, the caller's signal, or a network error.
   */
  private exchange(method: string, url: URL, headers: Record<string, string>, opts: RequestOptions): Promise<HttpResponse> {
    const started = performance.now();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const limits = {
      maxBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxListBytes: this.options.maxListBytes ?? DEFAULT_MAX_LIST_BYTES,
      budget: this.options.budget,
    };
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(Aborted.by(signal, `${method} ${url.pathname}`));
    return new Promise<HttpResponse>((resolve, reject) => {
      let sent = false;
      let settled = false;
      let answer: AnswerBody | undefined;
      const finish = (err: Error | undefined, value?: HttpResponse) => {
        if (settled) return;
        settled = true;
        answer?.release();
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          req.destroy();
          reject(err);
        } else {
          resolve(value!);
        }
      };
      const onAbort = () => finish(Aborted.by(signal!, `${method} ${url.pathname}`, sent));
      const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: this.agent }, (res) => {
        const status = res.statusCode ?? 0;
        const type = String(res.headers['content-type'] ?? '');
        // Only a successful answer of a type the reading takes is read as it streams: faults and error pages are kept as text.
        const reader = opts.reader && status >= 200 && status < 300 ? opts.reader.readerFor(type) : undefined;
        const declared = Number(res.headers['content-length']);
        if (!reader && declared > limits.maxBytes) return finish(this.tooLarge(method, url, { kind: 'size', size: declared }, limits));
        const redirect = this.foreignRedirect(res, url);
        if (redirect) return finish(redirect);
        const body = new AnswerBody(limits, reader);
        answer = body;
        res.on('data', (c: Buffer) => {
          if (settled) return;
          let overflow: Overflow | undefined;
          try {
            overflow = body.take(c);
          } catch (e) {
            return finish(e as Error);
          }
          if (overflow) finish(this.tooLarge(method, url, overflow, limits));
        });
        res.on('end', () => {
          if (settled) return;
          let got: { body: string; read?: unknown };
          try {
            got = body.finish();
          } catch (e) {
            return finish(e as Error);
          }
          this.takeSession(res.headers);
          const ms = performance.now() - started;
          this.log(
            'debug',
            `< ${status} ${method} ${url.pathname} (${Math.round(ms)} ms, ${body.size} bytes${body.streamed ? ', read as it came' : ''})`,
            this.settings.verbosity() > 5 && !body.streamed ? { body: redact(got.body) } : undefined,
          );
          this.options.onResponse?.({ method, path: url.pathname, status, ms, bytes: body.size, signal: opts.owner ?? signal });
          // An error page that is no fault document is the operator's to read, never the caller's (answers.ts).
          if (status >= 400 && !/xml|json/.test(type))
            this.log('debug', `HTTP ${status} page for ${method} ${url.pathname}`, { excerpt: redact(excerpt(got.body) ?? '') });
          finish(undefined, { status, headers: res.headers, body: got.body, read: got.read });
        });
        res.on('error', (e) =>
          finish(new ConnectionError(`Connection to ${url.host} broke while reading the answer: ${e.message}`, { cause: e, sent: true })),
        );
        res.on('aborted', () => finish(new ConnectionError(`Connection to ${url.host} broke while reading the answer`, { sent: true })));
      });
      const timer = setTimeout(
        () =>
          finish(
            new ConnectionError(`No complete answer from ${url.host} within ${timeoutMs} ms (${method} ${url.pathname})`, {
              sent,
              timeout: true,
            }),
          ),
        timeoutMs,
      );
      req.on('finish', () => {
        sent = true;
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: Error & { code?: string }) => {
        // Refused or unresolvable: nothing reached the engine.
        const neverSent = !sent || e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND';
        finish(new ConnectionError(`Could not reach ${url.host}: ${e.message}`, { cause: e, sent: !neverSent }));
      });
      req.end(opts.body);
    });
  }

  /** The error for an answer dropped while it arrived (body.ts Overflow). */
  private tooLarge(method: string, url: URL, o: Overflow, limits: BodyLimits): ResponseTooLarge | BudgetExceeded {
    const what = `${method} ${url.pathname}`;
    const budget = limits.budget;
    if (o.kind === 'budget' && budget) {
      this.log('warn', `dropped an answer: engine answers in flight would pass ${budget.limit} bytes (${what})`);
      return new BudgetExceeded(
        `The server is reading ${budget.inFlight} bytes of engine answers already (answerBudgetBytes: ${budget.limit}); the answer to ${what} was dropped, try again shortly`,
        budget.limit,
      );
    }
    const [limit, setting, why] =
      o.kind === 'list'
        ? [limits.maxListBytes, 'maxListBytes' as const, `is a list over ${limits.maxListBytes} bytes (maxListBytes)`]
        : o.kind === 'item'
          ? [limits.maxBytes, 'maxResponseBytes' as const, `has an item over ${limits.maxBytes} bytes (maxResponseBytes; ${o.size} read)`]
          : [
              limits.maxBytes,
              'maxResponseBytes' as const,
              `is over ${limits.maxBytes} bytes (maxResponseBytes; ${o.kind === 'size' ? o.size : 0} bytes read)`,
            ];
    this.log('warn', `dropped an answer that ${why.replace(/ \(.*/, '')} (${what})`);
    return new ResponseTooLarge(`The engine's answer to ${what} ${why}; it was dropped`, limit, { setting });
  }

  /** A redirect answer pointing off the engine's origin becomes an error; others are returned as they are. */
  private foreignRedirect(res: http.IncomingMessage, url: URL): ForeignOrigin | undefined {
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status < 300 || status >= 400 || !location) return undefined;
    let to: URL;
    try {
      to = new URL(location, url);
    } catch {
      return new ForeignOrigin('an unreadable location', this.base.origin);
    }
    if (to.origin === this.base.origin) return undefined;
    this.log('warn', `refused a redirect to another origin (${to.origin}; the engine is ${this.base.origin})`);
    return new ForeignOrigin(to.origin, this.base.origin);
  }

  private takeSession(headers: http.IncomingHttpHeaders): void {
    if (this.options.persistentAuth === false) return;
    const fromHeader = headers.jsessionid;
    const cookie = (headers['set-cookie'] ?? []).map((c) => /^JSESSIONID=([^;]+)/.exec(c)?.[1]).find(Boolean);
    const id = (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ?? cookie;
    if (id && id !== this.session) {
      this.session = id;
      this.log('debug', 'engine session opened');
    }
  }

  /**
   * An SSO access token for the credentials (one request for all callers
   * waiting); the refusal's JSON `error` becomes the error's message.
   */
  private ssoToken(signal: AbortSignal | undefined): Promise<string> {
    this.tokenRequest ??= (async () => {
      const url = new URL('/ovirt-engine/sso/oauth/token', this.base);
      const body = new URLSearchParams({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: this.options.username ?? '',
        password: this.options.password ?? '',
      }).toString();
      const headers = {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      };
      this.counters.requests++;
      this.counters.logins++;
      const res = await this.exchange('POST', url, headers, { body, signal });
      let answer: { access_token?: unknown; error?: unknown; error_code?: unknown } = {};
      try {
        answer = JSON.parse(res.body);
      } catch {
        // not JSON: reported below
      }
      // A token goes into a header: one of printable ASCII only, and of a sane length, or it is not one.
      const usable = typeof answer.access_token === 'string' && /^[\x21-\x7e]{1,4096}$/.test(answer.access_token);
      if (res.status !== 200 || !usable) {
        const why = typeof answer.error === 'string' ? answer.error.slice(0, 200).replace(/\p{Cc}/gu, ' ') : `HTTP ${res.status}`;
        // The OAuth errors that mean "these credentials" (RFC 6749 §5.2; the engine's SSO says access_denied).
        if ((res.status === 400 || res.status === 401) && REFUSAL_CODES.has(String(answer.error_code ?? answer.error ?? '')))
          throw this.refuse(`the SSO service said ${String(answer.error_code ?? answer.error)}: ${why}`);
        throw new ConnectionError(`The engine's SSO service refused to log in: ${why}`, { sent: true });
      }
      const token = answer.access_token as string;
      this.token = token;
      this.log('debug', 'SSO token obtained');
      return token;
    })().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  /** Ends the engine session (a request without persistent-auth logs it out) and closes sockets. */
  async close(): Promise<void> {
    if (this.token) {
      const token = this.token;
      this.token = undefined;
      const url = new URL(`/ovirt-engine/services/sso-logout?scope=&token=${encodeURIComponent(token)}`, this.base);
      await this.exchange('GET', url, { accept: 'application/json' }, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      this.log('debug', 'SSO token logged out');
    }
    if (this.session) {
      const sid = this.session;
      this.session = undefined;
      await new Promise<void>((resolve) => {
        const req = (this.base.protocol === 'https:' ? https : http).request(
          this.base,
          { method: 'HEAD', agent: this.agent, headers: { cookie: `JSESSIONID=${sid}` } },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        req.setTimeout(5000, () => req.destroy());
        req.on('error', () => resolve());
        req.end();
      });
      this.log('debug', 'engine session closed');
    }
    this.agent.destroy();
  }

  private log(level: 'debug' | 'info' | 'warn', msg: string, data?: object): void {
    const l = this.settings.logger;
    if (!l) return;
    const fn = l[level] ?? l.info;
    if (!fn) return;
    if (data) fn.call(l, data, `rhev: ${msg}`);
    else fn.call(l, `rhev: ${msg}`);
  }
}

/** Sleeps before a retry; an aborted signal ends the sleep (and the retries) at once. */
function backoff(attempt: number, floorMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  const base = Math.min(2000, 100 * 2 ** attempt);
  const ms = Math.min(10_000, Math.max(floorMs ?? 0, base * (0.5 + Math.random() * 0.5)));
  return abortableSleep(ms, signal);
}

/** A sleep that ends early, with Aborted, when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(Aborted.by(signal, 'The wait'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(Aborted.by(signal!, 'The wait'));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws Aborted when the signal has aborted already. */
export function throwIfAborted(signal: AbortSignal | undefined, sent: boolean): void {
  if (signal?.aborted) throw Aborted.by(signal, 'The request', sent);
}
