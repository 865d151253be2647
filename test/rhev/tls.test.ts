import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, ConnectionError } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator } from '../helpers.ts';
import { TestCa } from '../tls-ca.ts';

// A CA and a server certificate for 127.0.0.1, made fresh for this run.
let dir: string;
let sim: Simulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rhev-tls-'));
  const ca = new TestCa(dir, 'ca');
  const server = ca.sign('server', 'server');
  sim = await simulator({
    vms: 5,
    tls: { key: readFileSync(server.keyFile), cert: readFileSync(server.certFile), ca: readFileSync(ca.caFile) },
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
    const c = connect({ caFile: join(dir, 'ca-ca.pem') });
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
    const ca = readFileSync(join(dir, 'ca-ca.pem'), 'utf8');
    const crt = await fetchUnverified(`${sim.url}/ca.crt`);
    expect(crt).toMatchObject({ status: 200, type: 'application/x-x509-ca-cert' });
    expect(crt.body).toBe(ca);
    const pki = await fetchUnverified(`${sim.url}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA`);
    expect(pki.body).toBe(ca);
    // The engine's SSH public key is its certificate key's public half, as OpenSSH writes it.
    const ssh = await fetchUnverified(`${sim.url}/ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY`);
    expect(ssh).toMatchObject({ status: 200, type: 'text/plain' });
    expect(sshRsaKey(ssh.body)).toEqual(rsaOf(readFileSync(join(dir, 'server.pem'), 'utf8')));
    const bad = await fetchUnverified(`${sim.url}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=PKCS12`);
    expect(bad.status).toBe(400);
    const trusting = connect({ ca: crt.body });
    expect((await trusting.getAll('vms')).length).toBeGreaterThan(0);
    await trusting.close();
  });
});

/** n and e of an `ssh-rsa` line, read back field by field (RFC 4253 §6.6), as hex. */
function sshRsaKey(line: string): { n: string; e: string } {
  const [kind, b64] = line.trim().split(' ');
  expect(kind).toBe('ssh-rsa');
  const blob = Buffer.from(b64, 'base64');
  const fields: Buffer[] = [];
  for (let at = 0; at < blob.length; ) {
    const len = blob.readUInt32BE(at);
    fields.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  expect(fields[0].toString()).toBe('ssh-rsa');
  const hex = (b: Buffer) => b.toString('hex').replace(/^(00)+/, '');
  return { e: hex(fields[1]), n: hex(fields[2]) };
}

/** n and e of a certificate's RSA key, as hex. */
function rsaOf(certPem: string): { n: string; e: string } {
  const jwk = new X509Certificate(certPem).publicKey.export({ format: 'jwk' });
  const hex = (b64: string) =>
    Buffer.from(b64, 'base64url')
      .toString('hex')
      .replace(/^(00)+/, '');
  return { e: hex(jwk.e!), n: hex(jwk.n!) };
}
