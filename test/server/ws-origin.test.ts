/**
 * Cross-site WebSocket hijacking (issue 21.3): a page on another site cannot
 * open a socket to the subgraph through a visitor's browser and read the
 * inventory as the service account or as the visitor. Upgrades carrying an
 * Origin are taken from the server's own origin and the --cors-origin list
 * only; clients that send none (routers, scripts) are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket, type Stack, stack } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 3 }, { anonymous: 'service-account', corsOrigins: ['https://dash.example.com'] });
});
afterAll(() => s.close());

describe('a WebSocket upgrade', () => {
  it('from a foreign Origin is refused with 403 before it is a socket', async () => {
    for (const origin of ['http://evil.example', 'null', 'https://dash.example.com.evil.example', 'not a url']) {
      const err = await rawSocket(s.server.wsUrl, undefined, { origin }).catch((e: Error & { status?: number }) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { status?: number }).status).toBe(403);
    }
  });

  it('from the server itself, an allowed origin, or no browser at all is served', async () => {
    const own = new URL(s.server.url).origin;
    for (const headers of [{ origin: own }, { origin: 'https://dash.example.com' }, undefined]) {
      const { socket, outcome } = await rawSocket(s.server.wsUrl, undefined, headers);
      expect((await outcome).ack).toBe(true);
      socket.close();
    }
  });
});
