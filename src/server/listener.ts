/**
 * The server's socket: plain HTTP, or HTTPS (and so WSS) when given a
 * certificate, and then optionally mutual TLS: with a client CA, only
 * callers presenting a certificate that CA signed get past the handshake
 * (a router or gateway in front, as Apollo Router's and Hive Gateway's
 * subgraph TLS settings do). Either way Node's own slow-request timeouts
 * are set from the limits, checked every second at most.
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Limits } from './config.ts';

/** Where the PEM files are: the certificate (chain) and its key; with `clientCaFile`, callers must present a certificate it signed. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string;
}

export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
}

export function createListener(app: RequestListener, limits: Limits, tls?: TlsFiles): { server: Server; scheme: 'http' | 'https' } {
  const timing = { connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) };
  const server: Server = tls
    ? createTlsServer(
        {
          ...timing,
          cert: pem(tls.certFile, 'tls.certFile'),
          key: pem(tls.keyFile, 'tls.keyFile'),
          ...(tls.clientCaFile ? { ca: pem(tls.clientCaFile, 'tls.clientCaFile'), requestCert: true, rejectUnauthorized: true } : {}),
        },
        app,
      )
    : createServer(timing, app);
  // A request dribbled in a byte at a time is cut, not held for Node's 300 s default.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  return { server, scheme: tls ? 'https' : 'http' };
}

function pem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TlsFileError(`${setting}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
