/**
 * API v3 on engines that also speak v4: RHV 4.0-4.3 answer v3 only when
 * asked with `Version: 3`, or under `/ovirt-engine/api/v3`. A client told
 * version 3 asks with the header always, and works under either URL; the
 * simulator serves both. Not told, it asks for v4 (test/rhev/v4.test.ts).
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator } from '../helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator(SMALL);
});
afterAll(async () => {
  await sim.close();
});

describe('asking for API v3', () => {
  it('sends Version: 3 on every request when told version 3, and Version: 4 when not told', async () => {
    const seen: (string | undefined)[] = [];
    const engine = createServer((req, res) => {
      seen.push(req.headers.version as string | undefined);
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<api><link href="/ovirt-engine/api/vms" rel="vms"/></api>');
    });
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', r));
    const conn = new Connection({
      url: `http://127.0.0.1:${(engine.address() as { port: number }).port}/ovirt-engine/api`,
      username: 'admin@internal',
      password: 'x',
      apiVersion: 3,
    });
    const auto = new Connection({ url: conn.url, username: 'admin@internal', password: 'x' });
    try {
      await conn.api();
      await conn.ping().catch(() => undefined);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((v) => v === '3')).toBe(true);
      seen.length = 0;
      await auto.api();
      expect(seen).toEqual(['4']);
      // An entry point without clusterlevels is a v3 one, whatever was asked.
      expect(auto.dialect).toBe('v3');
    } finally {
      await conn.close();
      await auto.close();
      engine.close();
    }
  });

  it('works against /ovirt-engine/api/v3, whose hrefs stay under it', async () => {
    const conn = new Connection({ url: `${sim.url}/ovirt-engine/api/v3`, username: 'admin@internal', password: 'admin' });
    try {
      const vms = await conn.getAll('vms', { max: 2 });
      expect(vms).toHaveLength(2);
      expect((vms[0] as any).href).toMatch(/^\/ovirt-engine\/api\/v3\/vms\//);
      const disks = await (vms[0] as any).disks();
      expect(Array.isArray(disks)).toBe(true);
      expect(((await conn.get('vms', { id: (vms[0] as any).id })) as any)?.name).toBe((vms[0] as any).name);
    } finally {
      await conn.close();
    }
  });
});
