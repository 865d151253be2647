/**
 * The engine simulator over HTTP: `startSimulator()` gives a running RHEV 3.6
 * lookalike on a port of its own.
 *
 * The transport adds what a network and a busy engine add: a per-request
 * latency, optional login cost, and injected faults (503s, connection resets,
 * slow answers, truncated or malformed XML) at a chosen rate. It also guards
 * itself the way a production server does: a body size limit, header and
 * request timeouts against slow clients, and no request can crash it.
 *
 * Outside the API roots, `/__simulator/*` is a control endpoint for tests and
 * benchmarks (request counts, reset, runtime configuration).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { control, inject, readBody, send, sleep } from './control.ts';
import { type DialectName, dialect } from './dialects.ts';
import { Engine } from './engine.ts';
import { EngineFault, faultAnswer } from './faults.ts';
import type { EngineOptions, EngineResponse } from './messages.ts';
import { makePki, type Pki, servePki } from './pki.ts';
import { SSO_LOGOUT_PATH, SSO_TOKEN_PATH, ssoAnswer } from './sso.ts';
import { rng } from './store.ts';
import { firstBuffer, type PieceBuffer, stream } from './streaming.ts';

export type FaultKind = '503' | 'reset' | 'slow' | 'truncated' | 'malformed';
export const FAULT_KINDS: readonly FaultKind[] = ['503', 'reset', 'slow', 'truncated', 'malformed'];

export interface FaultOptions {
  /** Share of API requests that get a fault, 0 to 1. */
  rate: number;
  kinds: FaultKind[];
  /** Extra delay of a `slow` fault. */
  slowMs: number;
  /** Only requests with these methods get faults (default: all). */
  methods?: string[];
}

/**
 * Which API dialects the simulated engine speaks (docs/protocol.md §11):
 * `v3` as a 3.6 engine (`/api`, `/ovirt-engine/api`); `both` as 4.0-4.3
 * (`/ovirt-engine/api` is v4 unless the request says `Version: 3`;
 * `/ovirt-engine/api/v3` and `/v4` choose outright); `v4` as 4.4 and later.
 */
export type Dialects = 'v3' | 'both' | 'v4';

export interface SimulatorOptions extends EngineOptions {
  port: number;
  /** Default `v3`. */
  dialects: Dialects;
  host: string;
  /** Added to every API request, in ms. */
  latencyMs: number;
  faults: FaultOptions;
  /** Request bodies larger than this get 413. */
  maxBodyBytes: number;
  /** Slow-client guards (ms). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Serve HTTPS with this key and certificate (PEM), as RHEV engines do. */
  tls?: {
    key: string | Buffer;
    cert: string | Buffer /** The CA that signed `cert` (served at /ca.crt); default: `cert` itself. */;
    ca?: string | Buffer;
  };
}

export interface Simulator {
  readonly url: string;
  /** The API entry point: `${url}/api` for a 3.6 engine, `${url}/ovirt-engine/api` for a 4.x one. */
  readonly apiUrl: string;
  readonly port: number;
  readonly engine: Engine;
  readonly options: SimulatorOptions;
  readonly credentials: { readonly admin: { username: string; password: string }; readonly user: { username: string; password: string } };
  /** Changes latency or faults while running. */
  configure(changes: Partial<Pick<SimulatorOptions, 'latencyMs' | 'faults' | 'transitionMs' | 'loginCostMs'>>): void;
  close(): Promise<void>;
}

export const DEFAULT_FAULTS: FaultOptions = { rate: 0, kinds: [...FAULT_KINDS], slowMs: 2000 };

/** An API root: the path prefix, and the dialect it serves (`negotiate`: the Version header decides). */
interface ApiRoot {
  readonly prefix: string;
  readonly dialect: DialectName | 'negotiate';
}

/**
 * Where each generation of engine serves its API (docs/protocol.md §1, §11).
 * Longest first: the first match wins.
 */
const API_ROOTS: Record<Dialects, readonly ApiRoot[]> = {
  v3: [
    { prefix: '/ovirt-engine/api/v3', dialect: 'v3' },
    { prefix: '/ovirt-engine/api', dialect: 'v3' },
    { prefix: '/api', dialect: 'v3' },
  ],
  both: [
    { prefix: '/ovirt-engine/api/v3', dialect: 'v3' },
    { prefix: '/ovirt-engine/api/v4', dialect: 'v4' },
    { prefix: '/ovirt-engine/api', dialect: 'negotiate' },
  ],
  v4: [
    { prefix: '/ovirt-engine/api/v4', dialect: 'v4' },
    { prefix: '/ovirt-engine/api', dialect: 'v4' },
  ],
};

/** The root a path is below, and the dialect it is answered in. */
function apiRootOf(
  mode: Dialects,
  path: string,
  version: string | undefined,
): { prefix: string; base: string; dialect: DialectName } | undefined {
  const root = API_ROOTS[mode].find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`) || path.startsWith(`${r.prefix};`));
  if (!root) return undefined;
  const dialect = root.dialect === 'negotiate' ? (version?.trim() === '3' ? 'v3' : 'v4') : root.dialect;
  // v4 documents name their resources below /ovirt-engine/api whichever prefix chose the dialect.
  return { prefix: root.prefix, base: dialect === 'v4' ? '/ovirt-engine/api' : root.prefix, dialect };
}

export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const opts = withDefaults(options);
  // The release a client sees in product_info: the dialects served say which engines answer so.
  const engine = new Engine({ ...opts, release: opts.dialects === 'v3' ? '3.6' : opts.dialects === 'both' ? '4.3' : '4.5' });
  Object.assign(opts, engine.options, { faults: opts.faults });
  const sockets = new Set<Socket>();
  const site: Site = { opts, engine, sockets, faultRandom: rng(opts.seed ^ 0x5eed), port: 0 };
  const server = createHttpServer(opts, sockets, (req, res) => handle(site, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  site.port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${site.port}`;
  site.simulator = {
    url,
    apiUrl: opts.dialects === 'v3' ? `${url}/api` : `${url}/ovirt-engine/api`,
    port: site.port,
    engine,
    options: opts,
    credentials: { admin: { username: 'admin@internal', password: 'admin' }, user: { username: 'user@internal', password: 'user' } },
    configure: (changes) => configure(opts, engine, changes),
    async close() {
      engine.stopTimers();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return site.simulator;
}

/** What a running simulator's request handling shares. */
interface Site {
  readonly opts: SimulatorOptions;
  readonly engine: Engine;
  readonly sockets: Set<Socket>;
  /** Draws which requests get a fault (seeded, so a run can be repeated). */
  readonly faultRandom: () => number;
  port: number;
  simulator?: Simulator;
  /** The engine's PKI, made on the first request that wants it (pki.ts). */
  pki?: Promise<Pki>;
}

function withDefaults(given: Partial<SimulatorOptions>): SimulatorOptions {
  // An option given as undefined (a flag not passed) takes its default, not the place of it.
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<SimulatorOptions>;
  return {
    port: 0,
    host: '127.0.0.1',
    dialects: 'v3',
    latencyMs: 0,
    maxBodyBytes: 1024 * 1024,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    ...options,
    faults: { ...DEFAULT_FAULTS, ...options.faults },
  } as SimulatorOptions;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** An HTTP or HTTPS server with the slow-client guards, `Expect: 201-created` taken over, and every socket tracked for close(). */
function createHttpServer(opts: SimulatorOptions, sockets: Set<Socket>, handle: Handler): Server {
  const make = (
    opts.tls ? (o: object, h: Parameters<typeof createServer>[1]) => createTlsServer({ ...o, ...opts.tls }, h) : createServer
  ) as typeof createServer;
  const server: Server = make(
    {
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      keepAliveTimeout: 5_000,
      // node checks the timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, opts.headersTimeoutMs / 2)),
    },
    (req, res) => {
      handle(req, res).catch((e) => {
        // Nothing a client sends may take the simulator down.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`Internal error: ${(e as Error).message}`);
        } else {
          res.destroy();
        }
      });
    },
  );
  // The engine protocol uses `Expect: 201-created`; node answers any Expect
  // other than 100-continue with 417 unless the server takes it over.
  server.on('checkExpectation', (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A client that stalls (slowloris) is dropped after requestTimeoutMs of silence.
  server.setTimeout(opts.requestTimeoutMs);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** One request: the control endpoint, the CA certificate, or the API below one of its roots. */
async function handle(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (path.startsWith('/__simulator/')) return control(site.simulator!, site.sockets, req, res, path);
  if (path === '/ca.crt' || path === '/ovirt-engine/services/pki-resource')
    return servePki(res, path, url.searchParams, () => (site.pki ??= makePki(site.opts.tls, site.opts.host)));
  if (site.opts.dialects !== 'v3' && (path === SSO_TOKEN_PATH || path === SSO_LOGOUT_PATH)) return serveSso(site, req, res, url);
  const version = req.headers.version;
  const root = apiRootOf(site.opts.dialects, path, Array.isArray(version) ? version[0] : version);
  if (!root) {
    res.writeHead(404).end();
    return;
  }
  return serveApi(site, req, res, url, root);
}

/** The SSO service (sso.ts): tokens for API v4 clients. */
async function serveSso(site: Site, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let body: string;
  try {
    body = await readBody(req, site.opts.maxBodyBytes);
  } catch {
    res.writeHead(413, { connection: 'close' }).end();
    req.destroy();
    return;
  }
  const answer = ssoAnswer(
    site.engine.sessions,
    (req.method ?? 'GET').toUpperCase(),
    url.pathname,
    url.searchParams,
    String(req.headers['content-type'] ?? ''),
    body,
  )!;
  site.engine.stats.count(`${(req.method ?? 'GET').toUpperCase()} ${url.pathname}`);
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

/** An API request: read within the body limit, answered by the engine, after the latency, or with an injected fault. */
async function serveApi(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  root: { prefix: string; base: string; dialect: DialectName },
): Promise<void> {
  const { opts, engine } = site;
  let body: string;
  try {
    body = await readBody(req, opts.maxBodyBytes);
  } catch {
    res.writeHead(413, { connection: 'close' }).end();
    req.destroy();
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const host = req.headers.host ?? `${opts.host}:${site.port}`;
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.slice(root.prefix.length);
  const began = performance.now();
  const answered = await engine.handle({
    method: req.method ?? 'GET',
    path: path.replace(/\/$/, ''),
    query: url.searchParams,
    headers,
    body,
    base: root.base,
    dialect: root.dialect,
    origin: `${opts.tls ? 'https' : 'http'}://${host}`,
  });
  let { response, rest } = buffered(answered, root.dialect);
  engine.stats.count(response.route ?? `${method} ${path || '/'}`);
  engine.stats.serveMs += performance.now() - began;
  const delay = opts.latencyMs + (response.delayMs ?? 0);
  if (delay > 0) await sleep(delay);
  const fault = drawFault(site, method);
  if (fault) {
    engine.stats.faultsInjected[fault] = (engine.stats.faultsInjected[fault] ?? 0) + 1;
    // A fault changes the answer's text: a streamed one is written whole first.
    if (rest)
      ({ response, rest } = { response: { ...response, body: rest.head + drain(rest.buffer), pieces: undefined }, rest: undefined });
    engine.stats.bytes += Buffer.byteLength(response.body);
    return inject(fault, res, response, opts.faults.slowMs);
  }
  if (!rest) {
    engine.stats.bytes += Buffer.byteLength(response.body);
    return send(res, response);
  }
  const before = rest.buffer.writeMs;
  engine.stats.bytes += await stream(res, response, rest);
  engine.stats.serveMs += rest.buffer.writeMs - before;
}

/** The engine's answer with its first buffer written (streaming.ts); writing it may fail, as the engine's fault. */
function buffered(answered: EngineResponse, name: DialectName): ReturnType<typeof firstBuffer> {
  try {
    return firstBuffer(answered);
  } catch (e) {
    const f = new EngineFault(500, 'Operation Failed', (e as Error).message);
    const json = /json/.test(answered.headers['content-type'] ?? '');
    return { response: { ...faultAnswer(dialect(name), f, json), route: answered.route } };
  }
}

/** The rest of a streamed answer as text. */
function drain(buffer: PieceBuffer): string {
  let text = '';
  for (let t = buffer.next(); t; t = buffer.next()) text += t;
  return text;
}

/** The fault this request gets, if the configured rate draws one for it. */
function drawFault(site: Site, method: string): FaultKind | undefined {
  const f = site.opts.faults;
  if (f.methods && !f.methods.includes(method)) return undefined;
  if (!(f.rate > 0 && f.kinds.length && site.faultRandom() < f.rate)) return undefined;
  return f.kinds[Math.floor(site.faultRandom() * f.kinds.length)];
}

function checkNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number of milliseconds, 0 or more`);
  return v;
}

/** Changes latency, transition time, login cost or faults of a running simulator; refuses what makes no sense. */
function configure(opts: SimulatorOptions, engine: Engine, changes: Parameters<Simulator['configure']>[0]): void {
  if (changes.latencyMs !== undefined) opts.latencyMs = checkNumber('latencyMs', changes.latencyMs);
  if (changes.transitionMs !== undefined) engine.options.transitionMs = checkNumber('transitionMs', changes.transitionMs);
  if (changes.loginCostMs !== undefined) engine.options.loginCostMs = checkNumber('loginCostMs', changes.loginCostMs);
  if (changes.faults) {
    const f = { ...opts.faults, ...changes.faults };
    if (!(f.rate >= 0 && f.rate <= 1)) throw new Error('faults.rate must be between 0 and 1');
    for (const k of f.kinds) if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind ${k}; known: ${FAULT_KINDS.join(', ')}`);
    opts.faults = f;
  }
}
