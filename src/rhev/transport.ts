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
 * Retries: GET, HEAD, OPTIONS, PUT and DELETE are idempotent and are retried
 * on network errors and on 502/503/504, with capped exponential backoff and
 * jitter. A POST is retried only when it provably never left this process
 * (the connection was refused); once sent, a failure is reported with
 * `sent: true` rather than risking a second VM start.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ConnectionError } from './errors.ts';
import { basicAuthorization } from './basic.ts';
import { redact, type Logger } from './log.ts';

export interface TransportOptions {
  username?: string;
  password?: string;
  /** PEM CA bundle (file path) to verify the engine's certificate with. */
  caFile?: string;
  /** PEM CA certificates given directly. */
  ca?: string | Buffer;
  /** Skip certificate verification (development only). */
  insecure?: boolean;
  /** Per-request timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Use engine sessions (default true). */
  persistentAuth?: boolean;
  /** Send `Filter: true`: run as the user, with permission filtering (needed for non-admin users). */
  filter?: boolean;
  /** Session idle timeout in minutes (Session-TTL). */
  sessionTtl?: number;
  /** Most open sockets to the engine (default 16). */
  maxSockets?: number;
  /** Called after every answer (for metrics): method, URL path, status, milliseconds, bytes. */
  onResponse?: (info: { method: string; path: string; status: number; ms: number; bytes: number }) => void;
  /**
   * After the engine refused a connection, fail every request at once for
   * this long (ms) instead of queueing retries against a host that is down.
   */
  failFastMs?: number;
  /** Called for every retry (for metrics). */
  onRetry?: (info: { method: string; path: string; reason: string }) => void;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  /** Override idempotency (defaults by method). */
  idempotent?: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUS = new Set([502, 503, 504]);

export class Transport {
  private readonly agent: http.Agent;
  private session?: string;
  /** While in the future, the engine is taken as down (see failFastMs). */
  private downUntil = 0;
  private login?: Promise<unknown>;
  /** Counts kept for tests, metrics and logs. */
  readonly counters = { requests: 0, retries: 0, logins: 0 };

  constructor(
    readonly base: URL,
    private readonly options: TransportOptions,
    private readonly settings: { retries: () => number; verbosity: () => number; logger?: Logger },
  ) {
    const common = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent = base.protocol === 'https:'
      ? new https.Agent({ ...common, ca: options.ca ?? (options.caFile ? readFileSync(options.caFile) : undefined), rejectUnauthorized: !options.insecure })
      : new http.Agent(common);
  }

  get hasSession(): boolean {
    return this.session !== undefined;
  }

  /** Sends a request, with sessions and retries; `target` is absolute or a path on the engine. */
  async request(method: string, target: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(target, this.base);
    if (this.downUntil > Date.now()) {
      throw new ConnectionError(`${url.host} refused connections moments ago; failing fast until it answers again`);
    }
    const idempotent = opts.idempotent ?? IDEMPOTENT.has(method);
    const retries = Math.max(0, this.settings.retries());
    for (let attempt = 0; ; attempt++) {
      // While a login is under way, wait for its session rather than log in twice.
      if (this.options.persistentAuth !== false && !this.session && this.login) await this.login.catch(() => undefined);
      let res: HttpResponse;
      try {
        res = await this.once(method, url, opts);
      } catch (e) {
        const err = e as ConnectionError;
        if (!err.sent && this.options.failFastMs && /refused|ENOTFOUND|EHOSTUNREACH/i.test(String((err.cause as Error)?.message ?? err.message))) {
          this.downUntil = Date.now() + this.options.failFastMs;
          throw err;
        }
        const canRetry = attempt < retries && (idempotent || !err.sent);
        this.log('debug', `${method} ${url.pathname}: ${err.message}${canRetry ? `; retry ${attempt + 1} of ${retries}` : ''}`);
        if (!canRetry) throw err;
        this.counters.retries++;
        this.options.onRetry?.({ method, path: url.pathname, reason: err.code });
        await backoff(attempt);
        continue;
      }
      if (res.status === 401 && this.session) {
        // The engine forgot our session (restart, idle timeout): log in again, once.
        this.log('debug', 'session expired; logging in again');
        this.session = undefined;
        res = await this.once(method, url, opts);
      }
      if (RETRY_STATUS.has(res.status) && idempotent && attempt < retries) {
        this.log('debug', `${method} ${url.pathname}: HTTP ${res.status}; retry ${attempt + 1} of ${retries}`);
        this.counters.retries++;
        this.options.onRetry?.({ method, path: url.pathname, reason: `HTTP_${res.status}` });
        await backoff(attempt, Number(res.headers['retry-after']) * 1000 || undefined);
        continue;
      }
      return res;
    }
  }

  private once(method: string, url: URL, opts: RequestOptions): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      accept: 'application/xml',
      'accept-charset': 'utf-8',
      ...opts.headers,
    };
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/xml; charset=utf-8';
      // node sends a DELETE body neither chunked nor sized unless told its length.
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    if (this.options.filter) headers.filter = 'true';
    const persistent = this.options.persistentAuth !== false;
    let loggingIn = false;
    if (persistent) {
      headers.prefer = 'persistent-auth';
      if (this.options.sessionTtl) headers['session-ttl'] = String(this.options.sessionTtl);
    }
    if (this.session) {
      headers.cookie = `JSESSIONID=${this.session}`;
    } else if (this.options.username !== undefined) {
      headers.authorization = basicAuthorization(this.options.username, this.options.password ?? '');
      loggingIn = persistent;
    }
    this.counters.requests++;
    const verbose = this.settings.verbosity() > 5;
    this.log('debug', `> ${method} ${url.pathname}${url.search}`, verbose ? { headers: redact(headers), body: redact(opts.body) } : undefined);
    const started = performance.now();
    const p = new Promise<HttpResponse>((resolve, reject) => {
      let sent = false;
      const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          this.takeSession(res.headers);
          const ms = performance.now() - started;
          this.log('debug', `< ${res.statusCode} ${method} ${url.pathname} (${Math.round(ms)} ms, ${body.length} chars)`, verbose ? { body: redact(body) } : undefined);
          this.options.onResponse?.({ method, path: url.pathname, status: res.statusCode ?? 0, ms, bytes: body.length });
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', (e) => reject(new ConnectionError(`Connection to ${url.host} broke while reading the answer: ${e.message}`, { cause: e, sent: true })));
      });
      req.setTimeout(this.options.timeoutMs ?? 60_000, () => {
        req.destroy(new ConnectionError(`No answer from ${url.host} within ${this.options.timeoutMs ?? 60_000} ms (${method} ${url.pathname})`, { sent, timeout: true }));
      });
      req.on('finish', () => { sent = true; });
      req.on('error', (e: Error & { code?: string }) => {
        if (e instanceof ConnectionError) return reject(e);
        // Refused or unresolvable: nothing reached the engine.
        const neverSent = !sent || e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND';
        reject(new ConnectionError(`Could not reach ${url.host}: ${e.message}`, { cause: e, sent: !neverSent }));
      });
      req.end(opts.body);
    });
    if (loggingIn) {
      this.counters.logins++;
      this.login = p;
      p.finally(() => { if (this.login === p) this.login = undefined; }).catch(() => undefined);
    }
    return p;
  }

  private takeSession(headers: http.IncomingHttpHeaders): void {
    if (this.options.persistentAuth === false) return;
    const fromHeader = headers['jsessionid'];
    const cookie = (headers['set-cookie'] ?? []).map((c) => /^JSESSIONID=([^;]+)/.exec(c)?.[1]).find(Boolean);
    const id = (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ?? cookie;
    if (id && id !== this.session) {
      this.session = id;
      this.log('debug', 'engine session opened');
    }
  }

  /** Ends the engine session (a request without persistent-auth logs it out) and closes sockets. */
  async close(): Promise<void> {
    if (this.session) {
      const sid = this.session;
      this.session = undefined;
      await new Promise<void>((resolve) => {
        const req = (this.base.protocol === 'https:' ? https : http).request(this.base, { method: 'HEAD', agent: this.agent, headers: { cookie: `JSESSIONID=${sid}` } }, (res) => { res.resume(); res.on('end', resolve); });
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
    if (data) fn.call(l, { ...data, msg: `rhev: ${msg}` }, `rhev: ${msg}`);
    else fn.call(l, `rhev: ${msg}`);
  }
}

function backoff(attempt: number, floorMs?: number): Promise<void> {
  const base = Math.min(2000, 100 * 2 ** attempt);
  const ms = Math.max(floorMs ?? 0, base * (0.5 + Math.random() * 0.5));
  return new Promise((r) => setTimeout(r, Math.min(ms, 10_000)));
}
