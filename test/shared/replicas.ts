/**
 * Real processes for the replica tests: Debian's redis-server on a free
 * port (started, killed and started again on the same port), and replicas
 * of the built command (`bin/rhev-graphql.js serve`) sharing it. Where
 * redis-server is absent the tests say so and skip (.ci/run installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { type Command, command } from '../command.ts';
import { freePort, until } from '../helpers.ts';

export const REDIS_SERVER = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server || command -v valkey-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** True once something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class RedisServer {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    /** More of redis-server's options (`--requirepass`, …). */
    private readonly options: string[],
  ) {}

  static async start(options: string[] = []): Promise<RedisServer> {
    const redis = new RedisServer(await freePort(), options);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) on its port, keeping nothing on disk. */
  async start(): Promise<void> {
    this.child = spawn(
      REDIS_SERVER!,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.options],
      {
        stdio: 'ignore',
      },
    );
    await until(() => listening(this.port), 10_000, 'redis-server listening');
  }

  /** Kills it at once, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

export interface Replica {
  readonly url: string;
  readonly process: Command;
  /** The replica's /metrics text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** A replica serving `engineUrl` as the service account, sharing through `redisUrl`; more settings as variables. */
export async function startReplica(engineUrl: string, redisUrl: string, env: Record<string, string> = {}): Promise<Replica> {
  const port = await freePort();
  const proc = command(['serve'], {
    PORT: String(port),
    RHEV_URL: engineUrl,
    RHEV_USERNAME: 'admin@internal',
    RHEV_PASSWORD: 'admin',
    RHEV_ANONYMOUS: 'service-account',
    RHEV_REDIS_URL: redisUrl,
    LOG_LEVEL: 'info',
    ...env,
  });
  await proc.waitFor(/subgraph at/);
  if (!/subgraph at/.test(proc.output())) throw new Error(`the replica did not start:\n${proc.output()}`);
  const base = `http://127.0.0.1:${port}`;
  // Ready: the engine check has answered and the shared Redis is in use.
  await until(async () => /^rhev_shared_cache_up 1$/m.test(await (await fetch(`${base}/metrics`)).text()), 15_000, 'the replica sharing');
  return {
    url: `${base}/graphql`,
    process: proc,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    async stop() {
      if (proc.child.exitCode !== null) return;
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

/** A GraphQL operation over HTTP, as `user` (Basic) or anonymously. */
export async function ask<T = any>(
  url: string,
  query: string,
  user?: { username: string; password: string },
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  return res.json() as never;
}

export { until };

/** Engine requests a replica made to `route` (a route template, `/vms`), summed over methods and statuses, from its /metrics text. */
export function upstreamRequests(metrics: string, route: string): number {
  let n = 0;
  for (const m of metrics.matchAll(/^rhev_upstream_requests_total\{([^}]*)\} (\d+)/gm))
    if (m[1].includes(`route="${route}"`)) n += Number(m[2]);
  return n;
}
