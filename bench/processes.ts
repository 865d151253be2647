/**
 * The simulator and the server as processes of their own, started from the
 * built command as people run them, and what the kernel says each spends:
 * CPU time (/proc/<pid>/stat) and peak resident memory (/proc/<pid>/status).
 * Keeping them apart from the load generator is what makes a figure the
 * server's own: on one event loop, the clients' work and the engine's XML
 * writing would be counted as the server's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const root = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100; // Linux's USER_HZ

export interface Started {
  readonly child: ChildProcess;
  /** The URL the command printed when it was ready. */
  readonly url: string;
  /** The inspector's WebSocket URL, when the process was started with `--inspect` (collectGarbage). */
  readonly inspector?: string;
  stop(): Promise<void>;
}

/** User + system CPU time of a process so far, ms (Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After the command name: state is field 3; utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The process's peak resident memory so far, MB. */
export function peakRssMB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * Makes a process started with `--inspect` collect its garbage, through the
 * inspector protocol (HeapProfiler.collectGarbage): what the heap holds
 * afterwards is what is live, not what V8 has not yet got round to freeing.
 */
export async function collectGarbage(started: Started): Promise<void> {
  if (!started.inspector) throw new Error('The process was not started with --inspect');
  const socket = new WebSocket(started.inspector);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (m) => {
      if ((JSON.parse(String(m)) as { id?: number }).id === 1) resolve();
    });
    socket.once('error', reject);
  });
  socket.close();
}

/** Runs `rhev-graphql <args>` and resolves once it prints a line matching `ready` (its first group is the URL). */
export async function startCommand(args: string[], ready: RegExp, env: Record<string, string> = {}, tree = root): Promise<Started> {
  const child = spawn(process.execPath, ['bin/rhev-graphql.js', ...args], {
    cwd: tree,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    if (out.length < 10_000) out += d;
  });
  child.stderr!.on('data', (d) => {
    if (out.length < 10_000) out += d;
  });
  const deadline = Date.now() + 120_000;
  while (!ready.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`rhev-graphql ${args[0]} did not start: ${out.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    url: ready.exec(out)![1],
    inspector: /Debugger listening on (ws:\/\/\S+)/.exec(out)?.[1],
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The simulator in its own process: its control URL (stats, reset) and its API URL. */
export async function startSimulatorProcess(options: {
  vms: number;
  hosts?: number;
  latencyMs?: number;
  /** The engine's dialect (default v3: the figures on record were measured on it). */
  dialect?: 'v3' | 'v4';
}): Promise<Started & { apiUrl: string }> {
  const hosts = options.hosts ?? Math.max(4, Math.round(options.vms / 50));
  const started = await startCommand(
    [
      'simulator',
      '--port',
      '0',
      '--vms',
      String(options.vms),
      '--hosts',
      String(hosts),
      '--clusters',
      '4',
      '--datacenters',
      '2',
      '--latency',
      String(options.latencyMs ?? 0),
      '--dialects',
      options.dialect ?? 'v3',
    ],
    /Control:\s+(\S+)\/__simulator\/stats/,
  );
  return { ...started, apiUrl: `${started.url}${options.dialect === 'v4' ? '/ovirt-engine/api' : '/api'}` };
}

/**
 * `rhev-graphql serve` against `engineUrl` (the service account for every
 * caller), built from `tree` (this checkout unless a baseline's, compare.ts).
 */
export function startServerProcess(
  engineUrl: string,
  freshnessMs: number,
  dialect: 'v3' | 'v4' = 'v3',
  tree = root,
  /** More settings, as environment variables. */
  env: Record<string, string> = {},
): Promise<Started> {
  return startCommand(
    ['serve', '--port', '0', '--rhev-url', engineUrl, '--anonymous', 'service-account', '--log-level', 'warn'],
    /subgraph at (\S+)/,
    {
      RHEV_USERNAME: 'admin@internal',
      RHEV_PASSWORD: 'admin',
      RHEV_API_VERSION: dialect === 'v4' ? '4' : '3',
      RHEV_FRESHNESS_MS: String(freshnessMs),
      ...env,
    },
    tree,
  );
}
