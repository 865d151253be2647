/**
 * The other side of the soak's hostile phase, in a process of its own so
 * that what it allocates (40 MB answers, 1.2 MB messages) is not counted as
 * the server's memory: it runs the hostile fake engines, then, told where
 * the servers are (one JSON line on stdin), attacks them for the given time
 * and prints what it saw as one JSON line. See bench/hostile.ts.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { hostileEngine } from '../test/server/hostile-engine.ts';

export interface PeerCommand {
  seconds: number;
  deadlineMs: number;
  slackMs: number;
  main: { url: string; wsUrl: string };
  /** The servers in front of engine `a` (behaviour by search) and `b` (links to the collector). */
  upstreamA: string;
  upstreamB: string;
}

export interface PeerReport {
  attacks: Record<string, { sent: number; codes: Record<string, number> }>;
  crashes: number;
  hangs: number;
  refusedSockets: number;
  foreignRequests: number;
  /** Distinct wrong credentials the attacks used (each may reach the engine once a minute). */
  wrongCredentials: number;
}

/** The wrong credentials of the attacks: a mistyped admin, a mistyped user (the v4 storm), twenty strangers. */
const WRONG = [
  { username: 'admin@internal', password: 'guess' },
  { username: 'user@internal', password: 'not-the-password' },
  ...Array.from({ length: 20 }, (_, i) => ({ username: `intruder${i}@internal`, password: 'guess' })),
];
const basicOf = (c: { username: string; password: string }) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

const collector = await hostileEngine();
const a = await hostileEngine({
  routes: { disks: { kind: 'hang' } },
  searches: {
    huge: { kind: 'huge', bytes: 40 * 1024 * 1024 },
    large: { kind: 'huge', bytes: 6 * 1024 * 1024 },
    endless: { kind: 'endless' },
    dribble: { kind: 'dribble', everyMs: 200 },
  },
});
const b = await hostileEngine({ linkOrigin: collector.origin });
process.stdout.write(`${JSON.stringify({ a: a.apiUrl, b: b.apiUrl })}\n`);

const lines = createInterface({ input: process.stdin });
const command = JSON.parse(await new Promise<string>((r) => lines.once('line', r))) as PeerCommand;
const report: PeerReport = { attacks: {}, crashes: 0, hangs: 0, refusedSockets: 0, foreignRequests: 0, wrongCredentials: WRONG.length };
const note = (attack: string, codes: string[], ms?: number) => {
  const x = (report.attacks[attack] ??= { sent: 0, codes: {} });
  x.sent++;
  for (const c of codes.length ? codes : ['NONE']) x.codes[c] = (x.codes[c] ?? 0) + 1;
  if (ms !== undefined && ms > command.deadlineMs + command.slackMs) report.hangs++;
};

async function post(url: string, query: string, auth?: string): Promise<{ ms: number; codes: string[] }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - t0, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE') };
}

/** A raw graphql-transport-ws socket: connection_init, then `after` once acknowledged; resolves with the close code (or the refused upgrade's HTTP status). */
function socketRound(
  url: string,
  init: object | undefined,
  after: (ws: WebSocket) => void,
  headers?: Record<string, string>,
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(res.statusCode ?? -1);
    });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(-1);
    }, 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: init })));
    ws.on('message', (m) => {
      if (JSON.parse(String(m)).type === 'connection_ack') after(ws);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', () => undefined);
  });
}

const end = Date.now() + command.seconds * 1000;
const loop = async (fn: () => Promise<void>) => {
  while (Date.now() < end) {
    try {
      await fn();
    } catch {
      // A refused connection or a reset means a server went down.
      report.crashes++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};
const upstreamAttacks: [string, string, string][] = [
  ['oversized answers', command.upstreamA, '{ vms(search: "huge") { name } }'],
  ['endless answers', command.upstreamA, '{ vms(search: "endless") { name } }'],
  ['slow dribbles', command.upstreamA, '{ vms(search: "dribble") { name } }'],
  ['hangs below a list', command.upstreamA, '{ vms { name disks { name } } }'],
  ['foreign links', command.upstreamB, '{ vms { name } }'],
];
const big = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ api { time } } # ${'x'.repeat(1_200_000)}` } });
const deep = JSON.stringify({
  id: '2',
  type: 'subscribe',
  payload: { query: `{ vms { ${'cluster { dataCenter { clusters { '.repeat(10)}name${' } } }'.repeat(10)} } }` },
});
const wrongAuth = basicOf(WRONG[0]);
const ws = command.main.wsUrl;
const vmIds = (
  (await (
    await fetch(command.main.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ vms(max: 10) { id } }' }),
    })
  ).json()) as { data: { vms: { id: string }[] } }
).data.vms.map((v) => v.id);
const SUB = 'subscription($id: ID!) { vmStatus(id: $id) { state } }';

/** Subscribe, complete and subscribe again under one id, fast, then close: nothing may outlive the socket. */
const churn = (s: WebSocket) => {
  for (let k = 0; k < 100; k++) {
    s.send(JSON.stringify({ id: 'c0', type: 'subscribe', payload: { query: SUB, variables: { id: vmIds[k % vmIds.length] } } }));
    s.send(JSON.stringify({ id: 'c0', type: 'complete' }));
  }
  s.send(JSON.stringify({ id: 'c0', type: 'subscribe', payload: { query: SUB, variables: { id: vmIds[0] } } }));
  setTimeout(() => s.close(), 100);
};

// HOSTILE_ONLY=<part of a name> runs only the matching attacks (to find which one costs what).
const only = process.env.HOSTILE_ONLY;
const pick = (name: string, run: () => Promise<void>) => (!only || name.includes(only) ? run() : Promise.resolve());
await Promise.all([
  ...upstreamAttacks.flatMap(([name, url, query]) =>
    [0, 1].map(() =>
      pick(name, () =>
        loop(async () => {
          const r = await post(url, query);
          note(name, r.codes, r.ms);
        }),
      ),
    ),
  ),
  pick('WebSocket: 1.2 MB messages', () =>
    loop(async () => note('WebSocket: 1.2 MB messages', [String(await socketRound(ws, undefined, (s) => s.send(big)))])),
  ),
  pick('WebSocket: limit-breaking documents', () =>
    loop(async () =>
      note('WebSocket: limit-breaking documents', [
        String(
          await socketRound(ws, undefined, (s) => {
            for (let k = 0; k < 50; k++) s.send(deep.replace('"2"', `"d${k}"`));
            setTimeout(() => s.close(), 50);
          }),
        ),
      ]),
    ),
  ),
  pick('WebSocket: connect and drop', () =>
    loop(async () => note('WebSocket: connect and drop', [String(await socketRound(ws, undefined, (s) => s.terminate()))])),
  ),
  pick('WebSocket: wrong credentials', () =>
    loop(async () => {
      const code = await socketRound(ws, WRONG[2 + Math.floor(Math.random() * 20)], (s) => s.close());
      if (code === 4403) report.refusedSockets++;
      note('WebSocket: wrong credentials', [String(code)]);
    }),
  ),
  pick('HTTP: v4 wrong-password storm (10 at once)', () =>
    loop(async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post(command.main.url, '{ vms(max: 1) { name } }', basicOf(WRONG[1]))),
      );
      for (const r of answers) note('HTTP: v4 wrong-password storm (10 at once)', r.codes, r.ms);
    }),
  ),
  pick('WebSocket: wrong password, then a subscription', () =>
    loop(async () => {
      const code = await socketRound(ws, WRONG[1], (s) =>
        s.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: SUB, variables: { id: vmIds[0] } } })),
      );
      if (code === 4403) report.refusedSockets++;
      note('WebSocket: wrong password, then a subscription', [String(code)]);
    }),
  ),
  pick('WebSocket: ids reused after complete', () =>
    loop(async () => note('WebSocket: ids reused after complete', [String(await socketRound(ws, undefined, churn))])),
  ),
  pick('WebSocket: foreign Origin', () =>
    loop(async () =>
      note('WebSocket: foreign Origin', [String(await socketRound(ws, undefined, (s) => s.close(), { origin: 'http://evil.example' }))]),
    ),
  ),
  pick('concurrent large answers (4 credentials)', () =>
    loop(async () => {
      const answers = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          post(command.upstreamA, '{ vms(search: "large") { name } }', basicOf({ username: `u${i}@internal`, password: 'pw' })),
        ),
      );
      for (const r of answers) note('concurrent large answers (4 credentials)', r.codes, r.ms);
    }),
  ),
  pick('HTTP: wrong credentials', () =>
    loop(async () => {
      const r = await post(command.main.url, '{ vms(max: 1) { name } }', wrongAuth);
      note('HTTP: wrong credentials', r.codes, r.ms);
    }),
  ),
]);
report.foreignRequests = collector.requests.length;
process.stdout.write(`${JSON.stringify(report)}\n`);
await Promise.all([a.close(), b.close(), collector.close()]);
process.exit(0);
