/**
 * The soak's hostile phase: for a bounded time, everything a stranger or a
 * hostile engine can throw at the server at once, while the server keeps
 * serving. The attackers and the hostile fake engines run in a process of
 * their own (bench/hostile-peer.ts), so this process holds only servers and
 * its memory is theirs: oversized and endless answers, links to a foreign
 * origin, slow dribbles and hangs below a list reach a server in front of
 * the fake engines; WebSocket floods (oversized messages, limit-breaking
 * documents, connect-and-drop) and wrong credentials reach the main server
 * over the simulator, with a v4 wrong-password storm, ids reused on sockets,
 * upgrades from a foreign origin and concurrent large answers against a
 * small answer budget. It measures what docs/reliability.md promises: no
 * crash, no answer past its deadline, no request to a foreign origin, at
 * most one engine login per wrong credential per minute and no account
 * locked, no operation or watcher left once the sockets closed, answer
 * bytes in flight within the budget, and memory back within 20%.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type RunningServer, startServer } from '../src/server/index.ts';
import type { Simulator } from '../src/simulator/index.ts';
import type { PeerCommand, PeerReport } from './hostile-peer.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Deadline of the hostile servers' operations; an answer later than this plus SLACK_MS is a hang. */
const DEADLINE_MS = 2000;
const SLACK_MS = 1500;

/** The answer budget of the servers in front of the hostile engines: two 6 MB answers fit, four do not. */
const BUDGET_BYTES = 16 * 1024 * 1024;

export interface HostileResult extends PeerReport {
  seconds: number;
  failedLogins: number;
  /** Accounts the simulator locked (five failed logins in a row), and how many times. */
  lockouts: number;
  /** Subscriptions and watchers still active on the main server after every socket closed. */
  leakedSubscriptions: number;
  leakedWatchers: number;
  /** The most bytes of engine answers a hostile server held at once, and its budget. */
  budgetPeakBytes: number;
  budgetBytes: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  mainServerAnswers: boolean;
}

/** RSS once the process is idle: collections forced, and time for V8 to give back pages it no longer needs. */
async function settleMemory(): Promise<number> {
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 500));
  }
  const m = process.memoryUsage();
  if (process.env.HOSTILE_DEBUG)
    process.stderr.write(
      `memory: rss ${(m.rss / 1e6).toFixed(0)} heapTotal ${(m.heapTotal / 1e6).toFixed(0)} heapUsed ${(m.heapUsed / 1e6).toFixed(0)} external ${(m.external / 1e6).toFixed(0)}\n`,
    );
  return m.rss / 1e6;
}

export async function hostilePhase(sim: Simulator, main: RunningServer, seconds: number): Promise<HostileResult> {
  const peer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./hostile-peer.ts', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: peer.stdout! });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      peer.once('exit', (code) => reject(new Error(`the hostile peer exited (${code})`)));
    });
  const engines = JSON.parse(await next()) as { a: string; b: string };
  const upstream = async (url: string) =>
    startServer({
      engine: { url, username: 'admin@internal', password: 'pw', timeoutMs: 1500 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      logLevel: 'fatal',
      limits: { maxResponseBytes: 8 * 1024 * 1024, operationTimeoutMs: DEADLINE_MS, answerBudgetBytes: BUDGET_BYTES },
    });
  const [serverA, serverB] = [await upstream(engines.a), await upstream(engines.b)];
  await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
  // Memory is compared from here: after setting up, before attacking.
  const rssBeforeMB = await settleMemory();
  const command: PeerCommand = {
    seconds,
    deadlineMs: DEADLINE_MS,
    slackMs: SLACK_MS,
    main: { url: main.url, wsUrl: main.wsUrl },
    upstreamA: serverA.url,
    upstreamB: serverB.url,
  };
  peer.stdin!.write(`${JSON.stringify(command)}\n`);
  const report = JSON.parse(await next()) as PeerReport;
  const st = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { failedLogins: number; lockouts: number };
  const leaked = await leftOpen(main);
  const budgetPeakBytes = Math.max(
    await gauge(serverA, 'rhev_upstream_answer_bytes_peak'),
    await gauge(serverB, 'rhev_upstream_answer_bytes_peak'),
  );
  const answer = (await (
    await fetch(main.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ api { time } }' }),
    })
  ).json()) as { errors?: unknown[] };
  const rssAfterMB = await settleMemory();
  await serverA.close();
  await serverB.close();
  return {
    ...report,
    seconds,
    failedLogins: st.failedLogins,
    lockouts: st.lockouts,
    leakedSubscriptions: leaked.subscriptions,
    leakedWatchers: leaked.watchers,
    budgetPeakBytes,
    budgetBytes: BUDGET_BYTES,
    rssBeforeMB,
    rssAfterMB,
    mainServerAnswers: !answer.errors,
  };
}

async function gauge(server: RunningServer, name: string): Promise<number> {
  return Number(/ (\d+(\.\d+)?)$/m.exec(await server.metrics.registry.getSingleMetricAsString(name))?.[1] ?? Number.NaN);
}

/** Subscriptions and watchers left on a server once its sockets closed (their close events given 3 s to arrive). */
async function leftOpen(server: RunningServer): Promise<{ subscriptions: number; watchers: number }> {
  let left = { subscriptions: 0, watchers: 0 };
  for (let i = 0; i < 30; i++) {
    left = { subscriptions: await gauge(server, 'rhev_subscriptions_active'), watchers: await gauge(server, 'rhev_watchers_active') };
    if (!left.subscriptions && !left.watchers) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return left;
}

/** Engine logins the wrong credentials may cost at most: once a minute each, so in T seconds floor(T / 60) + 1 times. */
export function loginBound(r: HostileResult): number {
  return r.wrongCredentials * (Math.floor(r.seconds / 60) + 1);
}

export function hostileMarkdown(r: HostileResult): string {
  const rows = Object.entries(r.attacks).map(
    ([name, a]) =>
      `| ${name} | ${a.sent} | ${Object.entries(a.codes)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')} |`,
  );
  const within = Math.abs(r.rssAfterMB - r.rssBeforeMB) / r.rssBeforeMB <= 0.2;
  return `## Hostile phase

${r.seconds} s of attacks at once, while the server kept serving: answers too large to hold (40 MB
against an 8 MB cap) and answers that never end, entry points whose links lead to another origin,
a byte every 200 ms, an engine that hangs below a list, WebSocket messages over the 1 MB cap,
documents over the depth limit, sockets dropped mid-handshake, wrong credentials over HTTP and
WebSocket (a mistyped admin, 20 strangers, and a storm of ten requests at once for a mistyped user on
API v4, whose sockets also try to subscribe), ids reused after \`complete\` (100 subscribe/complete
rounds under one id, then the socket closes), WebSocket upgrades from a foreign Origin, and four
credentials reading 6 MB answers at once against a ${BUDGET_BYTES / 1024 / 1024} MB answer budget. The
hostile engine is a fake engine of our own on loopback, behind a second server with a ${DEADLINE_MS} ms
operation deadline; the main server is in front of the simulator speaking API v4. Memory is compared
from after setting up to after the attacks, with a forced collection before each reading.

| | |
|---|---|
| crashes | **${r.crashes}** |
| answers later than the deadline + ${SLACK_MS} ms | **${r.hangs}** |
| requests (and so credentials) sent to the foreign origin | **${r.foreignRequests}** |
| wrong credentials / failed engine logins (once a minute each at most: ${loginBound(r)} in ${r.seconds} s) | ${r.wrongCredentials} / **${r.failedLogins}** |
| WebSockets refused for wrong credentials | ${r.refusedSockets} (**${r.refusedSockets ? (r.failedLogins / r.refusedSockets).toFixed(3) : '0'}** failed logins per refused socket) |
| accounts locked by the engine | **${r.lockouts}** |
| subscriptions / watchers left after the sockets closed | **${r.leakedSubscriptions}** / **${r.leakedWatchers}** |
| most engine answer bytes held at once / budget | ${(r.budgetPeakBytes / 1024 / 1024).toFixed(1)} MB / ${(r.budgetBytes / 1024 / 1024).toFixed(0)} MB (${r.budgetPeakBytes <= r.budgetBytes ? 'within' : '**over**'}) |
| RSS before / after the phase | ${r.rssBeforeMB.toFixed(0)} MB / ${r.rssAfterMB.toFixed(0)} MB (${within ? 'within' : '**outside**'} 20%) |
| main server answers afterwards | ${r.mainServerAnswers ? 'yes' : '**no**'} |

| attack | sent | answers (error codes; WebSocket close codes) |
|---|---|---|
${rows.join('\n')}
`;
}
