/**
 * The subgraph over TLS (server/listener.ts): HTTPS and WSS with a
 * certificate signed by a CA made here, and mutual TLS with a client CA:
 * a caller presenting a certificate that CA signed is served over both
 * transports; one without a certificate, or with another CA's, never gets
 * past the handshake.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SMALL } from '../helpers.ts';
import { TestCa } from '../tls-ca.ts';
import { type Stack, stack } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhev-graphql-tls-'));
const file = (name: string) => readFileSync(join(dir, name));

let s: Stack;
beforeAll(async () => {
  const ca = new TestCa(dir, 'test');
  ca.sign('server', 'server');
  ca.sign('router', 'client');
  new TestCa(dir, 'other').sign('stranger', 'client');
  s = await stack(SMALL, {
    tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), clientCaFile: join(dir, 'test-ca.pem') },
  });
}, 60_000);
afterAll(() => s?.close());

/** A query over HTTPS, trusting the test CA, presenting `client`'s certificate if given. */
function ask(client?: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      s.server.url,
      {
        method: 'POST',
        ca: file('test-ca.pem'),
        ...(client ? { cert: file(`${client}.pem`), key: file(`${client}.key`) } : {}),
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(JSON.stringify({ query: '{ api { time } }' }));
  });
}

describe('HTTPS and WSS with mutual TLS', () => {
  it('serves at https:// and wss:// URLs', () => {
    expect(s.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(s.server.wsUrl).toMatch(/^wss:\/\//);
  });

  it('answers a caller presenting a certificate the client CA signed', async () => {
    const r = await ask('router');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body!).data.api.time).toBeTruthy();
  });

  it("refuses, in the handshake, a caller without a certificate or with another CA's", async () => {
    expect((await ask()).error).toBeTruthy();
    expect((await ask('stranger')).error).toBeTruthy();
  });

  it('runs operations over WSS for a caller with a certificate, and none for one without', async () => {
    const socket = (client?: string) =>
      class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, {
            ca: file('test-ca.pem'),
            ...(client ? { cert: file(`${client}.pem`), key: file(`${client}.key`) } : {}),
          });
        }
      };
    const run = (client?: string) =>
      new Promise<unknown>((resolve) => {
        const c = createClient({ url: s.server.wsUrl, webSocketImpl: socket(client), retryAttempts: 0 });
        c.subscribe(
          { query: '{ api { time } }' },
          {
            next: (v) => {
              void c.dispose();
              resolve(v);
            },
            error: (e) => {
              void c.dispose();
              resolve({ failed: String((e as Error).message ?? e) });
            },
            complete: () => {},
          },
        );
      });
    expect(await run('router')).toMatchObject({ data: { api: { time: expect.any(String) } } });
    expect(await run()).toHaveProperty('failed');
  });
});
