/**
 * A wrong password reaches the engine once a minute at most, on every
 * transport and dialect (issue 21.1): the engine's internal domain locks an
 * account after five failed logins in a row, and the simulator does too,
 * so each test here would lock the account if the server tried again.
 *
 * Counted at the simulator (failed logins, locked accounts), through HTTP
 * and WebSocket to a real server, on API v4 (SSO) and v3 (Basic).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Refusals } from '../../src/server/refusals.ts';
import { basic, stats } from '../helpers.ts';
import { rawSocket, type Stack, stack } from './helpers.ts';

const WRONG = { username: 'user@internal', password: 'not-the-password' };

async function post(s: Stack, who: { username: string; password: string } | undefined, query = '{ vms { id } }') {
  const res = await fetch(s.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(who ? { authorization: basic(who.username, who.password) } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as any };
}

for (const dialect of [4, 3] as const) {
  describe(`a wrong password on API v${dialect}`, () => {
    let s: Stack;
    beforeAll(async () => {
      s = await stack({ vms: 5, dialects: 'both' }, { anonymous: 'refuse', engine: { apiVersion: dialect } });
    });
    afterAll(() => s.close());

    it('is 401 with the Basic challenge from the first refusal on, and reaches the engine once for 10 sequential and 30 concurrent requests', async () => {
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await post(s, WRONG));
      answers.push(...(await Promise.all(Array.from({ length: 30 }, () => post(s, WRONG)))));
      for (const a of answers) {
        expect(a.status).toBe(401);
        expect(a.challenge).toMatch(/^Basic/);
        expect(a.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      const st = await stats(s.sim);
      expect(st.failedLogins).toBe(1);
      expect(st.lockedAccounts).toEqual([]);
    });

    it('reaches the engine once when concurrent operations use it with the freshness window on (the default)', async () => {
      // The refusal evicts the credential while operations still use it: they must meet the refusal the
      // connection remembers, not a connection opened anew (which would log in again).
      const windowed = await stack(
        { vms: 5, dialects: 'both' },
        { anonymous: 'refuse', engine: { apiVersion: dialect }, freshnessMs: 2000 },
      );
      try {
        const answers = await Promise.all(Array.from({ length: 10 }, () => post(windowed, WRONG, '{ vmCount }')));
        for (const a of answers) expect(a.status).toBe(401);
        expect((await stats(windowed.sim)).failedLogins).toBe(1);
      } finally {
        await windowed.close();
      }
    });

    it('closes sockets bringing it with 4403, over connection_init and after HTTP alike, with no further engine login', async () => {
      const other = { username: 'admin@internal', password: `wrong-v${dialect}` };
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      const sockets = await Promise.all(Array.from({ length: 8 }, () => rawSocket(s.server.wsUrl, other)));
      for (const { outcome } of sockets) expect(await outcome).toEqual({ ack: false, code: 4403 });
      expect((await post(s, other)).status).toBe(401);
      const later = await rawSocket(s.server.wsUrl, { authorization: basic(other.username, other.password) });
      expect(await later.outcome).toEqual({ ack: false, code: 4403 });
      // Nothing polls with it: a second later the engine has seen one login, and the account is not locked.
      await new Promise((r) => setTimeout(r, 1000));
      const st = await stats(s.sim);
      expect(st.failedLogins).toBe(1);
      expect(st.lockedAccounts).toEqual([]);
      expect((await post(s, { username: 'admin@internal', password: 'admin' })).status).toBe(200);
    });
  });
}

describe('many wrong passwords for one user', () => {
  it('reach the engine 3 times at most (the engine locks at 5), while credentials the engine accepted keep working', async () => {
    const s = await stack({ vms: 3, dialects: 'v4' }, { anonymous: 'refuse' });
    try {
      // The user works through the server first: this credential is known good.
      expect((await post(s, { username: 'user@internal', password: 'user' })).status).toBe(200);
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      for (let i = 0; i < 8; i++) {
        const a = await post(s, { username: i % 2 ? 'USER@internal' : 'user@internal', password: `guess-${i}` });
        expect(a.status).toBe(401);
      }
      const last = await post(s, { username: 'user@internal', password: 'guess-9' });
      expect(last.body.errors[0].message).toMatch(/refused user@internal several times lately/);
      const st = await stats(s.sim);
      expect(st.failedLogins).toBe(3);
      expect(st.lockedAccounts).toEqual([]);
      // The credential the engine accepted is still served, over HTTP and WebSocket.
      expect((await post(s, { username: 'user@internal', password: 'user' })).status).toBe(200);
      const ok = await rawSocket(s.server.wsUrl, { username: 'user@internal', password: 'user' });
      expect((await ok.outcome).ack).toBe(true);
      ok.socket.close();
      // A new one for that user waits, unsent, until the hour is over; other users are untouched.
      const fresh = await rawSocket(s.server.wsUrl, { username: 'user@internal', password: 'another-guess' });
      expect(await fresh.outcome).toEqual({ ack: false, code: 4403 });
      expect((await post(s, { username: 'admin@internal', password: 'admin' })).status).toBe(200);
      expect((await stats(s.sim)).failedLogins).toBe(3);
    } finally {
      await s.close();
    }
  });
});

describe('a socket whose engine does not answer', () => {
  it('is closed with 1013 (try again later), not acknowledged, and polls nothing', async () => {
    const s = await stack({ vms: 3, dialects: 'v4' }, { anonymous: 'refuse' });
    try {
      await s.sim.close();
      const { outcome } = await rawSocket(s.server.wsUrl, { username: 'admin@internal', password: 'admin' });
      const end = await outcome;
      expect(end.ack).toBe(false);
      expect(end.code).toBe(1013);
      expect(end.reason).toMatch(/did not answer/);
    } finally {
      await s.server.close();
    }
  });
});

describe('a refused service account', () => {
  it('is tried once, answered 401 here afterwards, and says in /health/ready when it is tried again', async () => {
    const s = await stack({ vms: 3, dialects: 'v4' }, { anonymous: 'service-account', engine: { password: 'wrong' } });
    try {
      for (let i = 0; i < 12; i++) {
        const a = await post(s, undefined);
        expect(a.status).toBe(401);
        expect(a.body.errors[0].message).toMatch(/refused the service account/);
      }
      const ready = await fetch(s.server.url.replace('/graphql', '/health/ready'));
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { engine: string }).engine).toMatch(/refused the credentials of admin@internal; not tried again/);
      const st = await stats(s.sim);
      expect(st.failedLogins).toBe(1);
      expect(st.lockedAccounts).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('backs off doubling from refusedCredentialMs up to 10 minutes, and starts anew once accepted', () => {
    const r = new Refusals(60_000);
    const waits = Array.from({ length: 6 }, () => r.refuse('service', true, 0));
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
    expect(r.until('service', 599_999)).toBe(600_000);
    r.accepted('service');
    expect(r.refuse('service', true, 0)).toBe(60_000);
    // A caller's refusal is not a backoff: a minute each time.
    expect([r.refuse('caller', false, 0), r.refuse('caller', false, 0)]).toEqual([60_000, 60_000]);
    // Per user name: three refusals within the hour hold back the user's other credentials until the hour is over.
    for (const k of ['k1', 'k2', 'k3']) r.refuse(k, false, 1000, 'CORP\\Alice');
    expect(r.userUntil('alice@corp', 'k4', 2000)).toBe(1000 + 3_600_000);
    expect(r.userUntil('alice@corp', 'k4', 1000 + 3_600_000)).toBeUndefined();
    r.accepted('k5', 'alice@corp', 3000);
    expect(r.userUntil('alice@corp', 'k4', 4000)).toBeUndefined();
  });
});
