import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, ConnectionError } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator } from '../helpers.ts';

// A CA and a server certificate for 127.0.0.1, made fresh for this run.
let dir: string;
let sim: Simulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rhev-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=rhev-graphql test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  const ext = join(dir, 'ext.cnf');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`]);
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', ext);
  sim = await simulator({ vms: 5, tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) } });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  const connect = (extra: object) => new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', retries: 0, ...extra });

  it('verifies the engine certificate against a CA file', async () => {
    expect(sim.apiUrl).toMatch(/^https:/);
    const c = connect({ caFile: join(dir, 'ca.pem') });
    expect((await c.getAll('vms')).length).toBeGreaterThan(0);
    await c.close();
  });

  it('refuses an engine whose certificate it cannot verify, unless told to be insecure', async () => {
    const strict = connect({});
    const e = await strict.api().catch((x) => x);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).toMatch(/certificate/i);
    await strict.close();
    const loose = connect({ insecure: true });
    expect((await loose.api()).product_info?.vendor).toBe('Red Hat');
    await loose.close();
  });
});
