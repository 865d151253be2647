/**
 * Scenario 6: the subgraph in a process of its own, as it runs in production
 * (the built command, `rhev-graphql serve`), against the simulator in this
 * process, with dashboard clients here too. What the server process itself
 * spends is read from the kernel (/proc/<pid>/stat and status): CPU time per
 * query and its peak resident memory, beside queries per second, latency and
 * engine requests per query. Each client count is measured after a warm-up,
 * and the same server answers every count.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/simulator/index.ts';
import { QUERIES } from './dashboard.ts';
import { graphql, percentile, resetStats, runClients, simStats } from './lib.ts';

export interface ServerProcessRow {
  vms: number;
  clients: number;
  queries: number;
  qps: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per answered query, ms. */
  cpuMsPerQuery: number;
  /** The server process's peak resident memory so far, MB. */
  peakRssMB: number;
  upstreamPerQuery: number;
  errors: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** The process's user + system CPU time so far, ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After the command name: state is field 3; utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function peakRssMB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Starts `rhev-graphql serve` against `engineUrl` and resolves with its GraphQL URL. */
async function startServerProcess(engineUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/rhev-graphql.js', 'serve', '--port', '0', '--rhev-url', engineUrl, '--anonymous', 'service-account', '--log-level', 'warn'],
    {
      cwd: root,
      env: { ...process.env, RHEV_USERNAME: 'admin@internal', RHEV_PASSWORD: 'admin', RHEV_API_VERSION: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 60_000;
  while (!/subgraph at (\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server process did not start: ${out.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: /subgraph at (\S+)/.exec(out)![1] };
}

export async function serverProcessScenario(
  vms: number,
  clientCounts: number[],
  seconds: number,
  step: (label: string) => void,
): Promise<ServerProcessRow[]> {
  const sim = await startSimulator({ vms, hosts: Math.max(4, Math.round(vms / 50)), clusters: 4, datacenters: 2, port: 0 });
  const { child, url } = await startServerProcess(sim.apiUrl);
  const rows: ServerProcessRow[] = [];
  try {
    for (let i = 0; i < 3; i++) await graphql(url, QUERIES.dashboard.query);
    for (const clients of clientCounts) {
      await resetStats(sim.url);
      const cpu0 = cpuMs(child.pid!);
      const { times, errors, elapsed } = await runClients(url, QUERIES.dashboard.query, clients, seconds);
      const cpu = cpuMs(child.pid!) - cpu0;
      rows.push({
        vms,
        clients,
        queries: times.length,
        qps: times.length / elapsed,
        p50: percentile(times, 0.5),
        p99: percentile(times, 0.99),
        cpuMsPerQuery: times.length ? cpu / times.length : Number.NaN,
        peakRssMB: peakRssMB(child.pid!),
        upstreamPerQuery: times.length ? (await simStats(sim.url)).requests / times.length : Number.NaN,
        errors,
      });
      step(`server process, ${clients} clients`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sim.close();
  }
  return rows;
}
