/**
 * OpenTelemetry traces (server/tracing.ts), received by a collector of the
 * test's own speaking OTLP/HTTP: a span per operation, named for it, with a
 * child span per engine request it started (route templates, no ids), all
 * in one trace; the spans reach the collector by the time the server has
 * closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, stack } from '../server/helpers.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const received: OtlpSpan[] = [];
let collector: Server;
let endpoint: string;
beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) received.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => collector.close(r)));

describe('traces', () => {
  it('a span per operation, with the engine requests it made as its children, in one trace', async () => {
    const s = await stack({ vms: 5, dialects: 'v4' }, { tracing: { endpoint } });
    try {
      const r = await gql(s, 'query Dashboard { vms { name cluster { name } } }');
      expect(r.errors).toBeUndefined();
    } finally {
      await s.close(); // flushes the spans
    }
    const op = received.find((x) => x.name === 'query Dashboard');
    expect(op).toBeDefined();
    const children = received.filter((x) => x.parentSpanId === op!.spanId);
    expect(children.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['GET /vms']));
    expect(children.every((c) => c.traceId === op!.traceId && !/[0-9a-f]{8}-[0-9a-f]{4}/.test(c.name))).toBe(true);
    const attr = (x: OtlpSpan, k: string) => x.attributes.find((a) => a.key === k)?.value;
    expect(attr(children[0], 'http.response.status_code')?.intValue).toBeDefined();
    expect(String(attr(op!, 'rhev.engine_requests')?.intValue)).toBe(String(children.length));
  });
});
