/**
 * What operators watch: the request id that ties a caller's request to the
 * server's log line (taken from `x-request-id` or made, and sent back), the
 * operation duration histogram, build info and engine-up gauges, the SSO
 * login under a route of its own, the shutdown lines; and the Grafana
 * dashboard and Prometheus alerts in deploy/, which may use only metrics the
 * server exports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parse as parseYaml } from 'yaml';
import { type Stack, stack } from '../server/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Line {
  obj: Record<string, unknown>;
  msg?: string;
}
const lines: Line[] = [];
const logger = {
  info: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }),
  warn: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }),
  error: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }),
  debug: () => {},
};
const operations = () => lines.filter((l) => l.msg === 'operation');

let s: Stack;
beforeAll(async () => {
  // Given a Redis nobody listens on: the server works on its own, and exports the shared metrics the alerts use.
  s = await stack({ vms: 5, dialects: 'v4' }, { logger: logger as never, shared: { redisUrl: 'redis://127.0.0.1:9' } });
});
afterAll(() => s?.close());

const post = (headers: Record<string, string> = {}) =>
  fetch(s.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: 'query Names { vms { name } }' }),
  });

describe('request ids', () => {
  it("takes the caller's x-request-id, sends it back and writes it in the operation's log line", async () => {
    const res = await post({ 'x-request-id': 'dash-42.a' });
    expect(res.headers.get('x-request-id')).toBe('dash-42.a');
    expect(operations().at(-1)?.obj).toMatchObject({ requestId: 'dash-42.a', operation: 'Names' });
  });

  it('makes one when the caller sends none or one that is not a plain token', async () => {
    for (const headers of [{}, { 'x-request-id': 'two words' }, { 'x-request-id': 'x'.repeat(200) }] as Record<string, string>[]) {
      const res = await post(headers);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(operations().at(-1)?.obj.requestId).toBe(id);
    }
  });

  it("ties a WebSocket operation to its socket's upgrade request and its message id", async () => {
    const socket = new WebSocket(s.server.wsUrl, 'graphql-transport-ws', { headers: { 'x-request-id': 'ws-7' } });
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((r) => socket.once('message', r));
    socket.send(JSON.stringify({ id: 'q1', type: 'subscribe', payload: { query: '{ api { time } }' } }));
    await new Promise<void>((resolve) =>
      socket.on('message', (m) => {
        if (JSON.parse(String(m)).type === 'complete') resolve();
      }),
    );
    socket.close();
    expect(operations().at(-1)?.obj).toMatchObject({ requestId: 'ws-7:q1', transport: 'ws' });
  });
});

describe('metrics', () => {
  it('export operation durations, build info, engine up, and the SSO login under its own route', async () => {
    await post();
    const text = await (await fetch(s.server.url.replace(/graphql$/, 'metrics'))).text();
    expect(text).toMatch(/^rhev_operation_duration_seconds_bucket\{.*transport="http".*type="query".*outcome="ok".*\} \d+/m);
    expect(text).toMatch(/^rhev_build_info\{version="\d+\.\d+\.\d+[^"]*",node="v\d+[^"]*",dialect="v4"\} 1$/m);
    expect(text).toMatch(/^rhev_engine_up 1$/m);
    expect(text).toMatch(/^rhev_upstream_requests_total\{[^}]*route="\/sso\/oauth\/token"[^}]*\} [1-9]/m);
    expect(text).not.toMatch(/route="\/\{other\}"/);
  });

  it('the dashboard and the alerts use only metrics the server exports', async () => {
    const text = await (await fetch(s.server.url.replace(/graphql$/, 'metrics'))).text();
    const exported = new Set(
      [...text.matchAll(/^# TYPE (\S+) (\w+)/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
    );
    const dashboard = JSON.stringify(JSON.parse(readFileSync(`${root}deploy/grafana/rhev-graphql-dashboard.json`, 'utf8')));
    const alerts = JSON.stringify(parseYaml(readFileSync(`${root}deploy/prometheus/rhev-graphql-alerts.yaml`, 'utf8')));
    const used = new Set([...`${dashboard} ${alerts}`.matchAll(/\brhev_[a-z_]+/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((m) => !exported.has(m))).toEqual([]);
  });
});

describe('shutdown', () => {
  it('says when it begins and when it is done', async () => {
    const t = await stack({ vms: 2 }, { logger: logger as never });
    await t.close();
    const msgs = lines.map((l) => l.msg);
    expect(msgs).toContain('stopped');
    expect(msgs.indexOf('stopped')).toBeGreaterThan(
      msgs.lastIndexOf('shutting down: no new operations; ending subscriptions and engine sessions'),
    );
  });
});
