/**
 * What a bench run concludes, and docs/performance.md written from it: the
 * targets of issue 15 checked against the figures of the same run, the
 * physical bound computed from the same run's own measurements of this
 * machine (JSON.parse and JSON.stringify speed), and the tables.
 */
import { type DashboardRow, QUERIES, QUERIES_V4, type ScriptRow } from './dashboard.ts';
import type { ExecutionResultRow } from './execution.ts';
import { FLEET_QUERY, type FleetRow } from './fleet.ts';
import type { FleetSubscriptionRow } from './fleet-subscriptions.ts';
import type { FloorsRow } from './floors.ts';
import type { ParseResult } from './parse.ts';
import type { ReplicasResult } from './replicas.ts';
import { scaleSection, scaleTargets } from './report-scale.ts';
import type { ScaleRow } from './scale.ts';
import type { FormatComparison, ServerProcessRow } from './server-process.ts';
import type { SubscriptionRow } from './subscriptions.ts';

export interface Bench {
  date: string;
  quick: boolean;
  node: string;
  latencyMs: number;
  parse: ParseResult;
  dashboard: { rows: DashboardRow[]; script: ScriptRow[] };
  serverProcess: ServerProcessRow[];
  execution: ExecutionResultRow;
  /** The v4 dashboard's floors (absent from runs before issue 26). */
  floors?: FloorsRow;
  fleet: FleetRow[];
  subscriptions: SubscriptionRow[];
  /** Fleet-wide subscriptions (absent from runs before they existed). */
  fleetSubscriptions?: FleetSubscriptionRow[];
  /** One server against three replicas sharing a Redis (absent from runs before them, or without redis-server). */
  replicas?: ReplicasResult;
  /** Inventories of any size (absent from runs before issue 26). */
  scale?: ScaleRow[];
  /** v4 read as XML and as JSON, the window off, in alternation (absent from quick runs and runs before it). */
  formats?: FormatComparison;
}

/**
 * The physical bound of a query: what this machine cannot avoid doing.
 * Server side: reading the engine's bytes at JSON.parse's speed and writing
 * the answer at JSON.stringify's (both measured in this run). End to end:
 * that, plus one round trip per level of the query.
 */
export interface BoundRow {
  dialect: 'v3' | 'v4';
  vms: number;
  engineMB: number;
  answerMB: number;
  serverBoundMs: number;
  /** The server's own time: the query at 0 ms latency minus what the simulator spent answering. */
  serverMs: number;
  engineServeMs: number;
  endToEndBoundMs: number;
  endToEndMs: number;
}

const fmt = (x: number | null | undefined, d = 0) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d));
const figure = (b: Bench, prefix: string) => b.parse.figures.find((f) => f.name.startsWith(prefix))!.median;

export function boundOf(b: Bench): BoundRow[] {
  const parseMBps = figure(b, 'JSON.parse');
  const stringifyMBps = figure(b, 'JSON.stringify');
  return b.dashboard.rows
    .filter((r) => r.query === 'dashboard')
    .map((r) => {
      const engineMB = r.bytes / 1e6;
      const answerMB = r.answerBytes / 1e6;
      const serverBoundMs = (engineMB / parseMBps + answerMB / stringifyMBps) * 1000;
      return {
        dialect: r.dialect,
        vms: r.vms,
        engineMB,
        answerMB,
        serverBoundMs,
        serverMs: r.floorP50 - r.engineServeMs,
        engineServeMs: r.engineServeMs,
        endToEndBoundMs: serverBoundMs + QUERIES.dashboard.levels * r.latencyMs,
        endToEndMs: r.p50,
      };
    });
}

export function targetsOf(b: Bench, bound: BoundRow[]): Record<string, boolean> {
  const largest = Math.max(...b.dashboard.rows.map((r) => r.vms));
  const v3Bound = bound.find((r) => r.dialect === 'v3' && r.vms === largest)!;
  // The targets of issue 15 were set on v3; a quick run measures v4 alone.
  const v3Process = b.serverProcess.filter((r) => (r.dialect ?? 'v3') === 'v3');
  const measured = v3Process.length ? v3Process : b.serverProcess;
  const uncached = measured.find((r) => r.mode === 'engine data shared' && r.clients === 1)!;
  const most = Math.max(...measured.map((r) => r.clients));
  const busiest = measured.find((r) => r.mode === 'answers shared' && r.clients === most)!;
  const windowed = b.fleet.filter((r) => r.freshnessMs > 0);
  const fewest = windowed[0];
  const mostDashboards = windowed[windowed.length - 1];
  const subs = b.subscriptions;
  return {
    'parsing at least 100 MB/s into typed objects': figure(b, 'read') >= 100,
    'parsing at least 4x fast-xml-parser': b.parse.ratios['read: ours / fast-xml-parser'] >= 4,
    'dashboard: at most 5 upstream requests at every N, on v3 and on v4': b.dashboard.rows
      .filter((r) => r.query === 'dashboard')
      .every((r) => r.requests <= 5),
    [`dashboard at ${largest} VMs (v3): the server's own time within 1.5x of the physical bound`]:
      v3Bound.serverMs <= 1.5 * v3Bound.serverBoundMs,
    'server process: CPU per uncached 1,000-VM dashboard query at most 30 ms': uncached.cpuMsPerQuery <= 30,
    [`server process at ${most} clients (the default window): p99 at most 2 s, no errors, peak RSS at most 600 MB`]:
      busiest.p99 <= 2000 && busiest.errors === 0 && busiest.peakRssMB <= 600,
    // Flat: once a poll falls in every window (about 10 dashboards at 10 s and 2 s), more dashboards add nothing;
    // whatever N, a window lets through at most one dashboard query's requests (4) per window.
    [`fleet (window on): engine requests per minute at most 4 per window (${(4 * 60_000) / (mostDashboards.freshnessMs || 1)}) at every N, and at ${mostDashboards.dashboards} dashboards at most 1.5x those at ${windowed[1]?.dashboards ?? fewest.dashboards}`]:
      windowed.every((r) => r.engineRequestsPerMinute <= (4 * 60_000) / r.freshnessMs) &&
      mostDashboards.engineRequestsPerMinute <= 1.5 * (windowed[1] ?? fewest).engineRequestsPerMinute,
    // 10% allows for where the measured window falls in the pollers' rhythm (one poll more or less).
    'subscriptions: upstream requests/s at the most subscribers no more than at 1 (within 10%)':
      subs.at(-1)!.upstreamPerSecond <= subs[0].upstreamPerSecond * 1.1,
    'subscriptions: every subscriber got its events': subs.every((s) => s.events >= s.subscribers),
    ...fleetTargets(b.fleetSubscriptions),
    ...replicaTargets(b.replicas),
    ...scaleTargets(b.scale),
    ...sharedDataTargets(b.serverProcess, b.floors?.readMBps ?? figure(b, 'read')),
    ...jsonTargets(b.floors, b.serverProcess, b.formats),
  };
}

/** Issue 26's targets over shared data and at a window's end, where the run measured both dialects. */
function sharedDataTargets(rows: ServerProcessRow[], readMBps: number): Record<string, boolean> {
  const of = (dialect: 'v3' | 'v4', mode: string, clients: number) =>
    rows.find((r) => r.dialect === dialect && r.mode === mode && r.clients === clients);
  const uncached = [of('v3', 'engine data shared', 1), of('v4', 'engine data shared', 1)];
  const polled = [of('v3', 'answers shared', 10), of('v4', 'answers shared', 10)];
  if (uncached.some((r) => !r) || polled.some((r) => !r)) return {};
  return {
    'server process: CPU per 1,000-VM dashboard over shared engine data at most 15 ms, on v3 and v4': uncached.every(
      (r) => r!.cpuMsPerQuery <= 15,
    ),
    'server process: p99 at most 150 ms for 10 clients polling identical 1,000-VM dashboards through window ends, on v3 and v4':
      polled.every((r) => r!.p99 <= 150 && r!.errors === 0),
    "reading the v4 dashboard's answers at least 150 MB/s into typed objects": readMBps >= 150,
  };
}

/**
 * Point 5 of issue 26 is either/or: the XML reader at 150 MB/s (above), or
 * v4 read as JSON, chosen by the bench: faster to read, and cheaper for the
 * server, in the same run. The server's CPU is compared by the runs of the
 * two side by side, in turn (server-process.ts formatComparison), medians;
 * in runs before those existed, over all the window-off rows together.
 */
function jsonTargets(f: FloorsRow | undefined, rows: ServerProcessRow[], formats: FormatComparison | undefined): Record<string, boolean> {
  const [xml, json] = formats
    ? [median(formats.xml), median(formats.json)]
    : ['window off', 'window off, JSON'].map((mode) => cpuPerQuery(rows.filter((r) => r.dialect === 'v4' && r.mode === mode)));
  if (!f?.json || Number.isNaN(xml) || Number.isNaN(json)) return {};
  return {
    "reading v4 as JSON (engine.format json): the dashboard's answers read in less time than as XML, and less server CPU per query with the window off":
      f.json.readMs < f.readMs && json < xml,
  };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[(sorted.length - 1) >> 1] : Number.NaN;
}

/** Server CPU per query over several runs together: their CPU summed, over their queries summed. */
function cpuPerQuery(rows: ServerProcessRow[]): number {
  const queries = rows.reduce((n, r) => n + r.queries, 0);
  return queries ? rows.reduce((n, r) => n + r.cpuMsPerQuery * r.queries, 0) / queries : Number.NaN;
}

/** Section 6's floors of the v4 dashboard, against the server's own figures (section 5). */
function floorsText(f: FloorsRow | undefined, sp: ServerProcessRow[], formats?: FormatComparison): string {
  if (!f) return '';
  const shared = sp.find((r) => r.dialect === 'v4' && r.mode === 'engine data shared' && r.clients === 1);
  const off = sp.find((r) => r.dialect === 'v4' && r.mode === 'window off' && r.clients === 1);
  const against = (server: ServerProcessRow | undefined, floor: number) =>
    server ? ` (the server: ${server.cpuMsPerQuery.toFixed(1)} ms of CPU per query, ${(server.cpuMsPerQuery / floor).toFixed(1)}x)` : '';
  return `
The floors of the v4 ${f.vms}-VM dashboard, in one process, over the four engine answers it reads (${f.engineMB.toFixed(1)} MB): the
answer made from typed objects by a hand-written projection and JSON.stringify, ${f.answerMs.toFixed(1)} ms${against(shared, f.answerMs)};
reading the answers into typed objects in 64 KB chunks, ${f.readMs.toFixed(0)} ms (${f.readMBps.toFixed(0)} MB/s); both,
${f.readAndAnswerMs.toFixed(0)} ms${against(off, f.readAndAnswerMs)}.
${jsonFloorsText(f, sp, formats)}`;
}

/** The same floors with the answers read as JSON, beside XML's, and what the server spends either way. */
function jsonFloorsText(f: FloorsRow, sp: ServerProcessRow[], formats: FormatComparison | undefined): string {
  if (!f.json) return '';
  const ms = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const inTurn = formats
    ? ` Side by side, the two servers measured in turn (one client, ${formats.xml.length} runs each, the window off): JSON ${ms(formats.json)} ms against XML ${ms(formats.xml)} ms; medians ${median(formats.json).toFixed(0)} against ${median(formats.xml).toFixed(0)} ms (${(median(formats.json) / median(formats.xml)).toFixed(2)}x), which the target is judged by.`
    : '';
  const j = f.json;
  const runs = (mode: string) => sp.filter((r) => r.dialect === 'v4' && r.mode === mode);
  const [xml, json] = [runs('window off'), runs('window off, JSON')];
  const perRun = json
    .map((r) => {
      const x = xml.find((y) => y.clients === r.clients);
      return x
        ? `${r.clients} client${r.clients === 1 ? '' : 's'}: ${r.cpuMsPerQuery.toFixed(0)} ms against ${x.cpuMsPerQuery.toFixed(0)} ms`
        : '';
    })
    .filter(Boolean)
    .join('; ');
  const server =
    xml.length && json.length
      ? ` With the window off, the server's CPU per query reading JSON against reading XML: ${perRun}; over all those runs, ${cpuPerQuery(json).toFixed(0)} ms against ${cpuPerQuery(xml).toFixed(0)} ms (${(cpuPerQuery(json) / cpuPerQuery(xml)).toFixed(2)}x).`
      : '';
  return `
Read as JSON (\`engine.format json\`), the same answers are ${j.engineMB.toFixed(1)} MB (${(j.engineMB / f.engineMB).toFixed(2)}x the XML's bytes) and read in
${j.readMs.toFixed(0)} ms (${j.readMBps.toFixed(0)} MB/s of JSON; ${(f.readMs / j.readMs).toFixed(2)}x faster than XML); read and answered, ${j.readAndAnswerMs.toFixed(0)} ms.${server}${inTurn}
`;
}

/** The replicas' targets (issue 25), when the run measured them. */
function replicaTargets(r: ReplicasResult | undefined): Record<string, boolean> {
  const [one, three] = [r?.rows.find((x) => x.replicas === 1), r?.rows.find((x) => x.replicas === 3)];
  if (!one || !three) return {};
  return {
    'replicas: engine requests per minute on 3 replicas at most 1.2x those on 1':
      three.engineRequestsPerMinute <= 1.2 * one.engineRequestsPerMinute,
    "replicas: no stale read after one's own write, one engine login per wrong credential, every subscriber hearing the changes":
      r!.rows.every((x) => x.staleAfterOwnWrite === 0 && x.loginsPerWrongCredential === 1 && x.fewestEvents > 0),
    'replicas: a dead poller replaced within 5 s': (three.failoverMs ?? Number.POSITIVE_INFINITY) <= 5000,
  };
}

/** The fleet subscriptions' targets, when the run measured them. */
function fleetTargets(rows: FleetSubscriptionRow[] | undefined): Record<string, boolean> {
  if (!rows?.length) return {};
  return {
    [`fleet subscriptions: upstream requests/s at ${rows.at(-1)!.subscribers} subscribers no more than at ${rows[0].subscribers} (within 10%)`]:
      rows.at(-1)!.upstreamPerSecond <= rows[0].upstreamPerSecond * 1.1,
    'fleet subscriptions: every subscriber heard of the changes': rows.every((r) => r.fewestEvents > 0),
  };
}

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function report(b: Bench, bound: BoundRow[], targets: Record<string, boolean>): string {
  const { parse, dashboard, serverProcess: sp, execution: ex, fleet, subscriptions } = b;
  return `# Performance

Written by \`npm run bench\` (last run ${b.date.slice(0, 10)}, Node ${b.node}${b.quick ? ', --quick' : ''}); do not edit by hand.
This machine is shared and noisy: compare the counts and the ratios measured in the same run;
absolute times are for context. Where each target stands and why: [performance-analysis.md](performance-analysis.md).

## Targets

${table(
  ['target', 'met'],
  Object.entries(targets).map(([k, v]) => [k, v ? 'yes' : '**no**']),
)}

## 1. Parsing a ${parse.vms}-VM list (${parse.listMB.toFixed(1)} MB: actions, links, statistics)

${table(
  ['', 'median', 'range'],
  parse.figures.map((f) => [f.name, `${f.median.toFixed(1)} ${f.unit}`, `${f.min.toFixed(1)} – ${f.max.toFixed(1)}`]),
)}

${table(
  ['ratio (same run)', 'value'],
  Object.entries(parse.ratios).map(([k, v]) => [k, `${v.toFixed(2)}x`]),
)}

## 2. Dashboard queries through the subgraph

Upstream requests and bytes are counted at the simulator; every query is answered afresh (\`freshnessMs: 0\`).
Times are at ${b.latencyMs} ms simulated latency per request, and at 0 ms (the floor: the server's work plus the simulator's).
The naive way is the same server with batching off (every field its own request).

${Object.entries(QUERIES)
  .map(([name, q]) => `\`${name}\` (v3): \`${q.query}\`  \n(v4): \`${QUERIES_V4[name as keyof typeof QUERIES_V4].query}\``)
  .join('\n\n')}

${table(
  ['API', 'query', 'VMs', 'upstream requests', 'upstream MB', 'naive requests', 'p50', 'p95', 'p50 at 0 ms', 'simulator answering'],
  dashboard.rows.map((r) => [
    r.dialect,
    r.query,
    r.vms,
    r.requests,
    (r.bytes / 1e6).toFixed(1),
    r.naiveRequests ?? '–',
    `${fmt(r.p50)} ms`,
    `${fmt(r.p95)} ms`,
    `${fmt(r.floorP50)} ms`,
    `${fmt(r.engineServeMs)} ms`,
  ]),
)}

## 3. The dashboard against its physical bound

Server side: the engine's bytes read at this run's JSON.parse speed (${figure(b, 'JSON.parse').toFixed(0)} MB/s) plus the answer
written at its JSON.stringify speed (${figure(b, 'JSON.stringify').toFixed(0)} MB/s), against the server's own time (the query at 0 ms
latency minus the simulator's time answering). End to end: that bound plus ${QUERIES.dashboard.levels} round trips of ${b.latencyMs} ms,
against the p50 at ${b.latencyMs} ms (which includes the simulator writing its XML).

${table(
  [
    'API',
    'VMs',
    'engine MB',
    'answer MB',
    'server bound',
    'server',
    'server / bound',
    'simulator answering',
    'end-to-end bound',
    'end to end',
    'end to end / bound',
  ],
  bound.map((r) => [
    r.dialect,
    r.vms,
    r.engineMB.toFixed(1),
    r.answerMB.toFixed(2),
    `${fmt(r.serverBoundMs)} ms`,
    `${fmt(r.serverMs)} ms`,
    `${(r.serverMs / r.serverBoundMs).toFixed(1)}x`,
    `${fmt(r.engineServeMs)} ms`,
    `${fmt(r.endToEndBoundMs)} ms`,
    `${fmt(r.endToEndMs)} ms`,
    `${(r.endToEndMs / r.endToEndBoundMs).toFixed(1)}x`,
  ]),
)}

## 4. The same data from a script using the client alone

A list of VMs, then each VM's disks and NICs (plus clusters, hosts and data centers once):

${table(
  ['VMs', 'latency', 'upstream requests', 'time'],
  dashboard.script.map((s) => [s.vms, `${s.latencyMs} ms`, s.requests, `${fmt(s.ms)} ms`]),
)}

## 5. The server in a process of its own

Three processes: \`rhev-graphql simulator\`, \`rhev-graphql serve\` (the built command, ${sp[0]?.vms ?? 1000} VMs, API v3 and v4) and
autocannon sending the dashboard query. The server's CPU time and peak memory are read from /proc.
*window off*: \`--freshness 0\`; *engine data shared*: the default window, each query's text its own (no answer shared: the
uncached query); *answers shared*: the default window and identical queries, as polling dashboards send them.
A one-client row of a full run is the median of three runs by CPU per query (all its figures are that run's; the three CPU
figures are in the last column), as one run of it varies by a third on this shared machine.

${table(
  [
    'API',
    'mode',
    'clients',
    'queries/s',
    'p50',
    'p99',
    'server CPU per query',
    'server peak RSS',
    'engine requests per query',
    'errors',
    'runs (CPU per query)',
  ],
  sp.map((r) => [
    r.dialect ?? 'v3',
    r.mode,
    r.clients,
    r.qps.toFixed(1),
    `${fmt(r.p50)} ms`,
    `${fmt(r.p99)} ms`,
    `${fmt(r.cpuMsPerQuery, 1)} ms`,
    `${fmt(r.peakRssMB)} MB`,
    r.upstreamPerQuery.toFixed(3),
    r.errors,
    r.runs ? r.runs.map((c) => fmt(c, 1)).join(', ') : '',
  ]),
)}

## 6. Execution engines over shared engine data

The ${ex.vms}-VM dashboard query executed in one process over engine data the connection's window holds (no engine request),
with the same schema, resolvers and loaders: graphql-js ${ex.graphqlJs.toFixed(1)} ms, graphql-jit ${ex.graphqlJit.toFixed(1)} ms
(${ex.jitSpeedup.toFixed(2)}x)${ex.synchronous === undefined ? '' : `, the synchronous executor ${ex.synchronous.toFixed(1)} ms (${ex.synchronousSpeedup.toFixed(2)}x)`}; answers identical: ${ex.sameAnswer ? 'yes' : '**no**'}. JSON.stringify of the answer: ${ex.stringify.toFixed(1)} ms
as graphql-js builds it (objects without a prototype), ${ex.stringifyJit.toFixed(1)} ms as graphql-jit does (plain objects).
${floorsText(b.floors, sp, b.formats)}
## 7. A fleet of dashboards polling

N dashboards of one credential, each polling every ${fleet[0]?.pollS ?? 10} s (phases spread over the interval) for about
${fleet[0] ? Math.round(fleet[0].seconds) : 0} s, while another client of the engine writes the time into a VM's description every 250 ms.
Staleness: when the answer arrived minus the newest time it carried (the writer's 250 ms step included).
Query: \`${FLEET_QUERY}\`

${table(
  ['window', 'dashboards', 'answers', 'engine requests per minute', 'staleness p50', 'staleness max', 'errors'],
  fleet.map((r) => [
    r.freshnessMs ? `${r.freshnessMs} ms` : 'off',
    r.dashboards,
    r.answers,
    r.engineRequestsPerMinute.toFixed(0),
    `${fmt(r.stalenessP50)} ms`,
    `${fmt(r.stalenessMax)} ms`,
    r.errors,
  ]),
)}

## 8. Subscriptions

\`vmStatus\` subscribers spread over up to 1,000 VMs while a driver starts and stops watched VMs every 250 ms:

${table(
  ['subscribers', 'watched VMs', 'upstream requests/s', 'event delay p50', 'p95', 'events', 'KB per subscription'],
  subscriptions.map((s) => [
    s.subscribers,
    s.watchedVms,
    s.upstreamPerSecond.toFixed(2),
    `${fmt(s.delayP50)} ms`,
    `${fmt(s.delayP95)} ms`,
    s.events,
    fmt(s.kbPerSubscription, 1),
  ]),
)}
${
  b.fleetSubscriptions?.length
    ? `
\`vmsChanged\` subscribers (every VM of ${b.fleetSubscriptions[0].vms}) while the driver starts and stops one VM every 250 ms:

${table(
  ['subscribers', 'upstream requests/s', 'events about the driven VM, fewest of any subscriber'],
  b.fleetSubscriptions.map((r) => [r.subscribers, r.upstreamPerSecond.toFixed(2), r.fewestEvents]),
)}
`
    : ''
}${replicasSection(b.replicas)}${scaleSection(b.scale)}`;
}

function replicasSection(r: ReplicasResult | undefined): string {
  if (!r) return '';
  const s = r.stored;
  return `
## 9. Replicas

${r.rows[0].dashboards} dashboards polling the v4 dashboard query (each request to the next replica in turn) and ${r.rows[0].subscribers} \`vmsChanged\` subscribers spread over the replicas, while a VM is started and stopped every second, over 1,000 VMs; one server alone (no Redis) and three replicas sharing a redis-server, each a process of its own:

${table(
  [
    'replicas',
    'engine requests/min',
    'stale reads after own write (of 20)',
    'engine logins per wrong credential',
    'fewest events heard',
    'failover',
  ],
  r.rows.map((x) => [
    x.replicas,
    x.engineRequestsPerMinute.toFixed(0),
    x.staleAfterOwnWrite,
    x.loginsPerWrongCredential,
    x.fewestEvents,
    x.failoverMs === undefined ? '–' : `${fmt(x.failoverMs)} ms`,
  ]),
)}

What Redis holds of a shared ${s.vms}-VM list against the engine's own answer: ${(s.storedBytes / 1e6).toFixed(2)} MB against ${(s.engineBytes / 1e6).toFixed(2)} MB (${(s.storedBytes / s.engineBytes).toFixed(2)}x), read back in ${s.readStoredMs.toFixed(1)} ms against ${s.readEngineMs.toFixed(1)} ms for the engine's XML (${(s.readEngineMs / s.readStoredMs).toFixed(1)}x faster).
`;
}
