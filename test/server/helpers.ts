/**
 * A simulator and a subgraph server in front of it, both on ephemeral ports,
 * and GraphQL over real HTTP and WebSocket.
 */
import { readFileSync } from 'node:fs';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type EngineConfig, type RunningServer, type ServerConfig, startServer } from '../../src/server/index.ts';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { basic, simulator } from '../helpers.ts';

export interface Stack {
  sim: Simulator;
  server: RunningServer;
  close(): Promise<void>;
}

export async function stack(
  simOptions: Partial<SimulatorOptions> = {},
  serverOptions: Partial<Omit<ServerConfig, 'engine'>> & { engine?: Partial<EngineConfig> } = {},
): Promise<Stack> {
  const sim = await simulator(simOptions);
  const server = await serverFor(sim, serverOptions);
  return {
    sim,
    server,
    async close() {
      await server.close();
      await sim.close();
    },
  };
}

/** A subgraph server in front of a simulator, on an ephemeral port, with the tests' defaults (as stack's). */
export function serverFor(
  sim: Simulator,
  serverOptions: Partial<Omit<ServerConfig, 'engine'>> & { engine?: Partial<EngineConfig> } = {},
): Promise<RunningServer> {
  return startServer({
    port: 0,
    landingPage: false,
    anonymous: 'service-account',
    logLevel: 'silent',
    watch: { intervalMs: 50, maxIntervalMs: 200, eventsMs: 50 },
    // Tests count the engine requests of each query on its own; sharing across queries (on by default
    // in the server) is tested where it is asked for (freshness.test.ts).
    freshnessMs: 0,
    ...serverOptions,
    engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin', ...serverOptions.engine },
  });
}

export interface GqlResult<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
}

export async function gql<T = any>(
  s: Stack | RunningServer,
  query: string,
  variables?: Record<string, unknown>,
  user?: { username: string; password: string },
): Promise<GqlResult<T>> {
  const server = 'server' in s ? s.server : s;
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { authorization: basic(user.username, user.password) } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** A GraphQL POST as it goes on the wire, for tests that look at the HTTP answer itself (status, headers). */
export function post(s: Stack | RunningServer, query: string, headers: Record<string, string> = {}): Promise<Response> {
  const server = 'server' in s ? s.server : s;
  return fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

/** Upstream requests the simulator received while `fn` ran. */
export async function countRequests(s: Stack, fn: () => Promise<unknown>): Promise<{ total: number; byRoute: Record<string, number> }> {
  await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
  await fn();
  const st = (await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as { requests: number; byRoute: Record<string, number> };
  return { total: st.requests, byRoute: st.byRoute };
}

export function wsClient(s: Stack, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url: s.server.wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** One query over a WebSocket of its own to the server at `url` (its HTTP URL): the last result it sent. */
export async function askOverWebSocket(url: string, query: string): Promise<unknown> {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await new Promise((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query }, { next: (r) => void (result = r), error: reject, complete: () => resolve(result) });
    });
  } finally {
    await client.dispose();
  }
}

/** Collects a subscription's events until it completes or errors (bounded by `ms`). */
export function collect<T = any>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  ms = 10_000,
): Promise<{ events: T[]; error?: unknown }> {
  return new Promise((resolve) => {
    const events: T[] = [];
    let settled = false;
    const done = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ events, error });
    };
    const timer = setTimeout(() => {
      dispose();
      done(new Error('subscription did not finish in time'));
    }, ms);
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) done(v.errors);
          else events.push(v.data as T);
        },
        error: (e) => done(e),
        complete: () => done(),
      },
    );
  });
}

/**
 * A WebSocket speaking graphql-transport-ws by hand: sends connection_init
 * with `payload` and tells whether it was acknowledged or closed (and how).
 * `headers` go with the upgrade request (an Origin, an Authorization).
 */
export function rawSocket(
  url: string,
  payload?: object,
  headers?: Record<string, string>,
): Promise<{ socket: WebSocket; outcome: Promise<{ ack: boolean; code?: number; reason?: string }>; messages: any[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    const messages: any[] = [];
    let settle: (v: { ack: boolean; code?: number; reason?: string }) => void;
    const outcome = new Promise<{ ack: boolean; code?: number; reason?: string }>((r) => {
      settle = r;
    });
    socket.on('message', (m) => {
      const msg = JSON.parse(String(m));
      messages.push(msg);
      if (msg.type === 'connection_ack') settle({ ack: true });
    });
    socket.on('close', (code, reason) =>
      settle({ ack: false, code, ...(String(reason) && code !== 4403 ? { reason: String(reason) } : {}) }),
    );
    socket.on('error', () => undefined);
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
      resolve({ socket, outcome, messages });
    });
    socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error('no upgrade'), { status: res.statusCode })));
  });
}

/** The top-level `{ … }` operations of a text (an anonymous query each), found by balancing braces; mutations and subscriptions left out. */
function operations(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{' && depth++ === 0) start = i;
    else if (text[i] === '}' && --depth === 0) {
      const before = text.slice(0, start).trimEnd();
      if (!/(mutation|subscription)$/.test(before)) out.push(text.slice(start, i + 1).replace(/\s+/g, ' '));
    }
  }
  return out;
}

/** The README's GraphQL queries (its mutations, subscriptions and elided samples aside). */
export function readmeQueries(): string[] {
  return [...readFileSync(new URL('../../README.md', import.meta.url), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)]
    .flatMap((m) => operations(m[1].replace(/#.*$/gm, '')))
    .filter((q) => !q.includes('…'));
}

/** An answer with the values that move by themselves (statistics follow the clock) replaced by their type. */
export function steady(answer: unknown): unknown {
  return JSON.parse(JSON.stringify(answer), (key, value) => (key === 'datum' && typeof value === 'number' ? 'a number' : value));
}
