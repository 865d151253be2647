/**
 * Browser dashboards on other origins: with `corsOrigins`, a listed origin's
 * preflight is answered and its answers carry Access-Control-Allow-Origin;
 * any other origin gets neither; with none listed (the default) nobody does.
 * Apollo's CSRF prevention still refuses a request a browser could send
 * without a preflight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stack } from './helpers.ts';

const DASH = 'http://dash.example.com';
let open: Stack;
let closed: Stack;
beforeAll(async () => {
  [open, closed] = await Promise.all([stack({ vms: 5 }, { corsOrigins: [DASH] }), stack({ vms: 5 })]);
});
afterAll(() => Promise.all([open.close(), closed.close()]));

const preflight = (s: Stack, origin: string) =>
  fetch(s.server.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });

const post = (s: Stack, origin: string) =>
  fetch(s.server.url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ vms(max: 1) { name } }' }),
  });

describe('CORS', () => {
  it('answers a listed origin its preflight, and its requests with the origin allowed', async () => {
    const pre = await preflight(open, DASH);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(DASH);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const res = await post(open, DASH);
    expect(res.headers.get('access-control-allow-origin')).toBe(DASH);
    expect(((await res.json()) as any).data.vms).toHaveLength(1);
  });

  it('allows no other origin, and none at all by default', async () => {
    expect((await preflight(open, 'http://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await post(open, 'http://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(closed, DASH)).headers.get('access-control-allow-origin')).toBeNull();
    expect((await post(closed, DASH)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps CSRF prevention: a request a browser sends without a preflight is refused', async () => {
    const simple = await fetch(`${open.server.url}?query=${encodeURIComponent('{ vms { name } }')}`, { headers: { origin: DASH } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF|preflight/i);
  });
});
