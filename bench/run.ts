/**
 * `npm run bench`: the performance record. Every figure is measured side by
 * side in one run (this machine is shared and noisy), repeated, and reported
 * as the median with the spread; ratios compare runs made in the same process.
 *
 * Throughput figures follow two unmeasured warm-up rounds.
 *
 * Scenarios so far:
 *  - the simulator building a 10,000-VM inventory;
 *  - the simulator serializing the 10,000-VM list (plain, and with
 *    disks+nics+statistics inlined), MB/s;
 *  - reading the same bytes into typed objects with our reader, against
 *    fast-xml-parser's default parse and JSON.parse of the equivalent JSON.
 *
 * `--quick` runs fewer repetitions on a smaller inventory (a smoke run).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { bundledModel } from '../src/model/index.ts';
import { readDocument, writeDocument } from '../src/xml/index.ts';
import { Engine, startSimulator } from '../src/simulator/index.ts';
import { startServer } from '../src/server/index.ts';

const quick = process.argv.includes('--quick');
const VMS = quick ? 2_000 : 10_000;
const REPS = quick ? 3 : 7;

interface Figure { name: string; median: number; min: number; max: number; unit: string; note?: string }
const figures: Figure[] = [];

/** Runs `warmup` unmeasured rounds first (so JIT-compiled code is compared, not the compiler), then `reps`. */
function measure(name: string, unit: string, reps: number, run: () => number, note?: string, warmup = 2): Figure {
  for (let i = 0; i < warmup; i++) run();
  const values: number[] = [];
  for (let i = 0; i < reps; i++) values.push(run());
  values.sort((a, b) => a - b);
  const f = { name, unit, median: values[Math.floor(values.length / 2)], min: values[0], max: values[values.length - 1], note };
  figures.push(f);
  process.stderr.write(`  ${name}: ${f.median.toFixed(1)} ${unit} (${f.min.toFixed(1)}..${f.max.toFixed(1)})\n`);
  return f;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

process.stderr.write(`rhev-graphql bench${quick ? ' (quick)' : ''}: ${VMS} VMs, ${REPS} repetitions each\n`);
const model = bundledModel();
let engine!: Engine;
measure(`build a ${VMS}-VM inventory`, 'ms', quick ? 2 : 3, () => time(() => { engine = new Engine({ vms: VMS, hosts: 100, clusters: 10, datacenters: 2 }); }), 'cold: what starting a simulator costs', 0);
const vms = [...engine.store.table('vms').values()];

let xml = '';
const mb = () => Buffer.byteLength(xml) / 1e6;
measure('serialize the VM list', 'MB/s', REPS, () => { let ms = 0; ms = time(() => { xml = writeDocument(model, 'vms', { vm: vms }, { hrefBase: '/api' }); }); return mb() / (ms / 1000); });
const plainMb = mb();
let detailed = '';
measure('serialize with disks+nics+statistics', 'MB/s', REPS, () => {
  const ms = time(() => {
    const items = vms.map((v) => ({ ...v, disks: { disk: [...v._sub.disks.values()] }, nics: { nic: [...v._sub.nics.values()] }, statistics: { statistic: v._computed.statistics(v) } }));
    detailed = writeDocument(model, 'vms', { vm: items }, { hrefBase: '/api' });
  });
  return Buffer.byteLength(detailed) / 1e6 / (ms / 1000);
});
const detailedMb = Buffer.byteLength(detailed) / 1e6;

const fxp = new XMLParser({ ignoreAttributes: false });
const json = JSON.stringify(readDocument(model, detailed).value);
const ours = measure('read into typed objects (ours)', 'MB/s', REPS, () => detailedMb / (time(() => readDocument(model, detailed)) / 1000));
const theirs = measure('fast-xml-parser default parse', 'MB/s', REPS, () => detailedMb / (time(() => fxp.parse(detailed)) / 1000));
const jsonFig = measure('JSON.parse of the same data', 'MB/s', REPS, () => (Buffer.byteLength(json) / 1e6) / (time(() => JSON.parse(json)) / 1000));

const ratios: Record<string, number> = {
  'ours / fast-xml-parser': ours.median / theirs.median,
  'ours / JSON.parse': ours.median / jsonFig.median,
};

// ------------------------------------------------------------------ dashboard queries through the subgraph

const DASHBOARD = '{ vms { name status { state } cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }';
/** Sequential request rounds the loaders need for DASHBOARD: vms, then clusters and hosts, then data centers. */
const DASHBOARD_ROUNDS = 3;
const LATENCY_MS = 20;
interface DashboardRow { vms: number; requests: number; naiveRequests?: number; bytes: number; p50ms0: number; p50ms20: number; p95ms20: number; lowerBoundMs20: number }
const dashboard: DashboardRow[] = [];
for (const n of quick ? [100, 1000] : [100, 1000, 10_000]) {
  const sim = await startSimulator({ vms: n, hosts: Math.max(4, n / 50), clusters: 4, datacenters: 2, port: 0 });
  const server = await startServer({ engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' }, port: 0, landingPage: false });
  const run = async () => {
    const t0 = performance.now();
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: DASHBOARD }) });
    const body = await res.json() as { errors?: unknown[] };
    if (body.errors) throw new Error(`dashboard query failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
    return performance.now() - t0;
  };
  await run(); // log in, read the entry point
  await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
  await run();
  const stats = await (await fetch(`${sim.url}/__simulator/stats`)).json() as { requests: number };
  const reps = quick ? 3 : 5;
  const at0: number[] = [];
  for (let i = 0; i < reps; i++) at0.push(await run());
  sim.configure({ latencyMs: LATENCY_MS });
  const at20: number[] = [];
  for (let i = 0; i < reps; i++) at20.push(await run());
  sim.configure({ latencyMs: 0 });
  let naiveRequests: number | undefined;
  if (n <= 1000) {
    const naive = await startServer({ engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' }, port: 0, landingPage: false, batching: false });
    await fetch(naive.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ api { time } }' }) });
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    await fetch(naive.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: DASHBOARD }) });
    naiveRequests = ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number }).requests;
    await naive.close();
  }
  const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
  const row = { vms: n, requests: stats.requests, naiveRequests, bytes: 0, p50ms0: p(at0, 0.5), p50ms20: p(at20, 0.5), p95ms20: p(at20, 0.95), lowerBoundMs20: DASHBOARD_ROUNDS * LATENCY_MS + p(at0, 0.5) };
  dashboard.push(row);
  process.stderr.write(`  dashboard at ${n} VMs: ${row.requests} upstream requests${naiveRequests ? ` (naive: ${naiveRequests})` : ''}, p50 ${row.p50ms0.toFixed(0)} ms; with ${LATENCY_MS} ms latency p50 ${row.p50ms20.toFixed(0)} ms vs lower bound ${row.lowerBoundMs20.toFixed(0)} ms\n`);
  ratios[`dashboard wall time / lower bound at ${n} VMs (${LATENCY_MS} ms latency)`] = row.p50ms20 / row.lowerBoundMs20;
  await server.close();
  await sim.close();
}
const result = {
  date: new Date().toISOString(), quick, node: process.version, vms: VMS,
  bytes: { plainListMB: Number(plainMb.toFixed(2)), detailedListMB: Number(detailedMb.toFixed(2)) },
  figures, ratios, dashboard,
};
const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/latest.json`, JSON.stringify(result, null, 2) + '\n');

const rows = figures.map((f) => `| ${f.name} | ${f.median.toFixed(1)} ${f.unit} | ${f.min.toFixed(1)} – ${f.max.toFixed(1)} |`).join('\n');
const md = `# Performance

Written by \`npm run bench\` (last run ${result.date.slice(0, 10)}, Node ${process.version}${quick ? ', --quick' : ''}); do not edit by hand.
Figures are medians of repeated runs in one process, with the range seen;
this machine is shared, so compare ratios measured in the same run.

Inventory: ${VMS} VMs. The plain list is ${plainMb.toFixed(1)} MB; with disks, NICs and statistics inlined ${detailedMb.toFixed(1)} MB.

| scenario | median | range |
|---|---|---|
${rows}

Dashboard query (\`${DASHBOARD}\`) through the subgraph, requests counted at the simulator;
the lower bound is ${DASHBOARD_ROUNDS} sequential rounds x ${LATENCY_MS} ms plus the same query's time at 0 ms latency:

| VMs | upstream requests | naive (batching off) | p50 at 0 ms | p50 at ${LATENCY_MS} ms | p95 at ${LATENCY_MS} ms | lower bound |
|---|---|---|---|---|---|---|
${dashboard.map((d) => `| ${d.vms} | ${d.requests} | ${d.naiveRequests ?? '–'} | ${d.p50ms0.toFixed(0)} ms | ${d.p50ms20.toFixed(0)} ms | ${d.p95ms20.toFixed(0)} ms | ${d.lowerBoundMs20.toFixed(0)} ms |`).join('\n')}

| ratio (same run) | value |
|---|---|
${Object.entries(ratios).map(([k, v]) => `| ${k} | ${v.toFixed(2)}x |`).join('\n')}

Reproduce: \`npm run bench\` (minutes) or \`npm run bench -- --quick\` (a smoke run).
`;
mkdirSync(`${root}docs`, { recursive: true });
writeFileSync(`${root}docs/performance.md`, md);
process.stderr.write('written bench/results/latest.json and docs/performance.md\n');
