/**
 * The HTTP transport: Apollo Server 5 on express at /graphql, /health and
 * /metrics. Every answer is JSON, refusals included (a body over the limit
 * is 413 with a coded error, not an HTML page), and stack traces appear only
 * in debug mode.
 *
 * An operation gets its Operation (operation.ts) in the context function:
 * credentials are read there, its deadline starts there, and a caller who
 * disconnects before the answer aborts it.
 */
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { Context } from '../resolvers/context.ts';
import { answerBytes } from './answer-bytes.ts';
import { cachePolicyPlugin } from './cache-policy.ts';
import { compiledQueriesPlugin } from './compiled.ts';
import type { Limits } from './config.ts';
import { credentialsFrom, type Holder } from './credentials.ts';
import { serveDashboard } from './dashboard.ts';
import type { Readiness } from './engine-check.ts';
import { securityHeaders, serveEndpointPage, serveExplorer } from './explorer.ts';
import { codesOf, type FormatOptions, formatError } from './format.ts';
import { engineNotReady, noteRefused, Operation, type OperationServices, requestIdOf } from './operation.ts';
import { parseOptions } from './rules/index.ts';
import { shareAnswersPlugin } from './shared-answers.ts';
import { stringifyResult } from './written.ts';

type HttpContext = Context & { readonly operation: Operation };

export interface HttpOptions {
  readonly schema: GraphQLSchema;
  readonly rules: readonly ValidationRule[];
  readonly limits: Limits;
  readonly services: OperationServices;
  readonly format: FormatOptions;
  /** Browser origins allowed to call /graphql (CORS); none when empty. */
  readonly corsOrigins: readonly string[];
  /** What the server knows of the engine's readiness (engine-check.ts). */
  readonly readiness: Readiness;
  readonly introspection: boolean;
  readonly landingPage: boolean;
  readonly onDrain: () => Promise<void>;
}

/**
 * Apollo Server on `app`, with health, metrics, the explorer and CORS. With
 * `httpServer` (the server's own socket), stopping drains it first; mounted
 * in someone else's server (createSubgraph), draining is that server's.
 */
export async function serveHttp(
  app: express.Express,
  httpServer: Server | undefined,
  options: HttpOptions,
): Promise<ApolloServer<HttpContext>> {
  const { limits, services, format } = options;
  const apollo = new ApolloServer<HttpContext>({
    schema: options.schema,
    logger: services.logger as never,
    introspection: options.introspection,
    validationRules: [...options.rules],
    parseOptions: parseOptions(limits),
    allowBatchedHttpRequests: false,
    // Shutdown is the command's (it closes the server, then the embedded engine, then exits 0): Apollo
    // would stop on SIGTERM itself and raise the signal again, ending the process before that.
    stopOnTerminationSignals: false,
    // Compact JSON: dashboards ask for large answers, and indentation only costs bytes and time. A shared
    // answer's data is written once, not once per caller (written.ts).
    stringifyResult,
    formatError: (formatted, error) => formatError(formatted, error, format),
    includeStacktraceInErrorResponses: format.debug,
    plugins: [
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
      {
        async serverWillStart() {
          return { drainServer: options.onDrain };
        },
      },
      logOperations(),
      ...(services.answers ? [shareAnswersPlugin(services.answers)] : []),
      // After shared answers: a query answered from the window is not run at all, compiled or not.
      ...(services.compiled ? [compiledQueriesPlugin(services.compiled, (f, e) => formatError(f, e, format), format.debug)] : []),
      // Federated tracing, installed explicitly so Apollo does not announce it at every start: it traces
      // only the operations a router asks to (apollo-federation-include-trace: ftv1), and costs the rest nothing.
      ApolloServerPluginInlineTrace(),
      // The explorer browsers get is ours (explorer.ts), served from the package: Apollo's needs its CDN.
      ApolloServerPluginLandingPageDisabled(),
      // Cache-Control from the schema's static hints, worked out once per document (cache-policy.ts); Apollo's
      // own plugin would hook every field of every answer for the same result.
      ApolloServerPluginCacheControlDisabled(),
      cachePolicyPlugin(options.schema),
    ],
  });
  await apollo.start();

  // Every answer: no framing, no sniffing, the explorer's content policy, no X-Powered-By (explorer.ts).
  app.use(securityHeaders());
  healthRoutes(app, options.readiness);
  if (options.landingPage) {
    serveExplorer(app, '/graphql', services.api.follows ? 'v4' : 'v3');
    serveDashboard(app, '/graphql');
  } else serveEndpointPage(app, '/graphql');
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  // Dashboards on other origins: their preflights are answered here, before Apollo's CSRF check (which
  // would take a preflight for a forgery); the requests that follow still pass that check.
  if (options.corsOrigins.length) {
    app.use(
      '/graphql',
      cors({
        origin: [...options.corsOrigins],
        methods: ['GET', 'POST'],
        allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
        maxAge: 600,
      }),
    );
  }
  app.use(
    '/graphql',
    (req, res, next) => {
      // Every answer of /graphql carries its request id, refusals included (operation.ts).
      res.locals.requestId = requestIdOf(req.headers['x-request-id']);
      res.setHeader('x-request-id', res.locals.requestId);
      next();
    },
    express.json({ limit: limits.maxBodyBytes }),
    // Answers leave as UTF-8 bytes made by TextEncoder, hashed for an ETag only when a GET's (answer-bytes.ts).
    answerBytes,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const notReady = engineNotReady(services);
        if (notReady) throw notReady;
        let holder: Holder;
        try {
          holder = await services.pool.enter(credentialsFrom({ authorization: req.headers.authorization }));
        } catch (e) {
          noteRefused(services, 'http', null, codesOf([e as { extensions?: Record<string, unknown> }]), res.locals.requestId);
          throw e;
        }
        // Another replica's write since our last look ends our windows first (shared/generation.ts).
        await services.deployment?.sync();
        const op = new Operation(services, 'http', holder, { timeoutMs: limits.operationTimeoutMs, requestId: res.locals.requestId });
        res.on('close', () => {
          if (!res.writableFinished) op.callerGone();
        });
        return op.context;
      },
    }),
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ errors: [{ message: 'Not found: the GraphQL endpoint is /graphql', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    const body =
      status === 413
        ? {
            message: `The request body is over ${limits.maxBodyBytes} bytes (maxBodyBytes)`,
            extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 'maxBodyBytes', max: limits.maxBodyBytes },
          }
        : status < 500
          ? { message: 'The request body could not be read as JSON', extensions: { code: 'BAD_REQUEST' } }
          : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    if (format.debug) (body.extensions as Record<string, unknown>).stacktrace = String(err.stack ?? err).split('\n');
    if (status >= 500) services.logger.error({ err: { message: err.message, type: err.name } }, 'request failed');
    res.status(status).json({ errors: [body] });
  });
  return apollo;
}

/** Ends each operation when its answer is sent: one log line, its leftovers cancelled, its credential released. */
function logOperations(): ApolloServerPlugin<HttpContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, request }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          contextValue.operation?.end({
            type: operation?.operation ?? 'refused',
            name: operation?.name?.value ?? request.operationName ?? null,
            codes: codesOf(errors),
          });
        },
      };
    },
  };
}

/**
 * Health in the usual Kubernetes sense: `/health/live` answers while the
 * process serves; `/health/ready` only while the engine answers as an engine
 * (engine-check.ts), else 503 saying why. `/health` gives both, and whether
 * the engine answered at all.
 */
function healthRoutes(app: express.Express, readiness: Readiness): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const c = await readiness.current();
    res.status(c.ok ? 200 : 503).json({ status: c.ok ? 'ready' : 'not ready', engine: c.says, ms: c.ms });
  });
  app.get('/health', async (_req, res) => {
    const c = await readiness.current();
    res.json({ status: 'ok', ready: c.ok, engine: { reachable: c.status !== undefined, status: c.status, ms: c.ms, says: c.says } });
  });
}
