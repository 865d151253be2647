/**
 * The engine's PKI, as clients reach it however the engine is served
 * (docs/protocol.md §1): its CA certificate at `/ca.crt` and through the PKI
 * resource service, and the engine's own certificate and SSH public key
 * there too (`resource=engine-certificate`, `format=X509-PEM` or
 * `OPENSSH-PUBKEY`), which ManageIQ reads to recognise an engine.
 *
 * With TLS files the simulator serves those (the engine key's public half as
 * the SSH key). Without, it makes a CA and an engine certificate signed by
 * it on the first request that wants them: a real engine always has its
 * PKI, even when a client reaches it over plain HTTP.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { generate } from 'selfsigned';

export interface Pki {
  readonly caPem: string;
  readonly engineCertPem: string;
  /** The engine key's public half, as OpenSSH writes it (`ssh-rsa AAAA… ovirt-engine`). */
  readonly sshPublicKey: string;
}

export interface TlsFiles {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  readonly ca?: string | Buffer;
}

/** The PKI of an engine with these TLS files, or a new one (CA and engine certificate) when there are none. */
export async function makePki(tls: TlsFiles | undefined, host: string): Promise<Pki> {
  if (tls) {
    return {
      caPem: String(tls.ca ?? tls.cert),
      engineCertPem: String(tls.cert),
      sshPublicKey: openSshPublicKey(createPublicKey(tls.key)),
    };
  }
  const year = (n: number) => new Date(Date.now() + n * 365 * 86_400_000);
  const ca = await generate([{ name: 'commonName', value: `${host}.simulated CA` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: year(10),
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }],
  });
  const engine = await generate([{ name: 'commonName', value: host }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: year(5),
    ca: { key: ca.private, cert: ca.cert },
  });
  return { caPem: ca.cert, engineCertPem: engine.cert, sshPublicKey: openSshPublicKey(createPublicKey(engine.private)) };
}

/** An RSA public key as an OpenSSH `authorized_keys` line (RFC 4253 §6.6: the name, e and n as length-prefixed strings). */
export function openSshPublicKey(key: KeyObject, comment = 'ovirt-engine'): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('The engine key is not an RSA key');
  const field = (b: Buffer) => Buffer.concat([uint32(b.length), b]);
  // An mpint is two's complement: a leading byte with its high bit set needs a zero before it.
  const mpint = (b64: string) => {
    const b = Buffer.from(b64, 'base64url');
    return field(b[0] & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The resources and formats the PKI resource service answers, as (resource, format) -> what and its content type. */
const RESOURCES: Readonly<Record<string, { readonly pick: (p: Pki) => string; readonly type: string }>> = {
  'ca-certificate X509-PEM-CA': { pick: (p) => p.caPem, type: 'application/x-x509-ca-cert' },
  'ca-certificate X509-PEM': { pick: (p) => p.caPem, type: 'application/x-x509-ca-cert' },
  'engine-certificate X509-PEM': { pick: (p) => p.engineCertPem, type: 'application/x-x509-cert' },
  'engine-certificate OPENSSH-PUBKEY': { pick: (p) => `${p.sshPublicKey}\n`, type: 'text/plain' },
};

/** Answers `/ca.crt` or the PKI resource service from the engine's PKI. */
export async function servePki(res: ServerResponse, path: string, query: URLSearchParams, pki: () => Promise<Pki>): Promise<void> {
  const key = path === '/ca.crt' ? 'ca-certificate X509-PEM-CA' : `${query.get('resource')} ${query.get('format')}`;
  const resource = RESOURCES[key];
  if (!Object.hasOwn(RESOURCES, key) || !resource) {
    res
      .writeHead(400, { 'content-type': 'text/plain' })
      .end(`Unsupported resource or format; this engine serves ${Object.keys(RESOURCES).join(', ').replaceAll(' ', ' in ')}`);
    return;
  }
  res.writeHead(200, { 'content-type': resource.type }).end(resource.pick(await pki()));
}
