/**
 * The WebSocket transport: graphql-ws (`graphql-transport-ws`, what Apollo
 * Router's subscription passthrough speaks) on the HTTP server's path, held
 * to every limit HTTP is held to.
 *
 * - Messages: at most `maxBodyBytes`; `ws` closes a socket that sends more
 *   with 1009 (Message Too Big) before buffering it.
 * - Upgrade: a request that carries an `Origin` (a browser page) is taken
 *   only from the server's own origin or one of `--cors-origin`; any other
 *   is refused with 403 before it is a WebSocket (no cross-site WebSocket
 *   hijacking). Requests without one (routers, scripts) are unaffected.
 * - connection_init: credentials are read (connectionParams first, else the
 *   upgrade request's `Authorization`, as a gateway forwards it) and, when the caller brought
 *   their own, checked against the engine once. The socket is acknowledged
 *   only when the engine accepted them: a refusal (or anonymous callers
 *   under `--anonymous refuse`) closes with graphql-ws's 4403 Forbidden; an
 *   engine that did not answer closes with 1013 Try Again Later, saying so.
 *   Nothing is polled with credentials the engine did not accept.
 * - subscribe: the document is parsed with the token bound and validated
 *   with the same rules as HTTP (rules/), and refusals are `error` messages
 *   coded as over HTTP; at most `maxOperationsPerConnection` operations
 *   (`maxSubscriptionsPerConnection` of them subscriptions)
 *   are in flight per socket (a refused one holds no slot).
 * - Queries and mutations sent here run under the operation deadline, like
 *   HTTP ones; every operation of a socket ends when the socket closes.
 * - Ids: the protocol lets a client reuse an id once its operation is
 *   complete, and graphql-ws's own table can mix up the two while the first
 *   is still starting. Operations are kept here by their subscribe message,
 *   not by id: a new `subscribe` ends any operation still held under its id
 *   (its slot, watcher and signal released), and each end reaches the
 *   operation it belongs to.
 */
import type { IncomingMessage, Server } from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Limits } from './config.ts';
import { type CredentialPool, credentialsFrom, type Holder } from './credentials.ts';
import { codesOf, type FormatOptions, formatError } from './format.ts';
import { engineNotReady, noteRefused, Operation, type OperationServices, requestIdOf } from './operation.ts';
import { SharedAnswers, sharedExecute } from './shared-answers.ts';

export interface WsOptions {
  readonly schema: GraphQLSchema;
  readonly rules: readonly ValidationRule[];
  readonly limits: Limits;
  readonly services: OperationServices;
  readonly format: FormatOptions;
  readonly path: string;
  /** Browser origins allowed besides the server's own (CORS, `--cors-origin`). */
  readonly corsOrigins: readonly string[];
}

/** The payload of one subscribe message: graphql-ws hands the same object to every hook of that operation. */
type SubscribePayload = { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };

interface Running {
  readonly op: Operation;
  readonly type: string;
  readonly name: string | null;
  readonly codes: string[];
}

/** What a socket carries beside graphql-ws's own context. */
interface SocketState {
  holder?: Holder;
  /** The upgrade request's id (its `x-request-id`, or one made); each operation's is this and its message id. */
  requestId?: string;
  /** Operations by their subscribe message. */
  readonly operations: Map<SubscribePayload, Running>;
  /** The subscribe message each id was last used by. */
  readonly ids: Map<string, SubscribePayload>;
}

export function serveWebSocket(httpServer: Server, options: WsOptions): { dispose(): void | Promise<void> } {
  const { schema, limits, services, format } = options;
  const pool: CredentialPool = services.pool;
  const rules = [...specifiedRules, ...options.rules];
  // The WebSocket server takes upgrades from the HTTP server but is not bound to it: the HTTP server's own
  // errors (its port in use) stay its own, said once by the CLI, not re-emitted here.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== options.path) {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, req.headers.host, options.corsOrigins)) {
      services.logger.warn({ origin: origin.slice(0, 200) }, 'websocket from a foreign origin refused');
      const body = JSON.stringify({
        errors: [{ message: 'WebSocket connections from this origin are not allowed', extensions: { code: 'FORBIDDEN_ORIGIN' } }],
      });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (client) => wsServer.emit('connection', client, req));
  });
  const states = new WeakMap<object, SocketState>();
  const stateOf = (extra: { socket: object }): SocketState => {
    let s = states.get(extra.socket);
    if (!s) states.set(extra.socket, (s = { operations: new Map(), ids: new Map() }));
    return s;
  };
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e, format));

  const server = useServer<Record<string, unknown> | undefined, { socket: object; request: IncomingMessage }>(
    {
      schema,
      onConnect: async (ctx) => {
        const state = stateOf(ctx.extra);
        state.requestId = requestIdOf(ctx.extra.request.headers['x-request-id']);
        let holder: Holder;
        try {
          // connectionParams first (what a browser can send); else the upgrade request's Authorization (what a gateway forwards).
          const cred = credentialsFrom(ctx.connectionParams) ?? credentialsFrom({ authorization: ctx.extra.request.headers.authorization });
          holder = await pool.enter(cred);
          if (cred) {
            const verdict = await pool.verify(holder);
            if (!verdict.accepted) {
              pool.release(holder);
              // Refused: graphql-ws closes with 4403. Not answered: say so, and let the client come back later.
              if (!verdict.refused) (ctx.extra.socket as WebSocket).close(1013, 'The engine did not answer; try again later');
              return false;
            }
          }
        } catch {
          return false;
        }
        state.holder = holder;
        return true;
      },
      // Queries share answers as over HTTP (shared-answers.ts); mutations and subscriptions never do.
      // Queries: answered from the window when they can be (shared-answers.ts), by compiled code once seen twice (compiled.ts).
      execute: queryExecutor(services),
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        // An id used again: whatever still runs under it is over (its slot, watcher and signal released).
        const earlier = state.ids.get(id);
        if (earlier) endOperation(state, earlier, ['CANCELLED'], true);
        state.ids.set(id, payload);
        if (services.deployment && !(await synced(services.deployment, () => id in ctx.subscriptions && state.ids.get(id) === payload)))
          return [new GraphQLError('Cancelled by the client', { extensions: { code: 'CANCELLED' } })];
        return accept(options, rules, state, Object.keys(ctx.subscriptions).length, payload, `${state.requestId ?? ''}:${id}`);
      },
      onNext: (ctx, _id, payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        const errors = formatAll(result.errors);
        const codes = stateOf(ctx.extra).operations.get(payload)?.codes;
        // One at a time: a result may carry more errors than a call takes arguments.
        if (codes) for (const code of codesOf(errors)) codes.push(code);
        return { ...result, errors } as never;
      },
      onError: (ctx, id, payload, errors) => {
        const formatted = formatAll(errors);
        const state = stateOf(ctx.extra);
        if (state.operations.has(payload)) endOperation(state, payload, codesOf(formatted));
        else noteRefused(services, 'ws', payload.operationName ?? null, codesOf(formatted), `${state.requestId ?? ''}:${id}`);
        return formatted;
      },
      onComplete: (ctx, _id, payload) => {
        endOperation(stateOf(ctx.extra), payload, []);
      },
      onClose: (ctx) => {
        const state = stateOf(ctx.extra);
        for (const payload of [...state.operations.keys()]) endOperation(state, payload, ['CANCELLED'], true);
        state.ids.clear();
        if (state.holder) pool.release(state.holder);
        state.holder = undefined;
      },
    },
    wsServer,
  );
  // Socket errors (a message over maxPayload, a broken frame) are the peer's: ws has closed the
  // socket with the right code already. They go to the structured log, not graphql-ws's console.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (err: Error & { code?: string }) =>
      services.logger.warn({ code: err.code ?? 'WS_ERROR', error: err.message }, 'websocket closed'),
    );
  });
  return server;
}

/**
 * A subscribe message, checked as HTTP checks a request: the per-socket
 * count (graphql-ws lists this operation among the socket's already, and a
 * refusal frees the slot), the token bound, the same validation rules, and
 * the socket's credentials. Accepted, it becomes an Operation whose context
 * the execution gets; refused, a list of coded errors.
 */
function accept(
  options: WsOptions,
  rules: readonly ValidationRule[],
  state: SocketState,
  inFlight: number,
  payload: SubscribePayload,
  requestId: string,
): ExecutionArgs | GraphQLError[] {
  const { schema, limits, services } = options;
  if (inFlight > limits.maxOperationsPerConnection)
    return [limitRefusal('TOO_MANY_OPERATIONS', 'maxOperationsPerConnection', limits.maxOperationsPerConnection, 'operations in flight')];
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: limits.maxTokens });
  } catch (e) {
    return [new GraphQLError((e as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
  }
  const errors = validate(schema, document, rules);
  if (errors.length)
    return errors.map((e) =>
      e.extensions?.code
        ? e
        : new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: 'BAD_REQUEST' } })];
  if (!state.holder) return [new GraphQLError('The connection has no credentials', { extensions: { code: 'UNAUTHENTICATED' } })];
  const subscription = operation.operation === 'subscription';
  if (subscription && subscriptionsOf(state) >= limits.maxSubscriptionsPerConnection)
    return [
      limitRefusal('TOO_MANY_SUBSCRIPTIONS', 'maxSubscriptionsPerConnection', limits.maxSubscriptionsPerConnection, 'subscriptions open'),
    ];
  const notReady = engineNotReady(services);
  if (notReady) return [notReady];
  let holder: Holder;
  try {
    holder = services.pool.retain(state.holder);
  } catch (e) {
    return [e as GraphQLError];
  }
  const op = new Operation(services, 'ws', holder, {
    timeoutMs: subscription ? undefined : limits.operationTimeoutMs,
    subscription,
    requestId,
  });
  if (operation.operation === 'query') shareKeys.set(op, SharedAnswers.key(payload.query, payload.variables, payload.operationName));
  state.operations.set(payload, { op, type: operation.operation, name: operation.name?.value ?? payload.operationName ?? null, codes: [] });
  return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: op.context };
}

/**
 * Replicas sharing a Redis: another replica's write since our last look
 * ends our windows before an operation runs (shared/generation.ts). False
 * when the client completed the operation, or used its id again, meanwhile:
 * then there is nothing to run, and graphql-ws sends nothing for it.
 */
async function synced(deployment: { sync(): Promise<void> }, stillWanted: () => boolean): Promise<boolean> {
  await deployment.sync();
  return stillWanted();
}

/** Subscriptions accepted on a socket and not yet ended. */
function subscriptionsOf(state: SocketState): number {
  let n = 0;
  for (const r of state.operations.values()) if (r.type === 'subscription') n++;
  return n;
}

/** A per-socket limit reached: coded, naming the limit (settings/registry.ts). */
function limitRefusal(code: string, limit: string, max: number, what: string): GraphQLError {
  return new GraphQLError(`This connection already has ${max} ${what} (${limit})`, { extensions: { code, limit, max } });
}

/** The key under which a query's answer is shared, by its operation (queries only). */
const shareKeys = new WeakMap<Operation, string>();

/** graphql-ws's `execute`: shared answers first, then compiled code or graphql-js. */
function queryExecutor(services: OperationServices): ((args: ExecutionArgs) => Promise<ExecutionResult>) | undefined {
  const compiled = services.compiled;
  const run = compiled ? (args: ExecutionArgs) => compiled.execute(args) : undefined;
  if (services.answers) return sharedExecute(services.answers, (op) => shareKeys.get(op), run);
  return run;
}

/** Ends the operation of a subscribe message (once); `gone`: its caller left or replaced it, so stop its work at once. */
function endOperation(state: SocketState, payload: SubscribePayload, codes: readonly string[], gone = false): void {
  const entry = state.operations.get(payload);
  if (!entry) return;
  state.operations.delete(payload);
  if (gone) entry.op.callerGone();
  entry.op.end({ type: entry.type, name: entry.name, codes: [...entry.codes, ...codes] });
}

/** Whether a WebSocket upgrade's Origin is the server's own or one allowed by `--cors-origin`. */
export function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
