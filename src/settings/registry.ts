/**
 * Every setting of `rhev-graphql serve`, once: its name (the key in a
 * config file and in ServerConfig), type, default, flag, environment
 * variable, meaning, and the module that reads it. Everything else comes
 * from this list: the CLI's options, the reading of the environment and of
 * a config file (read.ts), validation with an error naming the setting, the
 * README's configuration and limits tables (docs.ts, equal by test), the
 * server's DEFAULT_LIMITS, and the deploy/ files' checks. A default written
 * anywhere else is a bug.
 *
 * A limit also says what a caller gets beyond it (`beyond`) and where it
 * is checked; both transports read the same limits (server/config.ts).
 */
import type { Limits } from '../server/config.ts';

export type SettingType =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number; readonly unit?: 'ms' | 'bytes' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'string' }
  /** A URL of one of these schemes (default http and https). */
  | { readonly kind: 'url'; readonly schemes?: readonly string[] }
  | { readonly kind: 'list' }
  | { readonly kind: 'choice'; readonly values: readonly string[] };

export type SettingValue = number | boolean | string | readonly string[];

export type SettingGroup = 'engine' | 'server' | 'shared' | 'watch' | 'limits';

export interface Setting {
  /** Its key in a config file and in ServerConfig: `port`, `engine.timeoutMs`, `limits.maxDepth`. */
  readonly name: string;
  readonly group: SettingGroup;
  readonly type: SettingType;
  /** Unset when absent: whoever reads it decides, as `defaultText` says. */
  readonly default?: SettingValue;
  /** The default in words, where it is not one value. */
  readonly defaultText?: string;
  /** `--max-depth`; a boolean also takes `--no-…`. */
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  /** The module that reads it. */
  readonly readBy: string;
  /** Also read from a file named by `<env>_FILE` or `<flag>-file`; never printed. */
  readonly secret?: boolean;
  /** For a limit: what a caller gets beyond it. */
  readonly beyond?: string;
}

const int = (min: number, unit?: 'ms' | 'bytes', max?: number): SettingType => ({ kind: 'integer', min, unit, max });
const MB = 1024 * 1024;

/** A limit of server/config.ts's Limits: its name is `limits.<key>`, its flag and variable follow from the key unless given. */
function limit(
  key: keyof Limits,
  s: Omit<Setting, 'name' | 'group' | 'flag' | 'env'> & { flag?: string; env?: string; default: number },
): Setting {
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const snake = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return { name: `limits.${key}`, group: 'limits', flag: `--${kebab}`, env: `RHEV_${snake}`, ...s };
}

export const SETTINGS: readonly Setting[] = [
  // ------------------------------------------------------------------ the engine
  {
    name: 'engine.url',
    group: 'engine',
    type: { kind: 'url' },
    defaultText: 'unset: the embedded simulator',
    flag: '--rhev-url',
    env: 'RHEV_URL',
    description: "the engine's entry point (`https://engine.example.com/ovirt-engine/api`; RHEV 3.x: `…/api`)",
    readBy: 'cli.ts',
  },
  {
    name: 'engine.apiVersion',
    group: 'engine',
    type: { kind: 'choice', values: ['auto', '4', '3'] },
    default: 'auto',
    flag: '--api-version',
    env: 'RHEV_API_VERSION',
    description: 'the API dialect to serve and speak: `auto` asks the engine (v4 where offered), `4` or `3`',
    readBy: 'server/server.ts',
  },
  {
    name: 'engine.format',
    group: 'engine',
    type: { kind: 'choice', values: ['xml', 'json'] },
    default: 'xml',
    flag: '--engine-format',
    env: 'RHEV_ENGINE_FORMAT',
    description:
      'what lists and gets ask an API v4 engine to answer in: `xml`, or `json` (reads faster; docs/protocol.md §13.4); API v3 is read as XML',
    readBy: 'rhev/answers.ts',
  },
  {
    name: 'engine.username',
    group: 'engine',
    type: { kind: 'string' },
    defaultText: 'none: every caller brings credentials',
    flag: '--rhev-username',
    env: 'RHEV_USERNAME',
    description: 'the service account (`admin@internal`), for callers without credentials when `anonymous` allows, and for readiness',
    readBy: 'server/credentials.ts',
  },
  {
    name: 'engine.password',
    group: 'engine',
    type: { kind: 'string' },
    flag: '--rhev-password',
    env: 'RHEV_PASSWORD',
    description: "the service account's password",
    readBy: 'server/credentials.ts',
    secret: true,
  },
  {
    name: 'engine.caFile',
    group: 'engine',
    type: { kind: 'string' },
    defaultText: "the system's CAs",
    flag: '--rhev-ca-file',
    env: 'RHEV_CA_FILE',
    description: "CA bundle (PEM) to verify the engine's certificate",
    readBy: 'rhev/transport.ts',
  },
  {
    name: 'engine.insecure',
    group: 'engine',
    type: { kind: 'boolean' },
    default: false,
    flag: '--rhev-insecure',
    env: 'RHEV_INSECURE',
    description: "skip verifying the engine's certificate (development only)",
    readBy: 'rhev/transport.ts',
  },
  {
    name: 'engine.filter',
    group: 'engine',
    type: { kind: 'boolean' },
    default: false,
    flag: '--rhev-filter',
    env: 'RHEV_FILTER',
    description: "send `Filter: true` for the service account too (callers' own credentials always are)",
    readBy: 'server/server.ts',
  },
  {
    name: 'engine.timeoutMs',
    group: 'engine',
    type: int(1, 'ms'),
    default: 60_000,
    flag: '--engine-timeout',
    env: 'RHEV_ENGINE_TIMEOUT_MS',
    description: 'total time one engine request may take (a byte every few seconds does not keep it alive)',
    readBy: 'rhev/transport.ts',
    beyond: '`UPSTREAM_TIMEOUT`',
  },
  {
    name: 'engine.retries',
    group: 'engine',
    type: int(0, undefined, 20),
    default: 5,
    flag: '--engine-retries',
    env: 'RHEV_ENGINE_RETRIES',
    description: 'retries of an idempotent engine request on a transient error, never past the deadline',
    readBy: 'rhev/transport.ts',
  },
  {
    name: 'engine.verbosity',
    group: 'engine',
    type: int(1, undefined, 10),
    default: 1,
    flag: '--engine-verbosity',
    env: 'RHEV_ENGINE_VERBOSITY',
    description: 'client log verbosity, 1 to 10 (above 5 bodies are logged, redacted, at debug level)',
    readBy: 'rhev/log.ts',
  },
  // ------------------------------------------------------------------ the server
  {
    name: 'port',
    group: 'server',
    type: int(0, undefined, 65_535),
    default: 4000,
    flag: '--port',
    env: 'PORT',
    description: 'the GraphQL port (HTTP and WebSocket); 0 picks a free one',
    readBy: 'server/server.ts',
  },
  {
    name: 'host',
    group: 'server',
    type: { kind: 'string' },
    default: '127.0.0.1',
    flag: '--host',
    env: 'HOST',
    description: 'the address to listen on: `0.0.0.0` to be reachable from other hosts (as in a container)',
    readBy: 'server/server.ts',
  },
  {
    name: 'tls.certFile',
    group: 'server',
    type: { kind: 'string' },
    defaultText: 'unset: plain HTTP',
    flag: '--tls-cert',
    env: 'RHEV_TLS_CERT',
    description: 'serve HTTPS and WSS with this PEM certificate (chain), with `tls.keyFile`',
    readBy: 'server/listener.ts',
  },
  {
    name: 'tls.keyFile',
    group: 'server',
    type: { kind: 'string' },
    flag: '--tls-key',
    env: 'RHEV_TLS_KEY',
    description: "the certificate's PEM private key",
    readBy: 'server/listener.ts',
  },
  {
    name: 'tls.clientCaFile',
    group: 'server',
    type: { kind: 'string' },
    defaultText: 'unset: no client certificates asked for',
    flag: '--tls-client-ca',
    env: 'RHEV_TLS_CLIENT_CA',
    description: 'mutual TLS: only callers presenting a certificate this PEM CA signed get through (a router in front)',
    readBy: 'server/listener.ts',
  },
  {
    name: 'tracing.endpoint',
    group: 'server',
    type: { kind: 'url' },
    defaultText: 'unset: no traces',
    flag: '--otlp-endpoint',
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    description:
      'OpenTelemetry: send a span per operation, and one per engine request below it, to this OTLP/HTTP collector (`http://collector:4318`)',
    readBy: 'server/tracing.ts',
  },
  {
    name: 'anonymous',
    group: 'server',
    type: { kind: 'choice', values: ['service-account', 'refuse'] },
    defaultText: '`refuse`; `service-account` with the embedded simulator',
    flag: '--anonymous',
    env: 'RHEV_ANONYMOUS',
    description: 'callers without credentials: served as the service account, or refused (401)',
    readBy: 'server/credentials.ts',
  },
  {
    name: 'corsOrigins',
    group: 'server',
    type: { kind: 'list' },
    default: [],
    flag: '--cors-origin',
    env: 'CORS_ORIGIN',
    description: 'browser origins (comma-separated) whose pages may call the subgraph',
    readBy: 'server/http.ts',
  },
  {
    name: 'shared.redisUrl',
    group: 'shared',
    type: { kind: 'url', schemes: ['redis:', 'rediss:'] },
    defaultText: 'unset: each replica on its own',
    flag: '--redis-url',
    env: 'RHEV_REDIS_URL',
    description:
      'Redis or Valkey shared by the replicas (`redis://`, `rediss://` for TLS, user and password in the URL): one freshness window, one memory of refused credentials and one watcher per subscription for the deployment (README, "Several replicas")',
    readBy: 'shared/store.ts',
    secret: true,
  },
  {
    name: 'shared.keyPrefix',
    group: 'shared',
    type: { kind: 'string' },
    default: 'rhev-graphql:',
    flag: '--redis-key-prefix',
    env: 'RHEV_REDIS_KEY_PREFIX',
    description: 'what every key and channel this deployment uses in Redis begins with (one per deployment sharing a Redis)',
    readBy: 'shared/store.ts',
  },
  {
    name: 'shared.timeoutMs',
    group: 'shared',
    type: int(10, 'ms', 10_000),
    default: 1000,
    flag: '--redis-timeout',
    env: 'RHEV_REDIS_TIMEOUT_MS',
    description: 'the longest a Redis command may take; slower, and the replica works on its own for a few seconds',
    readBy: 'shared/store.ts',
  },
  {
    name: 'shared.maxEntryBytes',
    group: 'shared',
    type: int(1024, 'bytes'),
    default: 64 * MB,
    flag: '--redis-max-entry',
    env: 'RHEV_REDIS_MAX_ENTRY_BYTES',
    description: 'the largest engine answer put in Redis for the other replicas (larger ones each replica reads itself)',
    readBy: 'shared/reads.ts',
  },
  {
    name: 'shared.leaseMs',
    group: 'shared',
    type: int(300, 'ms', 60_000),
    default: 3000,
    flag: '--redis-lease',
    env: 'RHEV_REDIS_LEASE_MS',
    description:
      'how long the replica that polls a watched list for all holds it without renewing; a replica that dies is replaced within about this',
    readBy: 'shared/watch.ts',
  },
  {
    name: 'freshnessMs',
    group: 'server',
    type: int(0, 'ms'),
    default: 2000,
    flag: '--freshness',
    env: 'RHEV_FRESHNESS_MS',
    description: 'how old a shared answer may be; `0` turns sharing off (README, "Freshness")',
    readBy: 'rhev/fresh.ts',
  },
  {
    name: 'compiledQueries',
    group: 'server',
    type: { kind: 'boolean' },
    default: true,
    flag: '--compiled-queries',
    env: 'RHEV_COMPILED_QUERIES',
    description:
      'run a query by the synchronous executor where all its data is at hand, else by compiled code (graphql-jit) from the second time its text is seen; off: graphql-js runs every query',
    readBy: 'server/compiled.ts',
  },
  {
    name: 'cacheMaxAgeSeconds',
    group: 'server',
    type: int(0, undefined, 86_400),
    default: 60,
    flag: '--cache-max-age',
    env: 'RHEV_CACHE_MAX_AGE',
    description:
      'seconds a router or CDN may keep an answer made only of slow-changing types (data centers, clusters, templates, networks, storage domains, ...), for the caller who asked (`Cache-Control: private`); 0: no hints',
    readBy: 'schema/cache.ts',
  },
  {
    name: 'introspection',
    group: 'server',
    type: { kind: 'boolean' },
    defaultText: 'on, off when `NODE_ENV=production`',
    flag: '--introspection',
    env: 'RHEV_INTROSPECTION',
    description: 'answer introspection queries',
    readBy: 'server/http.ts',
  },
  {
    name: 'landingPage',
    group: 'server',
    type: { kind: 'boolean' },
    defaultText: 'on, off when `NODE_ENV=production`',
    flag: '--landing-page',
    env: 'RHEV_LANDING_PAGE',
    description: 'serve the explorer to browsers at `/graphql` and the example dashboard at `/dashboard/`',
    readBy: 'server/http.ts',
  },
  {
    name: 'logLevel',
    group: 'server',
    type: { kind: 'choice', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    flag: '--log-level',
    env: 'LOG_LEVEL',
    description: 'one JSON line per operation at `info`',
    readBy: 'server/log.ts',
  },
  {
    name: 'debug',
    group: 'server',
    type: { kind: 'boolean' },
    defaultText: 'off, on when `NODE_ENV=development`',
    flag: '--debug',
    env: 'RHEV_DEBUG',
    description: 'stack traces in error answers',
    readBy: 'server/format.ts',
  },
  // ------------------------------------------------------------------ subscriptions
  {
    name: 'watch.intervalMs',
    group: 'watch',
    type: int(10, 'ms'),
    default: 1000,
    flag: '--watch-interval',
    env: 'RHEV_WATCH_INTERVAL_MS',
    description: "first interval of a subscription's state polling; it doubles while nothing changes",
    readBy: 'subscriptions/watchers.ts',
  },
  {
    name: 'watch.maxIntervalMs',
    group: 'watch',
    type: int(10, 'ms'),
    default: 8000,
    flag: '--watch-max-interval',
    env: 'RHEV_WATCH_MAX_INTERVAL_MS',
    description: 'longest interval of state polling',
    readBy: 'subscriptions/watchers.ts',
  },
  {
    name: 'watch.eventsMs',
    group: 'watch',
    type: int(10, 'ms'),
    default: 1000,
    flag: '--watch-events',
    env: 'RHEV_WATCH_EVENTS_MS',
    description: "how often the engine's event feed is read while anyone subscribes",
    readBy: 'subscriptions/watchers.ts',
  },
  // ------------------------------------------------------------------ limits
  limit('maxDepth', {
    type: int(1),
    default: 10,
    description: 'selection depth',
    readBy: 'server/rules/depth.ts',
    beyond: '`QUERY_TOO_DEEP` (HTTP 400)',
  }),
  limit('maxAliases', {
    type: int(0),
    default: 15,
    description: 'aliases in an operation (each can fan out a list)',
    readBy: 'server/rules/aliases.ts',
    beyond: '`TOO_MANY_ALIASES` (400)',
  }),
  limit('maxDirectives', {
    type: int(0),
    default: 20,
    description: 'directives in an operation',
    readBy: 'server/rules/directives.ts',
    beyond: '`TOO_MANY_DIRECTIVES` (400)',
  }),
  limit('maxTokens', {
    type: int(1),
    default: 5000,
    description: 'tokens in a document (a bound on parsing work)',
    readBy: 'server/http.ts, server/ws.ts',
    beyond: '`GRAPHQL_PARSE_FAILED` (400)',
  }),
  limit('maxUpstreamRequests', {
    type: int(1),
    default: 200,
    description: 'engine requests an operation is estimated to cost',
    readBy: 'server/rules/cost.ts',
    beyond: '`QUERY_TOO_EXPENSIVE` (400), nothing sent',
  }),
  limit('assumedListSize', {
    type: int(1),
    default: 100,
    description: 'items a list is assumed to hold in that estimate when the query does not say `max`',
    readBy: 'server/rules/cost.ts',
  }),
  limit('maxBodyBytes', {
    type: int(1, 'bytes'),
    default: MB,
    description: 'request body, and WebSocket message',
    readBy: 'server/http.ts, server/ws.ts',
    beyond: '`PAYLOAD_TOO_LARGE` (413); WebSocket closed with 1009',
  }),
  limit('maxOperationsPerConnection', {
    type: int(1),
    default: 200,
    description: 'operations in flight on one WebSocket, subscriptions included',
    readBy: 'server/ws.ts',
    beyond: '`TOO_MANY_OPERATIONS`; refused ones hold no slot',
  }),
  limit('maxSubscriptionsPerConnection', {
    type: int(1),
    default: 100,
    description: 'subscriptions open on one WebSocket',
    readBy: 'server/ws.ts',
    beyond: '`TOO_MANY_SUBSCRIPTIONS`; refused ones hold no slot',
  }),
  limit('operationTimeoutMs', {
    type: int(1, 'ms'),
    default: 120_000,
    flag: '--operation-timeout',
    description: 'how long a query or mutation may run',
    readBy: 'server/operation.ts',
    beyond: '`OPERATION_TIMEOUT`; every engine request it started is cancelled',
  }),
  limit('maxResponseBytes', {
    type: int(1, 'bytes'),
    default: 256 * MB,
    description: 'one engine answer, or one item of a list read as it streams, counted while it streams in',
    readBy: 'rhev/body.ts',
    beyond: '`UPSTREAM_TOO_LARGE`, socket closed',
  }),
  limit('maxListBytes', {
    type: int(1, 'bytes'),
    default: 2048 * MB,
    description: 'one list read as it streams, all its items together (a 100,000-VM v4 list is 1.1 GB)',
    readBy: 'rhev/body.ts',
    beyond: '`UPSTREAM_TOO_LARGE` (`limit: "maxListBytes"`), socket closed',
  }),
  limit('answerBudgetBytes', {
    type: int(1, 'bytes'),
    default: 512 * MB,
    description: 'engine answers streaming in at once, all credentials together',
    readBy: 'rhev/budget.ts',
    beyond: '`SERVER_BUSY` (`limit: "answerBudgetBytes"`) for the answer that would pass it, socket closed',
  }),
  limit('headersTimeoutMs', {
    type: int(1, 'ms'),
    default: 10_000,
    flag: '--headers-timeout',
    description: "a request's headers",
    readBy: 'server/server.ts',
    beyond: 'the connection is cut (408)',
  }),
  limit('requestTimeoutMs', {
    type: int(1, 'ms'),
    default: 30_000,
    flag: '--request-timeout',
    description: 'a whole request, body included (a body dribbled in holds nothing)',
    readBy: 'server/server.ts',
    beyond: 'the connection is cut (408)',
  }),
  limit('maxCredentials', {
    type: int(1),
    default: 1000,
    description: 'credentials held at once (connections, sessions, watchers)',
    readBy: 'server/credentials.ts',
    beyond: 'the least recently used idle one is evicted; all busy: `TOO_MANY_CREDENTIALS` (503)',
  }),
  limit('credentialIdleMs', {
    type: int(1000, 'ms'),
    default: 10 * 60_000,
    flag: '--credential-idle',
    description: 'how long an unused credential is held',
    readBy: 'server/credentials.ts',
    beyond: 'evicted, its engine session logged out',
  }),
  limit('refusedCredentialMs', {
    // Never below a minute: that is what keeps an engine account from being locked through us (README).
    type: int(60_000, 'ms'),
    default: 60_000,
    flag: '--refused-credential-wait',
    description: 'how long a refused credential is answered here without asking the engine again',
    readBy: 'server/refusals.ts',
    beyond: "401 here; the service account's wait doubles while refused, up to 10 min",
  }),
];

/** The setting of a name (`limits.maxDepth`); undefined when there is none. */
export function settingNamed(name: string): Setting | undefined {
  return byName.get(name);
}

const byName = new Map(SETTINGS.map((s) => [s.name, s]));
