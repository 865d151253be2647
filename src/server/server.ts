import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import { type GraphQLSchema, parse } from 'graphql';
import type { ApiModel } from '../model/index.ts';
import { buildResolvers } from '../resolvers/index.ts';
import { AnswerBudget, Connection, Generation } from '../rhev/index.ts';
import { bundledInput, generateSchema } from '../schema/index.ts';
import { settingDefault } from '../settings/index.ts';
import { Deployment } from '../shared/index.ts';
import { type WatcherSettings, Watchers } from '../subscriptions/watchers.ts';
import { CompiledQueries } from './compiled.ts';
import {
  type AnonymousPolicy,
  DEFAULT_ENGINE,
  DEFAULT_FRESHNESS_MS,
  DEFAULT_LIMITS,
  DEFAULT_WATCH,
  type EngineConfig,
  type Limits,
  type ServerConfig,
  type ServerLogger,
} from './config.ts';
import { CredentialPool, type SharedCredentialMemory } from './credentials.ts';
import { Readiness } from './engine-check.ts';
import { serveHttp } from './http.ts';
import { createListener } from './listener.ts';
import { createLogger } from './log.ts';
import { Metrics, routeTemplate } from './metrics.ts';
import { countRequest, noteData, type OperationServices } from './operation.ts';
import { Refusals } from './refusals.ts';
import { operationRules } from './rules/index.ts';
import { SharedAnswers } from './shared-answers.ts';
import { startTracing } from './tracing.ts';
import { serveWebSocket } from './ws.ts';

/** The resolver map buildSubgraphSchema takes. */
type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** What createSubgraph takes: a server's settings, less where and how to listen. */
export type SubgraphConfig = Omit<ServerConfig, 'port' | 'host' | 'tls'>;

/** The subgraph, to mount in a server of yours (createSubgraph). */
export interface Subgraph {
  readonly schema: GraphQLSchema;
  /** Express app answering /graphql over HTTP, the explorer, /health/live, /health/ready and /metrics. */
  readonly app: express.Express;
  /** Takes the WebSocket (graphql-ws) upgrades of /graphql from an HTTP or HTTPS server. */
  attach(server: Server): void;
  readonly metrics: Metrics;
  /** The credential pool (for tests: size, sweep). */
  readonly pool: CredentialPool;
  /** Open connections to the engine, one per credential held. */
  readonly connections: ReadonlyMap<string, Connection>;
  /** Ends subscriptions, sockets taken by attach, and engine sessions. */
  close(): Promise<void>;
}

export interface RunningServer extends Subgraph {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
}

/**
 * The subgraph without a socket of its own, for mounting in a server of
 * yours: `app` answers /graphql over HTTP (and the explorer, /health,
 * /metrics); `attach` takes the WebSocket upgrades of /graphql from your
 * HTTP(S) server. Settings as startServer's, less where to listen.
 */
export function createSubgraph(config: SubgraphConfig): Promise<Subgraph> {
  return buildSubgraph(config, express());
}

/** The subgraph on a socket of its own: HTTP or HTTPS (listener.ts), WebSocket on the same port. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const app = express();
  const { server: httpServer, scheme } = createListener(app, { ...DEFAULT_LIMITS, ...config.limits }, config.tls);
  const subgraph = await buildSubgraph(config, app, httpServer);
  subgraph.attach(httpServer);
  const host = config.host ?? settingDefault<string>('host');
  await listen(httpServer, config.port ?? settingDefault<number>('port'), host);
  const port = (httpServer.address() as AddressInfo).port;
  return {
    ...subgraph,
    url: `${scheme}://${host}:${port}/graphql`,
    wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://${host}:${port}/graphql`,
    port,
    get connections() {
      return subgraph.connections;
    },
  };
}

async function buildSubgraph(config: SubgraphConfig, app: express.Express, httpServer?: Server): Promise<Subgraph> {
  const production = process.env.NODE_ENV === 'production';
  const logger = config.logger ?? createLogger(config.logLevel);
  const limits: Limits = { ...DEFAULT_LIMITS, ...config.limits };
  // One memory of what the engine refused, for the pool and the engine check alike (refusals.ts).
  const refusals = new Refusals(limits.refusedCredentialMs);
  const metrics = new Metrics();
  // One generation for every window of this server: a write by any caller, or an event in the engine's
  // feed, and nothing read before it is served again, to anyone (rhev/fresh.ts).
  const generation = new Generation();
  const freshnessMs = config.batching === false ? 0 : (config.freshnessMs ?? DEFAULT_FRESHNESS_MS);
  // Replicas sharing a Redis: one window, one memory of refusals (shared/); none without --redis-url.
  // It is waited for (briefly) so that even the first look at the engine is shared.
  const deployment = sharedDeployment(config, freshnessMs, generation, refusals, metrics, logger);
  await deployment?.store.connected();
  const readiness = engineReadiness(config.engine, logger, refusals, config.anonymous ?? 'refuse', deployment?.refusals);
  const version = await dialectToServe(config.engine, readiness);
  const { api, schema, rules } = servedSchema(version, config, limits);
  const introspection = config.introspection ?? !production;
  const format = { debug: config.debug ?? process.env.NODE_ENV === 'development', hideSuggestions: !introspection };
  metrics.buildInfo.set({ version: packageVersion(), node: process.version, dialect: `v${version}` }, 1);
  const stopTracing = config.tracing?.endpoint ? await startTracing(config.tracing.endpoint, packageVersion()) : undefined;
  metrics.watchEngine(readiness);
  const engine = config.engine;
  const { pool, hubs, refreshWatchGauges } = credentialPool(
    { ...config, engine: { ...engine, apiVersion: version }, freshnessMs },
    api,
    limits,
    metrics,
    logger,
    generation,
    refusals,
    deployment,
  );
  const answers = new SharedAnswers(freshnessMs, generation, metrics.countSharedAnswer);
  const services: OperationServices = {
    api,
    pool,
    metrics,
    logger,
    batching: config.batching,
    shapes: new Map(),
    answers,
    engineProblem: () => readiness.problem,
    deployment,
    compiled:
      (config.compiledQueries ?? settingDefault<boolean>('compiledQueries'))
        ? new CompiledQueries(schema, metrics.countExecution)
        : undefined,
  };

  // No header says which framework answers (it tells an attacker what to try).
  app.disable('x-powered-by');
  const sockets: { dispose(): void | Promise<void> }[] = [];
  const apollo = await serveHttp(app, httpServer, {
    schema,
    rules,
    limits,
    services,
    format,
    readiness,
    corsOrigins: config.corsOrigins ?? [],
    introspection,
    landingPage: config.landingPage ?? !production,
    onDrain: async () => {
      for (const ws of sockets) await ws.dispose();
    },
  });
  let closing: Promise<void> | undefined;
  return {
    schema,
    app,
    attach(server: Server) {
      sockets.push(
        serveWebSocket(server, { schema, rules, limits, services, format, path: '/graphql', corsOrigins: config.corsOrigins ?? [] }),
      );
    },
    metrics,
    pool,
    get connections() {
      return pool.connections;
    },
    close() {
      closing ??= (async () => {
        logger.info({}, 'shutting down: no new operations; ending subscriptions and engine sessions');
        readiness.stop();
        for (const h of hubs) h.close();
        refreshWatchGauges();
        await apollo.stop();
        await pool.close();
        await deployment?.close();
        await stopTracing?.();
        logger.info({}, 'stopped');
      })();
      return closing;
    },
  };
}

/**
 * The schema served, with its API model and the rules that bound its
 * operations. It is the one printed from the plan the resolvers are built
 * from (schema.graphql and schema-v4.graphql are the same texts, checked in
 * and kept current by a test).
 */
function servedSchema(version: 3 | 4, config: SubgraphConfig, limits: Limits) {
  const generated = generateSchema({
    ...bundledInput(version),
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds ?? settingDefault<number>('cacheMaxAgeSeconds'),
  });
  // Apollo types every resolver's context as unknown; ours take the Context they are given (operation.ts).
  const resolvers = buildResolvers(generated.plan, generated.api) as unknown as SubgraphResolvers;
  const schema = buildSubgraphSchema({ typeDefs: parse(generated.sdl), resolvers });
  return { api: generated.api, schema, rules: operationRules(generated.plan, generated.api, limits) };
}

/** The replicas' shared Redis when one is configured (shared/deployment.ts), its state and reads in the metrics. */
function sharedDeployment(
  config: SubgraphConfig,
  windowMs: number,
  generation: Generation,
  refusals: Refusals,
  metrics: Metrics,
  logger: ServerLogger,
): Deployment | undefined {
  const redisUrl = config.shared?.redisUrl;
  if (!redisUrl) return undefined;
  let reads: ReturnType<Metrics['watchShared']> | undefined;
  const deployment = new Deployment(
    {
      redisUrl,
      keyPrefix: config.shared?.keyPrefix ?? settingDefault<string>('shared.keyPrefix'),
      timeoutMs: config.shared?.timeoutMs ?? settingDefault<number>('shared.timeoutMs'),
      maxEntryBytes: config.shared?.maxEntryBytes ?? settingDefault<number>('shared.maxEntryBytes'),
      windowMs,
      leaseMs: config.shared?.leaseMs ?? settingDefault<number>('shared.leaseMs'),
      engineTimeoutMs: config.engine.timeoutMs ?? DEFAULT_ENGINE.timeoutMs,
      logger,
      onRead: (how) => reads?.inc({ how }),
    },
    generation,
    refusals,
  );
  reads = metrics.watchShared(deployment.store);
  return deployment;
}

/** The engine check, its changes said in the log; it backs off with the service account's refusals. */
function engineReadiness(
  engine: EngineConfig,
  logger: ServerLogger,
  refusals: Refusals,
  anonymous: AnonymousPolicy,
  shared: SharedCredentialMemory | undefined,
): Readiness {
  const log = (ok: boolean, says: string) =>
    ok
      ? logger.info({ engine: says }, 'engine ready')
      : logger.warn({ engine: says }, 'engine not ready; checking again (/health/ready says 503 until then)');
  return new Readiness(engine, log, 5000, 10_000, refusals, anonymous === 'refuse', shared);
}

/**
 * The credential pool and the subscription hubs it makes, with the metrics
 * both feed: one engine connection per credential (its requests counted by
 * route template and by operation) and one hub per credential that subscribes.
 */
function credentialPool(
  config: ServerConfig,
  api: ApiModel,
  limits: Limits,
  metrics: Metrics,
  logger: ServerLogger,
  generation: Generation,
  refusals: Refusals,
  deployment: Deployment | undefined,
) {
  const engine = config.engine;
  const watchSettings: WatcherSettings = {
    ...DEFAULT_WATCH,
    ...config.watch,
    onChange: () => refreshWatchGauges(),
  };
  const hubs = new Set<Watchers>();
  const refreshWatchGauges = () => {
    let w = 0,
      s = 0;
    for (const h of hubs) {
      if (h.stopped) {
        hubs.delete(h);
        continue;
      }
      const c = h.counts;
      w += c.watchers;
      s += c.subscribers;
    }
    metrics.watchers.set(w);
    metrics.subscriptions.set(s);
  };
  // Every credential's answers in flight share one budget of bytes (rhev/budget.ts).
  const budget = new AnswerBudget(limits.answerBudgetBytes);
  metrics.watchBudget(budget);
  const pool = new CredentialPool({
    engine,
    anonymous: config.anonymous ?? 'refuse',
    limits,
    refusals,
    shared: deployment?.refusals,
    connect: (cred, service, onUnauthorized, onAccepted, key) => {
      let accepted = false;
      return new Connection({
        url: engine.url,
        username: cred.username,
        password: cred.password,
        caFile: engine.caFile,
        insecure: engine.insecure,
        // A caller's own account: filtered unless the engine shows it is an administrator (connection.ts, decided once).
        filter: service ? engine.filter : 'auto',
        timeoutMs: engine.timeoutMs ?? DEFAULT_ENGINE.timeoutMs,
        retries: engine.retries ?? DEFAULT_ENGINE.retries,
        verbosity: engine.verbosity ?? DEFAULT_ENGINE.verbosity,
        logger,
        maxResponseBytes: limits.maxResponseBytes,
        maxListBytes: limits.maxListBytes,
        budget,
        refusalMs: limits.refusedCredentialMs,
        onUnauthorized,
        // The engine is asked for the dialect of the schema served.
        apiVersion: engine.apiVersion,
        engineFormat: engine.format,
        // The naive mode measures every field as its own request, joined with nothing.
        coalesce: config.batching !== false,
        freshnessMs: config.freshnessMs,
        generation,
        sharedReads: deployment?.readsFor(key),
        onData: noteData,
        onUnchanged: () => metrics.unchangedLists.inc(),
        failFastMs: 2000,
        onResponse: ({ method, path, status, ms, bytes, signal }) => {
          if (!accepted && status >= 200 && status < 300) {
            accepted = true;
            onAccepted();
          }
          const route = routeTemplate(api, path);
          metrics.upstreamRequests.inc({ method, route, status: String(status) });
          metrics.upstreamLatency.observe({ method, route }, ms / 1000);
          countRequest(signal, { method, route, status, ms, bytes });
        },
        onRetry: ({ method, path, reason }) => metrics.upstreamRetries.inc({ method, route: routeTemplate(api, path), reason }),
      });
    },
    hub: (connection, key) => {
      const hub = new Watchers(connection, api, watchSettings, deployment?.watchFor(key, watchSettings.maxIntervalMs));
      hubs.add(hub);
      return hub;
    },
    onEvict: (reason, user) => {
      metrics.evictions.inc({ reason });
      refreshWatchGauges();
      logger.info({ reason, user }, 'credential evicted');
    },
    onChange: (held) => metrics.credentials.set(held),
    onServiceRefused: (user, ms) =>
      logger.warn(
        { user, retryInSeconds: Math.round(ms / 1000) },
        'the engine refused the service account; backing off (doubling up to 10 minutes)',
      ),
  });
  return { pool, hubs, refreshWatchGauges };
}

/** This package's version, from its package.json (the same file from src/ and from dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Which dialect to serve: as configured, or (auto) what the engine's entry
 * point speaks when asked for v4, seen by the start-up check (with the service
 * account). When the engine cannot say (not reachable, credentials refused, no
 * service account), the entry point's path decides: `/api` and `/v3` are
 * 3.x-era paths, anything else is taken as a 4.x engine's.
 */
async function dialectToServe(engine: EngineConfig, readiness: Readiness): Promise<3 | 4> {
  const check = await readiness.current();
  if (engine.apiVersion === 3 || engine.apiVersion === 4) return engine.apiVersion;
  if (check.dialect) return check.dialect === 'v4' ? 4 : 3;
  const path = new URL(engine.url).pathname.replace(/\/+$/, '');
  return /(^|\/)api$|\/v3$/.test(path) && path !== '/ovirt-engine/api' ? 3 : 4;
}
