/**
 * Health and the start-up look at the engine: a misconfigured engine is told
 * in plain words (nothing there, an HTML page, a path that is not an API's,
 * refused credentials, an untrusted certificate), `/health/ready` answers 503
 * until the engine answers as one, `/health/live` answers while the process
 * serves, and the server says once at start what is wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEngine } from '../../src/server/engine-check.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator, until } from '../helpers.ts';
import { collect, gql, post, stack, wsClient } from './helpers.ts';

let sim: Simulator;
let nginx: Server;
let nginxUrl: string;
beforeAll(async () => {
  sim = await simulator({ ...SMALL, dialects: 'both' });
  // What a web server that is not an engine answers: an HTML page, or 404 elsewhere.
  nginx = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404</html>');
  });
  await new Promise<void>((r) => nginx.listen(0, '127.0.0.1', r));
  nginxUrl = `http://127.0.0.1:${(nginx.address() as { port: number }).port}`;
});
afterAll(async () => {
  await sim.close();
  nginx.close();
});

const admin = { username: 'admin@internal', password: 'admin' };

describe('the look at the engine', () => {
  it('finds an engine and the dialect it speaks', async () => {
    const c = await checkEngine({ url: sim.apiUrl, ...admin });
    expect(c).toMatchObject({ ok: true, dialect: 'v4', status: 200 });
    expect((await checkEngine({ url: `${sim.apiUrl}/v3`, ...admin })).dialect).toBe('v3');
    // Without a service account, an engine's challenge is enough.
    expect((await checkEngine({ url: sim.apiUrl })).ok).toBe(true);
  });

  it('says in plain words what is wrong, and what is likely right', async () => {
    const html = await checkEngine({ url: `${nginxUrl}/`, ...admin });
    expect(html.ok).toBe(false);
    expect(html.says).toMatch(
      /answers with an HTML page, not an engine's API; the API is likely at http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api/,
    );
    const path = await checkEngine({ url: `${sim.url}/ovirt-engine/nothing`, ...admin });
    expect(path.says).toMatch(/\(404\): not an engine's API path; the API is likely at .*\/ovirt-engine\/api$/);
    const refused = await checkEngine({ url: sim.apiUrl, username: 'admin@internal', password: 'wrong' });
    expect(refused).toMatchObject({ ok: false, status: 401 });
    expect(refused.says).toMatch(/refused the credentials of admin@internal/);
    expect(refused.says).not.toContain('wrong');
    const nothing = await checkEngine({ url: 'http://127.0.0.1:1/ovirt-engine/api', ...admin });
    expect(nothing.says).toMatch(/cannot reach 127\.0\.0\.1:1/);
  });

  it('says when the certificate is not trusted, and where the engine serves its CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhev-health-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=127.0.0.1');
    const tls = await simulator({ vms: 2, tls: { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) } });
    try {
      const c = await checkEngine({ url: tls.apiUrl, ...admin });
      expect(c.ok).toBe(false);
      expect(c.says).toMatch(/certificate of 127\.0\.0\.1:\d+ is not trusted .*--rhev-ca-file .*pki-resource\?resource=ca-certificate/);
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('/health', () => {
  it('is live and ready in front of an engine, and says so', async () => {
    const s = await stack(SMALL);
    try {
      const base = s.server.url.replace(/graphql$/, 'health');
      expect((await fetch(`${base}/live`)).status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
    } finally {
      await s.close();
    }
  });

  it('is live but not ready in front of a web page, and the log says why once', async () => {
    const lines: { level: string; obj: any; msg?: string }[] = [];
    const logger = {
      info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
      error: (obj: object, msg?: string) => lines.push({ level: 'error', obj, msg }),
      debug: () => {},
    };
    const s = await stack(SMALL, { engine: { url: `${nginxUrl}/` }, logger: logger as never });
    try {
      const base = s.server.url.replace(/graphql$/, 'health');
      expect((await fetch(`${base}/live`)).status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { engine: string }).engine).toMatch(/HTML page/);
      const warned = lines.filter((l) => l.level === 'warn' && /engine not ready/.test(l.msg ?? ''));
      expect(warned).toHaveLength(1);
      expect(warned[0].obj.engine).toMatch(/likely at .*\/ovirt-engine\/api/);
      // Operations say the same, on both transports, instead of failing somewhere below: 503, coded.
      const res = await post(s, '{ vms { name } }');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      const r = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      expect(r.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(r.errors?.[0]?.message).toMatch(/^The engine is not ready: .*HTML page/);
      const client = wsClient(s);
      try {
        const { error } = await collect(client, 'query { vms { name } }', {}, 5000);
        expect(JSON.stringify(error)).toMatch(/The engine is not ready.*UPSTREAM_UNAVAILABLE/);
      } finally {
        await client.dispose();
      }
    } finally {
      await s.close();
    }
  });

  it('with a refused service account: unready when it serves callers, ready when callers bring their own credentials', async () => {
    const wrong = { username: 'admin@internal', password: 'wrong' };
    for (const [anonymous, status] of [
      ['service-account', 503],
      ['refuse', 200],
    ] as const) {
      const s = await stack(SMALL, { anonymous, engine: wrong });
      try {
        const ready = await fetch(s.server.url.replace(/graphql$/, 'health/ready'));
        const body = (await ready.json()) as { engine: string };
        expect(ready.status, anonymous).toBe(status);
        expect(body.engine).toMatch(/refused the credentials of admin@internal/);
        if (anonymous === 'refuse') {
          expect(body.engine).toMatch(/ready, as callers bring their own credentials/);
          // And a caller with their own credentials is served.
          expect((await gql(s, '{ api { time } }', undefined, { username: 'user@internal', password: 'user' })).errors).toBeUndefined();
        }
      } finally {
        await s.close();
      }
    }
  });

  it('answers 503 with the same code when nothing answers at the engine URL, and serves again once it does', async () => {
    const first = await simulator(SMALL);
    const { port } = new URL(first.url);
    const url = first.apiUrl;
    await first.close();
    // A server started while its engine is down (its own simulator is not the one it is pointed at).
    const s = await stack(SMALL, { engine: { url } });
    try {
      const res = await post(s, '{ vms { name } }');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(body.errors[0].message).toMatch(/The engine is not ready: cannot reach/);
      const back = await simulator({ ...SMALL, port: Number(port) });
      try {
        await until(async () => ((await gql(s, '{ vms { name } }')).data?.vms?.length ?? 0) > 0, 10_000);
      } finally {
        await back.close();
      }
    } finally {
      await s.close();
    }
  });
});
