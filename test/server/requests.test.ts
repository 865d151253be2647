/**
 * The smaller holes of issue 21.8, each through a real socket or request:
 * credentials that could be read as someone else's, control characters in
 * Basic credentials, a body dribbled in to hold a socket, and a persisted
 * query whose hash does not match its text.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialKey } from '../../src/server/refusals.ts';
import { stats } from '../helpers.ts';
import { type Stack, stack } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 3 }, { anonymous: 'refuse', limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
});
afterAll(() => s.close());

const post = (headers: Record<string, string>, body: object) =>
  fetch(s.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('credentials', () => {
  it('have keys no other user name and password share', () => {
    // Joined with a separator, these two would be one key.
    expect(credentialKey(false, 'admin@internal\0admin', '')).not.toBe(credentialKey(false, 'admin@internal', 'admin\0'));
    expect(credentialKey(false, 'a:b', 'c')).not.toBe(credentialKey(false, 'a', 'b:c'));
    expect(credentialKey(true, 'admin@internal', 'admin')).not.toBe(credentialKey(false, 'admin@internal', 'admin'));
    expect(credentialKey(false, 'admin@internal', 'admin')).not.toContain('admin');
  });

  it('with control characters are a 400, and never reach the engine', async () => {
    await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
    for (const [user, pw] of [
      ['admin@internal\0', 'admin'],
      ['admin@internal', 'admin\r\nX-Injected: 1'],
      ['admin@internal', 'a\u007fb'],
    ]) {
      const res = await post({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` }, { query: '{ vms { id } }' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    const st = await stats(s.sim);
    expect(st.requests + st.failedLogins).toBe(0);
  });
});

describe('a request dribbled in', () => {
  it('is cut at requestTimeoutMs, not held for minutes', async () => {
    const { port } = new URL(s.server.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n`);
        const t = setInterval(() => socket.write('          '), 200);
        socket.on('close', () => {
          clearInterval(t);
          resolve(Date.now() - started);
        });
        socket.on('error', () => undefined);
        // A bound on the test itself: the server must have cut it long before this.
        setTimeout(() => socket.destroy(), 20_000).unref();
      });
    });
    expect(closedAfter).toBeLessThan(10_000);
  }, 30_000);
});

describe('a persisted query', () => {
  it('whose hash does not match its text is a client error with a client code', async () => {
    const query = '{ vms { id } }';
    const wrong = createHash('sha256').update('{ hosts { id } }').digest('hex');
    const res = await post(
      { authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}` },
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/sha does not match/i);
  });
});
