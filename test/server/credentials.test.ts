/**
 * Credentials: what is held for each is bounded and let go (idle eviction,
 * a cap with least-recently-used eviction, sessions logged out); nothing
 * lasting is made for credentials the engine refused, and they are not tried
 * again for a while; anonymous callers are served as the service account
 * only when that was chosen, and the banner says which.
 */
import { describe, expect, it } from 'vitest';
import { command } from '../command.ts';
import { stats } from '../helpers.ts';
import { gql, stack } from './helpers.ts';

const ADMIN = { username: 'admin@internal', password: 'admin' };
const USER = { username: 'user@internal', password: 'user' };

describe('the credential pool', () => {
  it('holds at most maxCredentials, evicting the least recently used and logging its engine session out', async () => {
    const s = await stack({ vms: 10 }, { anonymous: 'refuse', limits: { maxCredentials: 1 } });
    try {
      expect((await gql(s, '{ vms { id } }', undefined, ADMIN)).errors).toBeUndefined();
      expect((await stats(s.sim)).openSessions).toBe(1);
      expect((await gql(s, '{ vms { id } }', undefined, USER)).errors).toBeUndefined();
      expect(s.server.pool.size).toBe(1);
      // The admin's session was ended when its holder was evicted; only the user's is open.
      await new Promise((r) => setTimeout(r, 200));
      expect((await stats(s.sim)).openSessions).toBe(1);
      const evictions = await s.server.metrics.registry.getSingleMetricAsString('rhev_credential_evictions_total');
      expect(evictions).toMatch(/reason="capacity"\} 1/);
    } finally {
      await s.close();
    }
  });

  it('evicts credentials idle for credentialIdleMs and logs their sessions out', async () => {
    const s = await stack({ vms: 10 }, { anonymous: 'refuse', limits: { credentialIdleMs: 60_000 } });
    try {
      await gql(s, '{ vms { id } }', undefined, ADMIN);
      await gql(s, '{ vms { id } }', undefined, USER);
      expect(s.server.pool.size).toBe(2);
      s.server.pool.sweep(Date.now() + 60_000);
      expect(s.server.pool.size).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect((await stats(s.sim)).openSessions).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('300 wrong credentials leave nothing held and no engine sockets open; each costs the engine one failed login at most, once', async () => {
    const s = await stack({ vms: 10 }, { anonymous: 'refuse' });
    try {
      await gql(s, '{ vms { id } }', undefined, ADMIN);
      const sockets = (await stats(s.sim)).openConnections;
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      for (let i = 0; i < 300; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            gql(s, '{ vms { id } }', undefined, { username: `guess${i + k}@internal`, password: 'x' }).then((r) =>
              expect(r.errors![0].extensions!.code).toBe('UNAUTHENTICATED'),
            ),
          ),
        );
      }
      expect(s.server.pool.size).toBe(1);
      expect((await stats(s.sim)).failedLogins).toBe(300);
      // The same wrong credentials again are answered here, without the engine.
      for (let i = 0; i < 10; i++) await gql(s, '{ vms { id } }', undefined, { username: 'guess0@internal', password: 'x' });
      expect((await stats(s.sim)).failedLogins).toBe(300);
      // Their connections to the engine are closed: the engine sees no more sockets than before.
      await new Promise((r) => setTimeout(r, 300));
      expect((await stats(s.sim)).openConnections).toBeLessThanOrEqual(sockets + 1);
    } finally {
      await s.close();
    }
  });
});

describe('anonymous callers', () => {
  it('are refused with 401 and a Basic challenge unless the service account was chosen for them', async () => {
    const s = await stack({ vms: 3 }, { anonymous: 'refuse' });
    try {
      const res = await fetch(s.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ vms { id } }' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await gql(s, '{ vms { id } }', undefined, ADMIN)).errors).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('serve against a configured engine refuses them by default, says so, and never prints a password from the URL', async () => {
    const sim = await stack({ vms: 3 });
    const engineUrl = sim.sim.apiUrl.replace('http://', 'http://admin%40internal:s3cr3t-in-url@');
    const { child, exited, waitFor } = command(['serve', '--port', '0', '--rhev-url', engineUrl, '--log-level', 'silent'], {
      RHEV_URL: '',
      RHEV_ANONYMOUS: '',
    });
    try {
      const out = await waitFor(/Anonymous:/);
      expect(out).toMatch(/Anonymous:\s+refused/);
      expect(out).not.toContain('s3cr3t-in-url');
      const url = /subgraph at (\S+)/.exec(out)![1];
      const anon = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ vms { id } }' }),
      });
      expect(anon.status).toBe(401);
      // Credentials in the URL become the service account; a caller's own are served as theirs.
      expect(out).toContain('as admin@internal');
      const own = await gql({ url } as never, '{ vms { id } }', undefined, ADMIN);
      expect(own.data.vms.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await sim.close();
    }
  });
});
