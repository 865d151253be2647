/**
 * The client on API v4: the dialect found from the entry point or told, SSO
 * tokens (one login, a new token when the engine forgets one, logout on
 * close), and Python-RHEV's calls (getAll, get, actions, waitForStatus, bound
 * sub-collections) answering in v4's shapes. Counted, over HTTP, against the
 * simulator as a 4.3 engine (both dialects) and as a 4.5 one (v4 only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, CredentialsRefused, Fault } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator, stats } from '../helpers.ts';

let both: Simulator;
let v4: Simulator;
let v3: Simulator;
beforeAll(async () => {
  [both, v4, v3] = await Promise.all([
    simulator({ ...SMALL, dialects: 'both' }),
    simulator({ ...SMALL, dialects: 'v4' }),
    simulator(SMALL),
  ]);
});
afterAll(() => Promise.all([both.close(), v4.close(), v3.close()]));

const open = (sim: Simulator, o: Partial<ConstructorParameters<typeof Connection>[0]> = {}) =>
  new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', retries: 0, ...o });

describe('the dialect', () => {
  it('is v4 where the engine offers it, v3 where it is asked for or all there is', async () => {
    const auto = open(both);
    await auto.api();
    expect(auto.dialect).toBe('v4');
    const asked3 = open(both, { apiVersion: 3 });
    await asked3.api();
    expect(asked3.dialect).toBe('v3');
    const old = open(v3);
    await old.api();
    expect(old.dialect).toBe('v3');
    expect((await old.getAll('vms'))[0]).toHaveProperty('status.state');
    await Promise.all([auto.close(), asked3.close(), old.close()]);
  });
});

describe('SSO', () => {
  it('logs in once with a token, gets a new one when the engine forgets it, and logs it out on close', async () => {
    const before = await stats(v4);
    const c = open(v4, { apiVersion: 4 });
    await Promise.all([c.getAll('vms'), c.getAll('hosts'), c.getAll('clusters')]);
    let now = await stats(v4);
    expect(now.tokensIssued - before.tokensIssued).toBe(1);
    expect(now.logins - before.logins).toBe(1);
    v4.engine.sessions.reset(); // the engine forgets every token
    expect(await c.getAll('datacenters')).not.toHaveLength(0);
    now = await stats(v4);
    expect(now.tokensIssued - before.tokensIssued).toBe(2);
    await c.close();
    expect((await stats(v4)).tokensRevoked - before.tokensRevoked).toBe(1);
    expect(v4.engine.sessions.openTokens).toBe(0);
  });

  it('takes the SSO service refusal as refused credentials: 401, why, no password, and not tried again for refusalMs', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const c = new Connection({ url: sim.apiUrl, username: 'user@internal', password: 'secret-wrong', retries: 3, apiVersion: 4 });
      const err = await c.getAll('vms').catch((e: Error) => e);
      expect(err).toBeInstanceOf(CredentialsRefused);
      expect(err).toBeInstanceOf(Fault);
      expect((err as Fault).status).toBe(401);
      expect((err as Fault).code).toBe('UNAUTHENTICATED');
      expect((err as Error).message).toMatch(/SSO service said access_denied: Cannot authenticate user 'user@internal'/);
      expect((err as Error).message).not.toContain('secret-wrong');
      // Ten more calls, at once and one after another, reach the engine not once: the refusal is latched.
      await Promise.all(Array.from({ length: 10 }, () => c.getAll('hosts').catch((e: Error) => e)));
      for (let i = 0; i < 10; i++) expect(await c.getAll('vms').catch((e: Error) => e)).toBeInstanceOf(CredentialsRefused);
      const st = await stats(sim);
      expect(st.failedLogins).toBe(1);
      expect(st.lockedAccounts).toEqual([]);
      await c.close();
    } finally {
      await sim.close();
    }
  });

  it('is a simulator that locks an internal account after 5 failed logins in a row, as aaa-jdbc does by default', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      // Each connection without the latch tries once: the way a server that retried every request would.
      for (let i = 0; i < 5; i++) {
        const c = new Connection({ url: sim.apiUrl, username: 'user@internal', password: `wrong-${i}`, retries: 0, apiVersion: 4 });
        await c.getAll('vms').catch(() => undefined);
        await c.close();
      }
      const st = await stats(sim);
      expect(st.failedLogins).toBe(5);
      expect(st.lockouts).toBe(1);
      expect(st.lockedAccounts).toEqual(['user@internal']);
      // Locked, the right password is refused too, in the engine's words.
      const right = new Connection({ url: sim.apiUrl, username: 'user@internal', password: 'user', retries: 0, apiVersion: 4 });
      const err = await right.getAll('vms').catch((e: Error) => e);
      expect((err as Error).message).toMatch(/The user is either locked or disabled/);
      await right.close();
    } finally {
      await sim.close();
    }
  });
});

describe('a hostile SSO service', () => {
  it('refuses a token that could not go into a header, and never sends it', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const fake = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url?.startsWith('/ovirt-engine/sso/')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'abc\r\nX-Evil: 1' }));
      } else res.writeHead(200, { 'content-type': 'application/xml' }).end('<api/>');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(fake.address() as { port: number }).port}/ovirt-engine/api`;
    const c = new Connection({ url, username: 'admin@internal', password: 'admin', apiVersion: 4, retries: 0 });
    try {
      await expect(c.api()).rejects.toThrow(/SSO service refused to log in/);
      expect(seen.filter((l) => !l.includes('/sso/'))).toEqual([]);
    } finally {
      await c.close();
      fake.close();
    }
  });
});

describe("Python-RHEV's calls on v4", () => {
  it('lists, gets, follows sub-collections, runs actions and waits for statuses', async () => {
    const c = open(both);
    const vms = await c.getAll('vms', { search: 'status=up' });
    expect(vms.length).toBeGreaterThan(0);
    const vm: any = vms[0];
    expect(vm.status).toBe('up');
    expect(c.getLinks(vm)).toContain('diskattachments');
    const attachments = await vm.diskattachments();
    expect(attachments[0].disk.id).toBeTypeOf('string');
    const again: any = await c.get('vms', { id: vm.id });
    expect(again.name).toBe(vm.name);
    await vm.stop();
    expect(await c.waitForStatus(vm, 'down', { timeout: 10, intervalMs: 20 })).toBe(true);
    expect((await c.get<any>('vms', { id: vm.id }))!.status).toBe('down');
    // detail= is v3's way to batch sub-collections; on v4 the client asks with follow=.
    const before = (await stats(both)).byRoute;
    const withDisks: any[] = await c.getAll('vms', { detail: ['disk_attachments.disk', 'nics'], max: 3 });
    const after = (await stats(both)).byRoute;
    expect(withDisks).toHaveLength(3);
    expect((after['GET /vms'] ?? 0) - (before['GET /vms'] ?? 0)).toBe(1);
    const inlined = await withDisks[0].diskattachments();
    expect(inlined[0].disk.provisioned_size).toBeGreaterThan(0);
    expect((await stats(both)).byRoute).toEqual(after);
    // Methods from the model's operations (v4 has no RSDL), without asking the engine.
    const asked = (await stats(both)).requests;
    expect((await c.getMethods('vms')).sort()).toEqual(['GET', 'POST']);
    expect((await c.getMethods(vm)).sort()).toEqual(['DELETE', 'GET', 'PUT']);
    expect((await stats(both)).requests).toBe(asked);
    const hosts = await c.getAll('hosts', { name: 'host01' });
    expect(hosts).toHaveLength(1);
    await c.close();
  });
});
