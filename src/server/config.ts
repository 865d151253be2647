/**
 * What a server is told, and every limit it enforces. Their defaults, flags,
 * variables and documentation come from one registry (src/settings): a
 * limit is added there and here, and enforced where the registry says.
 */
import type { ConnectionOptions, EngineAccess, EngineFormat } from '../rhev/index.ts';
import { defaultsOf, settingDefault } from '../settings/index.ts';
import type { WatcherSettings } from '../subscriptions/watchers.ts';
import type { TlsFiles } from './listener.ts';

/** The engine to serve, and its service account (username and password; without one, every request must bring its own credentials). */
export interface EngineConfig extends EngineAccess {
  url: string;
  /** Send Filter: true for the service account too. */
  filter?: boolean;
  /** Total time one engine request may take (ms, default 60 s). */
  timeoutMs?: number;
  /** Retries of idempotent engine requests (default 5). */
  retries?: number;
  /** Client log verbosity (1..10; above 5 bodies are logged, redacted). */
  verbosity?: number;
  /**
   * The API dialect to serve and speak: 3, 4, or `auto` (the default): v4
   * when the engine offers it, as every 4.x engine does (docs/protocol.md §11).
   */
  apiVersion?: 3 | 4 | 'auto';
  /** What lists and gets ask an API v4 engine to answer in (rhev/answers.ts EngineFormat; default xml). */
  format?: EngineFormat;
}

/**
 * Who a caller without credentials is served as. `service-account`: as the
 * configured service account (the embedded simulator's default); `refuse`:
 * 401, so every caller must bring their own (the default against a real engine).
 */
export type AnonymousPolicy = 'service-account' | 'refuse';

export interface ServerConfig {
  engine: EngineConfig;
  port?: number;
  host?: string;
  /** Serve HTTPS and WSS with this certificate; with a client CA, callers must present a certificate it signed (listener.ts). */
  tls?: TlsFiles;
  /** Cache hints on slow-changing types, in seconds (schema/cache.ts; default from the settings registry, 0: none). */
  cacheMaxAgeSeconds?: number;
  /** Traces sent over OTLP/HTTP to this collector's base URL (tracing.ts); off without one. */
  tracing?: { endpoint?: string };
  /** Replicas sharing one Redis (shared/): without `redisUrl`, this server keeps everything to itself. */
  shared?: SharedConfig;
  /** Callers without credentials (default `refuse`). */
  anonymous?: AnonymousPolicy;
  /** Serve the explorer (GraphiQL, from the package) to browsers at /graphql (default: outside production). */
  landingPage?: boolean;
  introspection?: boolean;
  /** Stack traces in error answers (default: only when NODE_ENV=development). */
  debug?: boolean;
  /** Run queries by compiled code once seen twice (compiled.ts; default from the settings registry: on). */
  compiledQueries?: boolean;
  /** Turn request batching off (for measuring the naive way). */
  batching?: boolean;
  /**
   * How old an answer may be when it is served again (ms; default
   * DEFAULT_FRESHNESS_MS, 0 turns sharing off): engine answers, and whole
   * answers to identical queries, are shared by the callers of one credential
   * for this long. Our own mutations and the engine's events forget them at
   * once (rhev/fresh.ts; README, "Freshness").
   */
  freshnessMs?: number;
  watch?: Partial<WatcherSettings>;
  /** Where the server's structured log lines go: a pino logger (default: pino at `logLevel` on stdout). */
  logger?: ServerLogger;
  /** pino level when no logger is given (default: LOG_LEVEL, else `info`). */
  logLevel?: string;
  limits?: Partial<Limits>;
  /**
   * Browser origins whose pages may call the subgraph (`https://dash.example.com`):
   * their preflights are answered and their answers carry
   * Access-Control-Allow-Origin. None by default; CSRF prevention holds for
   * every other request either way.
   */
  corsOrigins?: readonly string[];
}

/** Redis shared by the replicas of a deployment (shared/store.ts; defaults from the settings registry). */
export interface SharedConfig {
  readonly redisUrl?: string;
  readonly keyPrefix?: string;
  readonly timeoutMs?: number;
  readonly maxEntryBytes?: number;
  readonly leaseMs?: number;
}

/** The part of a pino logger the server uses. */
export interface ServerLogger extends NonNullable<ConnectionOptions['logger']> {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
  child?: (bindings: object) => ServerLogger;
}

/** What one operation, connection or credential may ask of the server (and so of the engine). */
export interface Limits {
  /** Deepest selection nesting (rules/depth). */
  maxDepth: number;
  /** Most aliases in an operation; each can fan out a list (rules/aliases). */
  maxAliases: number;
  /** Most directives in an operation (rules/directives). */
  maxDirectives: number;
  /** Most tokens in a document: a bound on parsing work (graphql's parser). */
  maxTokens: number;
  /** Most engine requests an operation is estimated to cost (rules/cost). */
  maxUpstreamRequests: number;
  /** Items a list is assumed to hold when an operation does not say max. */
  assumedListSize: number;
  /** Operations in flight per WebSocket, subscriptions included. */
  maxOperationsPerConnection: number;
  /** Subscriptions open per WebSocket. */
  maxSubscriptionsPerConnection: number;
  /** Largest HTTP request body, and largest WebSocket message. */
  maxBodyBytes: number;
  /** Longest an operation may run (ms); every engine request it started ends then. */
  operationTimeoutMs: number;
  /** Largest engine answer accepted (bytes), or list item of one read as it streams, counted while it streams in. */
  maxResponseBytes: number;
  /** Largest list read as it streams (bytes), all its items together (rhev/body.ts). */
  maxListBytes: number;
  /** Bytes of all engine answers streaming in at once, across every credential (rhev/budget.ts). */
  answerBudgetBytes: number;
  /** How long a request may take to send its headers (ms), and its whole body; a slower one is cut. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Most credentials held at once (connections, sessions, watchers); least recently used go first. */
  maxCredentials: number;
  /** A credential unused this long (ms) is evicted and its engine session logged out. */
  credentialIdleMs: number;
  /** A credential the engine refused is answered 401 without asking the engine again for this long (ms). */
  refusedCredentialMs: number;
}

/** Every limit's default, from the settings registry (src/settings/registry.ts), where each is defined once. */
export const DEFAULT_LIMITS: Limits = defaultsOf<Limits>('limits.');

/** The default freshness window: a dashboard polling every 10 s sees data at most this much older than it would alone. */
export const DEFAULT_FRESHNESS_MS = settingDefault<number>('freshnessMs');

/** The watchers' defaults (subscriptions/watchers.ts), from the registry. */
export const DEFAULT_WATCH: Pick<WatcherSettings, 'intervalMs' | 'maxIntervalMs' | 'eventsMs'> = defaultsOf('watch.');

/** The engine connection's defaults the server passes on, from the registry. */
export const DEFAULT_ENGINE = {
  timeoutMs: settingDefault<number>('engine.timeoutMs'),
  retries: settingDefault<number>('engine.retries'),
  verbosity: settingDefault<number>('engine.verbosity'),
};

/** A URL as it may be shown: credentials written into it are replaced by `***`. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    return u.href;
  } catch {
    return '(not a URL)';
  }
}
