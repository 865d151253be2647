/**
 * The subgraph server: Apollo Server 5 on express, with graphql-ws on the same
 * HTTP server and path for subscriptions (`graphql-transport-ws`, what
 * Apollo Router's subscription passthrough speaks), `/health` and `/metrics`.
 *
 * Who the engine sees: a request with `Authorization: Basic ...` (or a
 * WebSocket with those credentials in its connectionParams) is served with
 * its own credentials and `Filter: true`, so each person sees what the engine
 * lets them see; a request without uses the configured service account.
 * Connections (and so engine sessions) are kept per credential and never
 * shared across credentials; loaders are made per request.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import { createRequire } from 'node:module';
import { GraphQLError, parse } from 'graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { upstreamCostRule } from './limits.ts';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { bundledApiModel, bundledCapabilitiesPath, bundledRsdlPath, bundledXsdPath } from '../model/index.ts';
import { Loaders } from '../loaders/index.ts';
import { Connection, type ConnectionOptions } from '../rhev/index.ts';
import { parseBasicAuthorization } from '../rhev/basic.ts';
import { buildResolvers, type ResolverContext } from '../resolvers/index.ts';
import { generateSchema } from '../schema/index.ts';
import { Watchers, type WatcherSettings } from '../subscriptions/watchers.ts';
import { Metrics, routePattern } from './metrics.ts';

export const bundledSchemaPath = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export interface EngineConfig {
  url: string;
  /** The service account; without one, every request must bring its own credentials. */
  username?: string;
  password?: string;
  caFile?: string;
  insecure?: boolean;
  /** Send Filter: true for the service account too. */
  filter?: boolean;
  timeoutMs?: number;
  /** Retries of idempotent engine requests (default 5). */
  retries?: number;
  /** Client log verbosity (1..10; above 5 bodies are logged, redacted). */
  verbosity?: number;
}

export interface ServerConfig {
  engine: EngineConfig;
  port?: number;
  host?: string;
  /** Serve the Apollo Sandbox landing page (default: outside production). */
  landingPage?: boolean;
  introspection?: boolean;
  /** Turn request batching off (for measuring the naive way). */
  batching?: boolean;
  watch?: Partial<WatcherSettings>;
  logger?: ConnectionOptions['logger'];
  limits?: Partial<Limits>;
}

/** What one operation or connection may ask of the server (and so of the engine). */
export interface Limits {
  /** Deepest selection nesting. */
  maxDepth: number;
  /** Most aliases in an operation (each can fan out a list). */
  maxAliases: number;
  /** Most tokens in a document (a cheap bound on parsing work). */
  maxTokens: number;
  /** Most engine requests an operation is estimated to cost (see limits.ts). */
  maxUpstreamRequests: number;
  /** Items a list is assumed to hold when an operation does not say max. */
  assumedListSize: number;
  /** Open subscriptions per WebSocket connection. */
  maxSubscriptionsPerConnection: number;
  /** Largest request body accepted. */
  maxBodyBytes: number;
  /** Longest an operation may run (ms); engine requests have their own timeout. */
  operationTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 10, maxAliases: 15, maxTokens: 5000, maxUpstreamRequests: 200, assumedListSize: 100,
  maxSubscriptionsPerConnection: 100, maxBodyBytes: 1024 * 1024, operationTimeoutMs: 120_000,
};

export interface RunningServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** Open connections to the engine, one per credential. */
  readonly connections: ReadonlyMap<string, Connection>;
  close(): Promise<void>;
}

const PRODUCTION = process.env.NODE_ENV === 'production';

// @apollo/subgraph builds the schema with graphql's CommonJS build; validating it needs the same build.
const cjsGraphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const generated = generateSchema({
    xsd: readFileSync(bundledXsdPath, 'utf8'), xsdSource: 'xsd/api.xsd',
    rsdl: readFileSync(bundledRsdlPath, 'utf8'), rsdlSource: 'xsd/rsdl.xml',
    capabilities: readFileSync(bundledCapabilitiesPath, 'utf8'), capabilitiesSource: 'xsd/capabilities.xml',
  });
  const api = bundledApiModel();
  const limits: Limits = { ...DEFAULT_LIMITS, ...config.limits };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: 20 },
    // Field suggestions tell strangers the schema; only where introspection is off anyway.
    blockFieldSuggestion: { enabled: config.introspection === false },
    costLimit: { enabled: false }, // the engine-request estimate below is the cost that matters here
  }).protect();
  const costRule = upstreamCostRule(generated.plan, api, limits);
  const validationRules = [...armor.validationRules, costRule];
  // codegen's Resolvers type and Apollo's resolver map describe the same object in ways TypeScript cannot relate.
  const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(bundledSchemaPath, 'utf8')), resolvers: buildResolvers(generated.plan) as Record<string, any> });
  const metrics = new Metrics();

  // ---------------------------------------------------------------- engine connections, per credential

  const connections = new Map<string, Connection>();
  const hubs = new Map<string, Watchers>();
  const watchSettings: WatcherSettings = { intervalMs: 1000, maxIntervalMs: 8000, eventsMs: 1000, ...config.watch, onChange: () => refreshWatchGauges() };
  const refreshWatchGauges = () => {
    let w = 0, s = 0;
    for (const h of hubs.values()) { const c = h.counts; w += c.watchers; s += c.subscribers; }
    metrics.watchers.set(w);
    metrics.subscriptions.set(s);
  };
  const connectionFor = (cred: { username: string; password: string } | undefined): { key: string; conn: Connection } => {
    const service = cred === undefined;
    if (service && config.engine.username === undefined) {
      throw new GraphQLError('Send your engine credentials (Authorization: Basic): no service account is configured', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    const username = cred?.username ?? config.engine.username!;
    const password = cred?.password ?? config.engine.password ?? '';
    // Keyed by a hash: the map never holds a password in a form a heap dump would show as is.
    const key = createHash('sha256').update(`${service ? 'service' : 'user'}\0${username}\0${password}`).digest('base64url');
    let conn = connections.get(key);
    if (!conn) {
      conn = new Connection({
        url: config.engine.url, username, password, caFile: config.engine.caFile, insecure: config.engine.insecure,
        filter: service ? config.engine.filter : true, timeoutMs: config.engine.timeoutMs, logger: config.logger,
        retries: config.engine.retries, verbosity: config.engine.verbosity,
        // The naive mode measures every field as its own request, joined with nothing.
        coalesce: config.batching !== false,
        failFastMs: 2000,
        onResponse: ({ method, path, status, ms }) => {
          const route = routePattern(path);
          metrics.upstreamRequests.inc({ method, route, status: String(status) });
          metrics.upstreamLatency.observe({ method, route }, ms / 1000);
        },
        onRetry: ({ method, path, reason }) => metrics.upstreamRetries.inc({ method, route: routePattern(path), reason }),
      });
      connections.set(key, conn);
    }
    return { key, conn };
  };
  const contextFor = (cred: { username: string; password: string } | undefined, withWatchers: boolean): ResolverContext & { done(): void } => {
    const { key, conn } = connectionFor(cred);
    const loaders = new Loaders(conn, api, { batching: config.batching });
    let watchers: Watchers | undefined;
    if (withWatchers) {
      watchers = hubs.get(key);
      if (!watchers) hubs.set(key, (watchers = new Watchers(conn, api, watchSettings)));
    }
    return {
      connection: conn, loaders, watchers, deadline: withWatchers ? undefined : Date.now() + limits.operationTimeoutMs,
      done() {
        metrics.loaderBatches.inc(loaders.counters.batches);
        metrics.loaderHits.inc(Math.max(0, loaders.counters.loads - loaders.counters.keys));
      },
    };
  };

  // ---------------------------------------------------------------- HTTP

  const app = express();
  const httpServer: Server = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const openSubscriptions = new WeakMap<object, number>();
  const wsCleanup = useServer({
    schema,
    context: (ctx) => contextFor(credentialsFrom(ctx.connectionParams), true),
    // The engine-cost limit as over HTTP (graphql-armor's rules are bound to the CommonJS graphql
    // build and cannot validate here; subscriptions are shallow), and a cap per socket.
    validate: (sch, doc) => cjsGraphql.validate(sch, doc, [...cjsGraphql.specifiedRules, costRule]),
    onSubscribe: (ctx) => {
      const n = openSubscriptions.get(ctx.extra.socket) ?? 0;
      if (n >= limits.maxSubscriptionsPerConnection) {
        return [new cjsGraphql.GraphQLError(`This connection already has ${n} subscriptions open (maxSubscriptionsPerConnection)`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'maxSubscriptionsPerConnection' } })];
      }
      openSubscriptions.set(ctx.extra.socket, n + 1);
      return undefined;
    },
    onComplete: (ctx) => {
      openSubscriptions.set(ctx.extra.socket, Math.max(0, (openSubscriptions.get(ctx.extra.socket) ?? 1) - 1));
    },
  }, wsServer);

  const landing = config.landingPage ?? !PRODUCTION;
  const apollo = new ApolloServer<ResolverContext & { done(): void }>({
    schema,
    introspection: config.introspection ?? !PRODUCTION,
    validationRules,
    allowBatchedHttpRequests: false,
    // Compact JSON: dashboards ask for large answers, and indentation only costs bytes and time.
    stringifyResult: (value) => JSON.stringify(value),
    // A wrong enum value or a value of the wrong type is the caller's input, whether written inline or in variables.
    formatError: (formatted) => {
      const code = formatted.extensions?.code;
      // Apollo gives every validation error one code; the engine-cost limit keeps its own.
      const cost = /about (\d+) requests, over the limit of (\d+) \(maxUpstreamRequests\)/.exec(formatted.message);
      if (code === 'GRAPHQL_VALIDATION_FAILED' && cost) {
        return { ...formatted, extensions: { ...formatted.extensions, code: 'QUERY_TOO_EXPENSIVE', limit: 'maxUpstreamRequests', estimate: Number(cost[1]), max: Number(cost[2]) } };
      }
      if (code === 'GRAPHQL_VALIDATION_FAILED' && /does not exist in ".+" enum|Expected value of type|Expected type|cannot represent/i.test(formatted.message)) {
        return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
      }
      return formatted;
    },
    includeStacktraceInErrorResponses: !PRODUCTION && config.introspection !== false,
    plugins: [
      // graphql-armor is typed against the CommonJS build of @apollo/server; the plugins are the same objects.
      ...(armor.plugins as unknown as ApolloServerPlugin<ResolverContext & { done(): void }>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      { async requestDidStart() { return { async willSendResponse({ contextValue }) { contextValue.done?.(); } }; } },
      landing ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  let health: { at: number; body: object } | undefined;
  app.get('/health', async (_req, res) => {
    if (!health || Date.now() - health.at > 5000) {
      let engine: object;
      try {
        const probe = new Connection({ url: config.engine.url, caFile: config.engine.caFile, insecure: config.engine.insecure, retries: 0, timeoutMs: 5000 });
        const started = performance.now();
        const r = await probe.http('GET', `${new URL(config.engine.url).pathname.replace(/\/?$/, '/')}`).catch((e: unknown) => e);
        await probe.close();
        // Any HTTP answer (even 401) means the engine is up.
        engine = r && typeof r === 'object' && 'status' in (r as object)
          ? { reachable: true, ms: Math.round(performance.now() - started) }
          : (r as Error)?.name === 'Fault' ? { reachable: true } : { reachable: false, error: (r as Error)?.message };
      } catch (e) {
        engine = { reachable: false, error: (e as Error).message };
      }
      health = { at: Date.now(), body: { status: 'ok', engine } };
    }
    res.json(health.body);
  });
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use('/graphql', express.json({ limit: limits.maxBodyBytes }), expressMiddleware(apollo, {
    context: async ({ req }) => contextFor(credentialsFrom({ authorization: req.headers.authorization }), false),
  }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port ?? 4000, config.host ?? '127.0.0.1', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/graphql`, wsUrl: `ws://${host}:${port}/graphql`, port, metrics, connections,
    close() {
      closing ??= (async () => {
        for (const h of hubs.values()) h.close();
        refreshWatchGauges();
        await apollo.stop();
        await Promise.all([...connections.values()].map((c) => c.close()));
      })();
      return closing;
    },
  };
}

/**
 * Credentials from an Authorization header or graphql-ws connectionParams
 * (`{ authorization: 'Basic ...' }` or `{ username, password }`); undefined
 * means "use the service account". Malformed credentials are refused.
 */
export function credentialsFrom(params: unknown): { username: string; password: string } | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const p = params as Record<string, unknown>;
  const header = (p.authorization ?? p.Authorization) as string | undefined;
  if (typeof p.username === 'string') return { username: p.username, password: String(p.password ?? '') };
  if (!header) return undefined;
  const cred = parseBasicAuthorization(header);
  if (!cred) throw new GraphQLError('The Authorization header must be Basic credentials (user@domain:password)', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return cred;
}
