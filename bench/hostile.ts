/**
 * The soak's hostile phase: for a bounded time, everything a stranger or a
 * hostile engine can throw at the server at once, while the server keeps
 * serving. The attackers and the hostile fake engines run in a process of
 * their own (bench/hostile-peer.ts), so this process holds only servers and
 * its memory is theirs: oversized and endless answers, links to a foreign
 * origin, slow dribbles and hangs below a list reach a server in front of
 * the fake engines; WebSocket floods (oversized messages, limit-breaking
 * documents, connect-and-drop) and wrong credentials reach the main server
 * over the simulator. It measures what docs/reliability.md promises: no
 * crash, no answer past its deadline, no request to a foreign origin, at
 * most one failed engine login per refused WebSocket, and memory back
 * within 20%.
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

export interface HostileResult extends PeerReport {
  seconds: number;
  failedLogins: number;
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
      limits: { maxResponseBytes: 8 * 1024 * 1024, operationTimeoutMs: DEADLINE_MS },
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
  const failedLogins = ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { failedLogins: number }).failedLogins;
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
  return { ...report, seconds, failedLogins, rssBeforeMB, rssAfterMB, mainServerAnswers: !answer.errors };
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
documents over the depth limit, sockets dropped mid-handshake, and wrong credentials over HTTP and
WebSocket (20 user names, one password). The hostile engine is a fake engine of our own on
loopback, behind a second server with a ${DEADLINE_MS} ms operation deadline. Memory is compared from
after setting up to after the attacks, with a forced collection before each reading.

| | |
|---|---|
| crashes | **${r.crashes}** |
| answers later than the deadline + ${SLACK_MS} ms | **${r.hangs}** |
| requests (and so credentials) sent to the foreign origin | **${r.foreignRequests}** |
| WebSockets refused for wrong credentials / failed engine logins | ${r.refusedSockets} / ${r.failedLogins} (**${r.refusedSockets ? (r.failedLogins / r.refusedSockets).toFixed(3) : '0'}** per refused socket) |
| RSS before / after the phase | ${r.rssBeforeMB.toFixed(0)} MB / ${r.rssAfterMB.toFixed(0)} MB (${within ? 'within' : '**outside**'} 20%) |
| main server answers afterwards | ${r.mainServerAnswers ? 'yes' : '**no**'} |

| attack | sent | answers (error codes; WebSocket close codes) |
|---|---|---|
${rows.join('\n')}
`;
}
