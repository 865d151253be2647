import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
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
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=rhev-graphql test CA',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  const ext = join(dir, 'ext.cnf');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`]);
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    ext,
  );
  sim = await simulator({
    vms: 5,
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')), ca: readFileSync(join(dir, 'ca.pem')) },
  });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** GET over HTTPS without verifying (as a client does before it has the CA). */
function fetchUnverified(url: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    }).on('error', reject);
  });
}

describe('TLS', () => {
  const connect = (extra: object) =>
    new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', retries: 0, ...extra });

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

  it('serves its CA at /ca.crt and the PKI resource, and that CA verifies the engine', async () => {
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const crt = await fetchUnverified(`${sim.url}/ca.crt`);
    expect(crt).toMatchObject({ status: 200, type: 'application/x-x509-ca-cert' });
    expect(crt.body).toBe(ca);
    const pki = await fetchUnverified(`${sim.url}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA`);
    expect(pki.body).toBe(ca);
    expect(
      (await fetchUnverified(`${sim.url}/ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY`)).status,
    ).toBe(400);
    const trusting = connect({ ca: crt.body });
    expect((await trusting.getAll('vms')).length).toBeGreaterThan(0);
    await trusting.close();
  });
});
