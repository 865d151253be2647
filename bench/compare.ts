/**
 * `npm run bench:compare -- <rev>`: is this checkout's server slower than
 * `<rev>`'s? Figures from two bench runs cannot say: the machine is shared,
 * and the same commit has measured 27 ms on one day and 57 ms on another.
 * So both servers run here, side by side, in alternating rounds against
 * one simulator per dialect, and what is reported is the ratio of their
 * server-process CPU per query (medians of the rounds), with the engine
 * requests per query beside it (a count: it must not grow).
 *
 * The baseline is checked out into a temporary git worktree, installed
 * with `npm ci` and built; it is removed afterwards. The result goes to
 * bench/results/compare.json and to stdout as a table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FRESHNESS_MS } from '../src/server/config.ts';
import { QUERIES, QUERIES_V4 } from './dashboard.ts';
import { graphql, percentile, resetStats, simStats } from './lib.ts';
import { cpuMs, startServerProcess, startSimulatorProcess } from './processes.ts';
import { load } from './server-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const VMS = 1000;
const ROUNDS = 3;
const SECONDS = 10;

type Dialect = 'v3' | 'v4';
type Mode = 'window off' | 'engine data shared';
const MODES: { mode: Mode; freshnessMs: number; vary: boolean }[] = [
  { mode: 'window off', freshnessMs: 0, vary: false },
  { mode: 'engine data shared', freshnessMs: DEFAULT_FRESHNESS_MS, vary: true },
];

interface Sample {
  cpuMsPerQuery: number;
  upstreamPerQuery: number;
  errors: number;
}

export interface ComparisonRow {
  dialect: Dialect;
  mode: Mode;
  baseline: Sample;
  current: Sample;
  /** current / baseline CPU per query (median of the rounds): above 1 is slower. */
  cpuRatio: number;
}

function git(args: string[], cwd = root): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** The baseline revision as a built tree of its own. */
function checkout(rev: string): { tree: string; commit: string; remove(): void } {
  const commit = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const tree = join(mkdtempSync(join(tmpdir(), 'rhev-graphql-baseline-')), 'tree');
  git(['worktree', 'add', '--detach', tree, commit]);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] });
  run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts']);
  run('npm', ['run', 'build']);
  return { tree, commit, remove: () => git(['worktree', 'remove', '--force', tree]) };
}

/** One server of `tree` under one client for SECONDS: what it spends per query. */
async function sample(tree: string, sim: { url: string; apiUrl: string }, dialect: Dialect, m: (typeof MODES)[number]): Promise<Sample> {
  const server = await startServerProcess(sim.apiUrl, m.freshnessMs, dialect, tree);
  const query = (dialect === 'v4' ? QUERIES_V4 : QUERIES).dashboard.query;
  try {
    for (let i = 0; i < 3; i++) await graphql(server.url, query); // it throws on an answer with errors
    await resetStats(sim.url);
    const pid = server.child.pid!;
    const cpu0 = cpuMs(pid);
    const r = await load(server.url, query, 1, SECONDS, m.vary);
    const cpu = cpuMs(pid) - cpu0;
    const n = r.requests.total;
    return { cpuMsPerQuery: cpu / n, upstreamPerQuery: (await simStats(sim.url)).requests / n, errors: r.errors + r.non2xx + r.timeouts };
  } finally {
    await server.stop();
  }
}

function median(xs: Sample[]): Sample {
  return {
    cpuMsPerQuery: percentile(
      xs.map((x) => x.cpuMsPerQuery),
      0.5,
    ),
    upstreamPerQuery: percentile(
      xs.map((x) => x.upstreamPerQuery),
      0.5,
    ),
    errors: xs.reduce((a, x) => a + x.errors, 0),
  };
}

async function compare(rev: string): Promise<void> {
  const base = checkout(rev);
  const rows: ComparisonRow[] = [];
  try {
    for (const dialect of ['v4', 'v3'] as const) {
      const sim = await startSimulatorProcess({ vms: VMS, dialect });
      try {
        for (const m of MODES) {
          const runs: Record<'baseline' | 'current', Sample[]> = { baseline: [], current: [] };
          for (let i = 0; i < ROUNDS; i++) {
            // Alternating, so a burst of load on the machine falls on both.
            runs.baseline.push(await sample(base.tree, sim, dialect, m));
            runs.current.push(await sample(root, sim, dialect, m));
            process.stderr.write(`${dialect} ${m.mode}: round ${i + 1} of ${ROUNDS}\n`);
          }
          const baseline = median(runs.baseline);
          const current = median(runs.current);
          rows.push({ dialect, mode: m.mode, baseline, current, cpuRatio: current.cpuMsPerQuery / baseline.cpuMsPerQuery });
        }
      } finally {
        await sim.stop();
      }
    }
  } finally {
    base.remove();
  }
  const head = git(['rev-parse', 'HEAD']);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    vms: VMS,
    rounds: ROUNDS,
    seconds: SECONDS,
    baseline: base.commit,
    current: head,
    rows,
  };
  writeFileSync(`${root}bench/results/compare.json`, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(table(result));
}

function table(r: { baseline: string; current: string; rows: ComparisonRow[] }): string {
  const f = (x: number) => x.toFixed(1);
  const lines = [
    `Server-process CPU per ${VMS}-VM dashboard query, 1 client, medians of ${ROUNDS} alternating rounds`,
    `baseline ${r.baseline.slice(0, 10)}, current ${r.current.slice(0, 10)}`,
    '',
    '| API | mode | baseline ms | current ms | current / baseline | engine requests per query (baseline, current) | errors |',
    '|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (x) =>
        `| ${x.dialect} | ${x.mode} | ${f(x.baseline.cpuMsPerQuery)} | ${f(x.current.cpuMsPerQuery)} | ${x.cpuRatio.toFixed(2)}x | ${x.baseline.upstreamPerQuery.toFixed(2)}, ${x.current.upstreamPerQuery.toFixed(2)} | ${x.baseline.errors + x.current.errors} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

const rev = process.argv[2];
if (!rev) {
  process.stderr.write('usage: npm run bench:compare -- <git revision to compare against>\n');
  process.exit(2);
}
await compare(rev);
process.exit(0);
