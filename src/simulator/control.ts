/**
 * What the simulator serves besides the API: faults injected into answers,
 * the engine's CA certificate, and the `/__simulator/*` control endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind, Simulator } from './http.ts';
import type { EngineResponse } from './messages.ts';

/** Answers with the fault `kind` instead of (or on top of) the engine's answer. */
export async function inject(kind: FaultKind, res: ServerResponse, response: EngineResponse, slowMs: number): Promise<void> {
  switch (kind) {
    case '503':
      res
        .writeHead(503, { 'content-type': 'text/html', 'retry-after': '1' })
        .end('<html><body><h1>503 Service Unavailable</h1></body></html>');
      return;
    case 'reset':
      res.socket?.resetAndDestroy?.() ?? res.destroy();
      return;
    case 'slow':
      await sleep(slowMs);
      send(res, response);
      return;
    case 'truncated':
      send(res, { ...response, body: response.body.slice(0, Math.max(1, Math.floor(response.body.length / 2))) });
      return;
    case 'malformed':
      send(res, { ...response, body: response.body ? response.body.replace(/<\/?([a-z_]+)/, '<$1 <<broken') : '<broken' });
      return;
  }
}

/** Writes an engine answer with its length. */
export function send(res: ServerResponse, r: EngineResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = { ...r.headers };
  headers['content-length'] = Buffer.byteLength(r.body);
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** `/__simulator/*`: request counts, reset, runtime configuration, for tests and benchmarks. */
export async function control(
  sim: Simulator,
  sockets: ReadonlySet<unknown>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const { engine } = sim;
  const json = (status: number, v: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
  };
  try {
    if (path === '/__simulator/stats' && req.method === 'GET') {
      // openConnections counts every socket, the one asking for these numbers included.
      return json(200, {
        ...engine.stats.toJSON(),
        openSessions: engine.openSessions,
        lockedAccounts: engine.sessions.lockedAccounts,
        openConnections: sockets.size,
      });
    }
    if (path === '/__simulator/reset' && req.method === 'POST') {
      const body = await readBody(req, 64 * 1024);
      const wantInventory =
        new URL(req.url ?? '', 'http://x').searchParams.get('inventory') === 'true' || /"inventory"\s*:\s*true/.test(body);
      if (wantInventory) engine.reset();
      Object.assign(engine.stats, {
        requests: 0,
        bytes: 0,
        serveMs: 0,
        byRoute: {},
        logins: 0,
        failedLogins: 0,
        lockouts: 0,
        sessionsCreated: 0,
        actions: {},
        faultsInjected: {},
      });
      return json(200, { reset: true, inventory: wantInventory });
    }
    if (path === '/__simulator/config' && req.method === 'POST') {
      const changes = JSON.parse((await readBody(req, 64 * 1024)) || '{}');
      sim.configure(changes);
      return json(200, {
        latencyMs: sim.options.latencyMs,
        faults: sim.options.faults,
        transitionMs: engine.options.transitionMs,
        loginCostMs: engine.options.loginCostMs,
      });
    }
    json(404, { error: `no control endpoint ${req.method} ${path}` });
  } catch (e) {
    json(400, { error: (e as Error).message });
  }
}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new Error('too large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
