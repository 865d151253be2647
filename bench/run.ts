/**
 * `npm run bench`: the performance record. Machines here are shared and
 * noisy, so every figure is a count, or a ratio measured side by side in the
 * same run, with absolute times for context. Results go to
 * bench/results/latest.json and docs/performance.md (report.ts writes it).
 *
 *   npm run bench              all scenarios (about 45 minutes)
 *   npm run bench -- --quick   a smoke run of under a minute, written to bench/results/quick/
 *   npm run bench -- --report  docs/performance.md again from the last full run's figures
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboardScenario } from './dashboard.ts';
import { executionScenario } from './execution.ts';
import { fleetScenario } from './fleet.ts';
import { fleetSubscriptionScenario } from './fleet-subscriptions.ts';
import { floorsScenario } from './floors.ts';
import { Progress, quick } from './lib.ts';
import { parseScenario } from './parse.ts';
import { replicasScenario } from './replicas.ts';
import { type Bench, boundOf, report, targetsOf } from './report.ts';
import { scaleScenario } from './scale.ts';
import { formatComparison, serverProcessScenario } from './server-process.ts';
import { subscriptionScenario } from './subscriptions.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// --report: docs/performance.md written again from the last full run's figures (bench/results/latest.json),
// for a change of the report or of a target's wording; nothing is measured.
if (process.argv.includes('--report')) {
  const last = JSON.parse(readFileSync(`${root}bench/results/latest.json`, 'utf8')) as Bench;
  const b = boundOf(last);
  const t = targetsOf(last, b);
  writeFileSync(`${root}bench/results/latest.json`, `${JSON.stringify({ ...last, bound: b, targets: t }, null, 2)}\n`);
  writeFileSync(`${root}docs/performance.md`, report(last, b, t));
  process.stderr.write(`docs/performance.md written again from the run of ${last.date}\n`);
  process.exit(0);
}

/** The simulated engine's latency of sections 2 to 4 (a quick run's is shorter: it checks that they run, not what they measure). */
const LATENCY = quick ? 5 : 20;
const plan = quick
  ? {
      sizes: [100],
      reps: 2,
      parseVms: 500,
      clients: [1],
      clientSeconds: 1,
      fleet: [10],
      pollS: 1,
      fleetS: 2,
      subs: [10],
      fleetSubs: [10],
      subS: 2,
      replicaPollS: 2,
      replicaS: 6,
      scale: [500],
    }
  : {
      sizes: [100, 1000, 10_000],
      reps: 5,
      parseVms: 10_000,
      clients: [1, 10, 50],
      clientSeconds: 15,
      fleet: [1, 10, 100],
      pollS: 10,
      fleetS: 40,
      subs: [1, 100, 1000],
      fleetSubs: [1, 100],
      subS: 15,
      replicaPollS: 10,
      replicaS: 40,
      scale: [10_000, 30_000, 100_000],
    };
// Each step's expected seconds, for the estimate of the time left.
const weights = {
  parse: quick ? 2 : 25,
  query: (n: number) => (n >= 10_000 ? 60 : n >= 1000 ? 8 : 2),
  serverRun: plan.clientSeconds + 1,
  execution: quick ? 3 : 10,
  fleetRun: plan.fleetS + 2,
  subscriptions: plan.subS + 2,
};
const steps = [
  { label: 'parsing', weight: weights.parse },
  ...['v3', 'v4'].flatMap(() => plan.sizes.flatMap((n) => [1, 2, 3].map(() => ({ label: 'query', weight: weights.query(n) })))),
  ...plan.sizes.filter((n) => n <= 1000).map(() => ({ label: 'script', weight: 2 })),
  ...Array.from({ length: (quick ? 3 : 7) * plan.clients.length }, () => ({ label: 'server', weight: weights.serverRun })),
  ...(quick ? [] : [{ label: 'xml and json in turn', weight: 6 * weights.serverRun }]),
  { label: 'execution', weight: weights.execution },
  { label: 'floors', weight: weights.execution },
  ...Array.from({ length: (quick ? 1 : 2) * plan.fleet.length }, () => ({ label: 'fleet', weight: weights.fleetRun })),
  ...plan.subs.map(() => ({ label: 'subscriptions', weight: weights.subscriptions })),
  ...plan.fleetSubs.map(() => ({ label: 'fleet subscriptions', weight: weights.subscriptions })),
  ...(quick ? [] : [1, 3]).map(() => ({ label: 'replicas', weight: plan.replicaS + 25 })),
  ...(quick ? ['v4'] : ['v4', 'v3']).flatMap(() => plan.scale.map((n) => ({ label: 'scale', weight: 10 + n / 1000 }))),
];
const progress = new Progress(
  steps.length,
  steps.reduce((a, s) => a + s.weight, 0),
);
let next = 0;
const step = (label: string) => progress.step(label, steps[next++]?.weight ?? 1);

process.stderr.write(`rhev-graphql bench${quick ? ' (quick)' : ''}\n`);
const parse = parseScenario(plan.parseVms, quick ? 2 : 7);
step('parsing');
for (const f of parse.figures) progress.log(`${f.name}: ${f.median.toFixed(1)} ${f.unit} (${f.min.toFixed(1)}..${f.max.toFixed(1)})`);
const v3 = await dashboardScenario(plan.sizes, plan.reps, LATENCY, step);
const v4 = await dashboardScenario(plan.sizes, plan.reps, LATENCY, step, 'v4');
const dashboard = { rows: [...v3.rows, ...v4.rows], script: v3.script };
for (const r of dashboard.rows)
  progress.log(`${r.dialect} ${r.query} at ${r.vms} VMs: ${r.requests} requests, p50 ${r.p50.toFixed(0)} ms at ${LATENCY} ms latency`);
const serverProcess = await serverProcessScenario(
  1000,
  plan.clients,
  plan.clientSeconds,
  step,
  quick ? ['v4'] : ['v3', 'v4'],
  !quick,
  quick ? 1 : 3,
);
for (const r of serverProcess)
  progress.log(
    `server process, ${r.dialect}, ${r.mode}, ${r.clients} clients: ${r.qps.toFixed(1)} queries/s, p99 ${r.p99.toFixed(0)} ms, ${r.cpuMsPerQuery.toFixed(1)} ms CPU per query, ${r.peakRssMB.toFixed(0)} MB peak`,
  );
// Point 5 of issue 26: v4 read as XML and as JSON, side by side and in turn (a full run only).
const formats = quick ? undefined : await formatComparison(1000, plan.clientSeconds, 3);
if (formats) {
  step('xml and json in turn');
  progress.log(
    `window off, v4, in turn: XML ${formats.xml.map((x) => x.toFixed(0)).join(', ')} ms; JSON ${formats.json.map((x) => x.toFixed(0)).join(', ')} ms CPU per query`,
  );
}
const execution = await executionScenario(1000, quick ? 5 : 30);
step('execution');
progress.log(
  `execution: graphql-js ${execution.graphqlJs.toFixed(1)} ms, graphql-jit ${execution.graphqlJit.toFixed(1)} ms (${execution.jitSpeedup.toFixed(2)}x), synchronous ${execution.synchronous.toFixed(1)} ms (${execution.synchronousSpeedup.toFixed(2)}x), same answer: ${execution.sameAnswer}`,
);
const floors = await floorsScenario(1000, quick ? 3 : 9);
step('floors');
progress.log(
  `floors (v4, ${floors.vms} VMs): answer ${floors.answerMs.toFixed(1)} ms, read ${floors.readMs.toFixed(0)} ms (${floors.readMBps.toFixed(0)} MB/s), both ${floors.readAndAnswerMs.toFixed(0)} ms; as JSON, read ${floors.json?.readMs.toFixed(0)} ms, both ${floors.json?.readAndAnswerMs.toFixed(0)} ms`,
);
const fleet = await fleetScenario(plan.fleet, plan.pollS, plan.fleetS, step, quick ? [2000] : undefined);
for (const r of fleet)
  progress.log(
    `fleet, window ${r.freshnessMs} ms, ${r.dashboards} dashboards: ${r.engineRequestsPerMinute.toFixed(0)} engine requests/min, staleness p50 ${r.stalenessP50.toFixed(0)} ms, max ${r.stalenessMax.toFixed(0)} ms`,
  );
const subscriptions = await subscriptionScenario(1000, plan.subs, plan.subS, step);
const fleetSubscriptions = await fleetSubscriptionScenario(1000, plan.fleetSubs, plan.subS, step);
// A quick run leaves the replicas out (a minute of Redis and three servers); test/shared runs them.
const replicas = quick ? undefined : await replicasScenario(plan.replicaPollS, plan.replicaS, step);
for (const r of replicas?.rows ?? [])
  progress.log(
    `${r.replicas} replica(s): ${r.engineRequestsPerMinute.toFixed(0)} engine requests/min, ${r.staleAfterOwnWrite} stale after own write, ${r.loginsPerWrongCredential} login(s) per wrong credential${r.failoverMs === undefined ? '' : `, failover ${r.failoverMs} ms`}`,
  );

const scale = await scaleScenario(plan.scale, step, quick ? ['v4'] : ['v4', 'v3']);
for (const r of scale)
  progress.log(
    `${r.dialect} dashboard at ${r.vms} VMs: ${r.error ?? `${r.answered} VMs`} in ${(r.ms / 1000).toFixed(1)} s, ${r.engineRequests} engine requests (${r.engineMB.toFixed(0)} MB), server CPU ${(r.cpuMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
  );

const bench: Bench = {
  date: new Date().toISOString(),
  quick,
  node: process.version,
  latencyMs: LATENCY,
  parse,
  dashboard,
  serverProcess,
  execution,
  floors,
  fleet,
  subscriptions,
  fleetSubscriptions,
  replicas,
  scale,
  formats,
};
const bound = boundOf(bench);
const targets = targetsOf(bench, bound);
process.stderr.write('\n');

// A quick run is a smoke test: it writes beside the figures, never over them.
const out = quick ? `${root}bench/results/quick/` : `${root}bench/results/`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}latest.json`, `${JSON.stringify({ ...bench, bound, targets }, null, 2)}\n`);
writeFileSync(quick ? `${out}performance.md` : `${root}docs/performance.md`, report(bench, bound, targets));
process.stderr.write(
  quick ? `written ${out}latest.json and ${out}performance.md\n` : 'written bench/results/latest.json and docs/performance.md\n',
);
process.exit(0);
