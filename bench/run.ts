/**
 * `npm run bench`: the performance record. Machines here are shared and
 * noisy, so every figure is a count, or a ratio measured side by side in the
 * same run, with absolute times for context. Results go to
 * bench/results/latest.json and the tables of docs/performance.md.
 *
 *   npm run bench              all scenarios (minutes)
 *   npm run bench -- --quick   a smoke run of about a minute
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { concurrencyScenario } from './concurrency.ts';
import { dashboardScenario, QUERIES, QUERIES_V4 } from './dashboard.ts';
import { Progress, quick } from './lib.ts';
import { parseScenario } from './parse.ts';
import { serverProcessScenario } from './server-process.ts';
import { subscriptionScenario } from './subscriptions.ts';

const LATENCY = 20;
const fmt = (x: number | undefined, d = 0) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const sizes = quick ? [100, 1000] : [100, 1000, 10_000];
const subscriberCounts = quick ? [1, 100] : [1, 100, 1000];
// Steps: parsing, dashboards, concurrency, writing; three queries per size and dialect; a script per size up to 1,000; each subscriber count.
const progress = new Progress(4 + sizes.length * 3 * 2 + sizes.filter((n) => n <= 1000).length + subscriberCounts.length + (quick ? 2 : 3));

process.stderr.write(`rhev-graphql bench${quick ? ' (quick)' : ''}\n`);
progress.step('parsing');
const parse = parseScenario(quick ? 2000 : 10_000, quick ? 3 : 7);
for (const f of parse.figures) progress.log(`${f.name}: ${f.median.toFixed(1)} ${f.unit} (${f.min.toFixed(1)}..${f.max.toFixed(1)})`);
progress.step('dashboards');
const v3 = await dashboardScenario(sizes, quick ? 3 : 5, LATENCY, (label) => progress.step(label));
const v4 = await dashboardScenario(sizes, quick ? 3 : 5, LATENCY, (label) => progress.step(label), 'v4');
const dashboard = { rows: [...v3.rows, ...v4.rows], script: v3.script };
for (const r of dashboard.rows)
  progress.log(
    `${r.dialect} ${r.query} at ${r.vms} VMs: ${r.requests} requests${r.naiveRequests !== undefined ? ` (naive ${r.naiveRequests})` : ''}, p50 ${r.p50.toFixed(0)} ms at ${LATENCY} ms latency, lower bound ${r.lowerBound.toFixed(0)} ms`,
  );
const concurrency = await concurrencyScenario(quick ? 300 : 1000, 50, quick ? 5 : 30);
progress.step('concurrency');
progress.log(
  `50 clients: ${concurrency.qps.toFixed(1)} queries/s, p50 ${concurrency.p50.toFixed(0)} ms, p99 ${concurrency.p99.toFixed(0)} ms, ${concurrency.upstreamPerQuery.toFixed(2)} upstream requests per query`,
);
const processClients = quick ? [1, 10] : [1, 10, 50];
const serverProcess = await serverProcessScenario(1000, processClients, quick ? 5 : 20, (label) => progress.step(label));
for (const r of serverProcess)
  progress.log(
    `server process, ${r.clients} clients: ${r.qps.toFixed(1)} queries/s, p99 ${r.p99.toFixed(0)} ms, ${r.cpuMsPerQuery.toFixed(0)} ms CPU per query, ${r.peakRssMB.toFixed(0)} MB peak`,
  );
const subscriptions = await subscriptionScenario(1000, subscriberCounts, quick ? 5 : 15, (label) => progress.step(label));
for (const s of subscriptions)
  progress.log(
    `${s.subscribers} subscribers: ${s.upstreamPerSecond.toFixed(2)} upstream requests/s, delay p50 ${s.delayP50.toFixed(0)} ms, ${fmt(s.kbPerSubscription, 1)} KB each`,
  );

const byQuery = (q: string, n: number) => dashboard.rows.find((r) => r.query === q && r.vms === n && r.dialect === 'v3')!;
const largest = sizes[sizes.length - 1];
const targets = {
  'parsing at least 60 MB/s': parse.figures.find((f) => f.name.startsWith('read'))!.median >= 60,
  'parsing at least 4x fast-xml-parser': parse.ratios['read: ours / fast-xml-parser'] >= 4,
  'dashboard: at most 5 upstream requests at every N, on v3 and on v4': dashboard.rows
    .filter((r) => r.query === 'dashboard')
    .every((r) => r.requests <= 5),
  [`dashboard: within 1.5x of the lower bound at ${largest} VMs (${LATENCY} ms)`]:
    byQuery('dashboard', largest).p50 <= 1.5 * byQuery('dashboard', largest).lowerBound,
  // 10% allows for where the measured window falls in the pollers' rhythm (one poll more or less).
  'subscriptions: upstream requests/s at the most subscribers no more than at 1 (within 10%)':
    subscriptions.at(-1)!.upstreamPerSecond <= subscriptions[0].upstreamPerSecond * 1.1,
  'subscriptions: every subscriber got its events': subscriptions.every((s) => s.events >= s.subscribers),
  'server process: CPU per 1,000-VM dashboard query at most 30 ms (1 client)': serverProcess[0].cpuMsPerQuery <= 30,
};
progress.step('writing results');
process.stderr.write('\n');

const result = {
  date: new Date().toISOString(),
  quick,
  node: process.version,
  latencyMs: LATENCY,
  parse,
  dashboard,
  concurrency,
  serverProcess,
  subscriptions,
  targets,
};
const root = fileURLToPath(new URL('..', import.meta.url));
// A quick run is a smoke test: it writes beside the figures, never over them.
const out = quick ? `${root}bench/results/quick/` : `${root}bench/results/`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}latest.json`, `${JSON.stringify(result, null, 2)}\n`);

const md = `# Performance

Written by \`npm run bench\` (last run ${result.date.slice(0, 10)}, Node ${process.version}${quick ? ', --quick' : ''}); do not edit by hand.
This machine is shared and noisy: compare the counts and the ratios measured in the same run;
absolute times are for context. Reproduce any figure with \`npm run bench\` (\`-- --quick\` for a smoke run).

## Targets

| target | met |
|---|---|
${Object.entries(targets)
  .map(([k, v]) => `| ${k} | ${v ? 'yes' : '**no**'} |`)
  .join('\n')}

## 1. Parsing a ${parse.vms}-VM list (${parse.listMB.toFixed(1)} MB: actions, links, statistics)

| | median | range |
|---|---|---|
${parse.figures.map((f) => `| ${f.name} | ${f.median.toFixed(1)} ${f.unit} | ${f.min.toFixed(1)} – ${f.max.toFixed(1)} |`).join('\n')}

| ratio (same run) | value |
|---|---|
${Object.entries(parse.ratios)
  .map(([k, v]) => `| ${k} | ${v.toFixed(2)}x |`)
  .join('\n')}

Building the simulator's ${parse.vms}-VM inventory took ${parse.buildMs.toFixed(0)} ms.

## 2. Dashboard queries through the subgraph

Upstream requests and bytes are counted at the simulator. Times are at ${LATENCY} ms simulated latency per request;
the lower bound is one round trip per level of the query plus the query's time at 0 ms latency.
The naive way is the same server with batching off (every field its own request).

On API v3 (a 3.6 engine) and on API v4 (a 4.5 engine, the same inventory), the same questions in each schema:

${Object.entries(QUERIES)
  .map(([name, q]) => `\`${name}\` (v3): \`${q.query}\`  \n(v4): \`${QUERIES_V4[name as keyof typeof QUERIES_V4].query}\``)
  .join('\n\n')}

| API | query | VMs | upstream requests | upstream MB | naive requests | request ratio | p50 | p95 | lower bound | time / lower bound |
|---|---|---|---|---|---|---|---|---|---|---|
${dashboard.rows.map((r) => `| ${r.dialect} | ${r.query} | ${r.vms} | ${r.requests} | ${(r.bytes / 1e6).toFixed(1)} | ${r.naiveRequests ?? '–'} | ${r.naiveRequests ? `${(r.naiveRequests / r.requests).toFixed(0)}x` : '–'} | ${fmt(r.p50)} ms | ${fmt(r.p95)} ms | ${fmt(r.lowerBound)} ms | ${(r.p50 / r.lowerBound).toFixed(2)} |`).join('\n')}

## 3. The same data from a script using the client alone

A list of VMs, then each VM's disks and NICs (plus clusters, hosts and data centers once):

| VMs | latency | upstream requests | time |
|---|---|---|---|
${dashboard.script.map((s) => `| ${s.vms} | ${s.latencyMs} ms | ${s.requests} | ${fmt(s.ms)} ms |`).join('\n')}

## 4. Concurrency

${concurrency.clients} clients sending the dashboard query for ${concurrency.seconds} s against ${concurrency.vms} VMs (loopback, 0 ms latency):
${concurrency.qps.toFixed(1)} queries/s, p50 ${fmt(concurrency.p50)} ms, p99 ${fmt(concurrency.p99)} ms,
${concurrency.upstreamPerQuery.toFixed(2)} upstream requests per query (identical in-flight GETs of one credential are joined),
${concurrency.errors} errors, peak RSS ${concurrency.peakRssMB.toFixed(0)} MB (the whole bench process).

## 5. The server in a process of its own

\`rhev-graphql serve\` (the built command, API v3) as its own process against ${serverProcess[0]?.vms ?? 1000} VMs, clients sending the dashboard query;
the server's CPU time and peak memory are read from /proc; every query is answered afresh (nothing is shared between queries yet):

| clients | queries/s | p50 | p99 | server CPU per query | server peak RSS | engine requests per query | errors |
|---|---|---|---|---|---|---|---|
${serverProcess.map((r) => `| ${r.clients} | ${r.qps.toFixed(1)} | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${fmt(r.cpuMsPerQuery)} ms | ${fmt(r.peakRssMB)} MB | ${r.upstreamPerQuery.toFixed(2)} | ${r.errors} |`).join('\n')}

## 6. Subscriptions

\`vmStatus\` subscribers spread over up to 1,000 VMs while a driver starts and stops watched VMs every 250 ms:

| subscribers | watched VMs | upstream requests/s | event delay p50 | p95 | events | KB per subscription |
|---|---|---|---|---|---|---|
${subscriptions.map((s) => `| ${s.subscribers} | ${s.watchedVms} | ${s.upstreamPerSecond.toFixed(2)} | ${fmt(s.delayP50)} ms | ${fmt(s.delayP95)} ms | ${s.events} | ${fmt(s.kbPerSubscription, 1)} |`).join('\n')}
`;
writeFileSync(quick ? `${out}performance.md` : `${root}docs/performance.md`, md);
process.stderr.write(
  quick ? `written ${out}latest.json and ${out}performance.md\n` : 'written bench/results/latest.json and docs/performance.md\n',
);
process.exit(0);
