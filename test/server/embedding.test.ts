/**
 * The subgraph mounted in a server of someone else's (createSubgraph): its
 * Express app beside the host's own routes, its WebSocket on the host's
 * HTTP server, both transports answering as they do under startServer, and
 * close() ending what it holds without closing the host's server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSubgraph, type Subgraph } from '../../src/server/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator } from '../helpers.ts';

let sim: Simulator;
let subgraph: Subgraph;
let host: Server;
let base: string;
beforeAll(async () => {
  sim = await simulator(SMALL);
  subgraph = await createSubgraph({
    engine: { url: sim.apiUrl, username: 'admin@internal', password: 'admin' },
    anonymous: 'service-account',
    logLevel: 'silent',
  });
  const app = express();
  app.get('/hello', (_req, res) => {
    res.send('the host answers too');
  });
  app.use(subgraph.app);
  host = createServer(app);
  subgraph.attach(host);
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(host.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await subgraph.close();
  await new Promise((r) => host.close(r));
  await sim.close();
});

describe('createSubgraph', () => {
  it('answers /graphql over HTTP beside the host routes, with its health and SDL', async () => {
    expect(await (await fetch(`http://${base}/hello`)).text()).toBe('the host answers too');
    const res = await fetch(`http://${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ vms { name } _service { sdl } }' }),
    });
    const body = (await res.json()) as { data: { vms: { name: string }[]; _service: { sdl: string } } };
    expect(body.data.vms.length).toBeGreaterThan(0);
    expect(body.data._service.sdl).toContain('type Vm');
    expect((await fetch(`http://${base}/health/ready`)).status).toBe(200);
    expect(subgraph.schema.getQueryType()?.getFields().vms).toBeDefined();
  });

  it("answers over graphql-ws on the host's server", async () => {
    const client = createClient({ url: `ws://${base}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const got = await new Promise<unknown>((resolve, reject) =>
        client.subscribe({ query: '{ dataCenters { name } }' }, { next: resolve, error: reject, complete: () => {} }),
      );
      expect((got as { data: { dataCenters: { name: string }[] } }).data.dataCenters[0].name).toEqual(expect.any(String));
    } finally {
      await client.dispose();
    }
  });
});
