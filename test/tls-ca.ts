/**
 * Certificates made for a test with openssl: a CA of its own, and
 * certificates it signs (a server's for 127.0.0.1, a caller's), as PEM files
 * in a directory of the test's.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class TestCa {
  constructor(
    readonly dir: string,
    readonly name = 'test',
  ) {
    this.ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}-ca.key`,
      '-out',
      `${name}-ca.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${name} CA`,
    );
  }

  /** The CA's certificate (PEM file path). */
  get caFile(): string {
    return join(this.dir, `${this.name}-ca.pem`);
  }

  /** Signs a certificate `<id>.pem` with its key `<id>.key`: a server's for 127.0.0.1, or a caller's. */
  sign(id: string, use: 'server' | 'client'): { certFile: string; keyFile: string } {
    this.ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${id}`);
    const ext = use === 'server' ? 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n';
    writeFileSync(join(this.dir, `${id}.ext`), ext);
    this.ssl(
      'x509',
      '-req',
      '-in',
      `${id}.csr`,
      '-CA',
      `${this.name}-ca.pem`,
      '-CAkey',
      `${this.name}-ca.key`,
      '-CAcreateserial',
      '-out',
      `${id}.pem`,
      '-days',
      '1',
      '-extfile',
      `${id}.ext`,
    );
    return { certFile: join(this.dir, `${id}.pem`), keyFile: join(this.dir, `${id}.key`) };
  }

  private ssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
}
