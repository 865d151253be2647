/**
 * Memory comes back (issue 26 point 2): what a 10,000-VM dashboard leaves
 * in the freshness windows (the engine's lists, bound, and the whole answer
 * shared with identical queries) is let go when the window ends, whatever
 * is asked next or not at all. The engine is a simulator in a process of
 * its own, so the heap measured here is the server's.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import { type Command, command } from '../command.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Long enough that the dashboard's engine data is still in its window when the answer is made (a 10,000-VM list takes seconds). */
const WINDOW_MS = 8000;
const DASHBOARD =
  '{ vms { name status cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }';

/** The heap in use after a full collection. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a 10,000-VM dashboard, then one window', () => {
  let engine: Command;
  let server: RunningServer;

  beforeAll(async () => {
    engine = command(['simulator', '--port', '0', '--vms', '10000', '--hosts', '200', '--dialects', 'v4']);
    const out = await engine.waitFor(/Control:\s+\S+\/__simulator\/stats/, 120_000);
    const base = /Control:\s+(\S+)\/__simulator\/stats/.exec(out)![1];
    server = await startServer({
      port: 0,
      logLevel: 'silent',
      anonymous: 'service-account',
      landingPage: false,
      freshnessMs: WINDOW_MS,
      engine: { url: `${base}/ovirt-engine/api`, username: 'admin@internal', password: 'admin' },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    engine?.child.kill('SIGTERM');
    await engine?.exited;
  });

  it('leaves the heap within 50 MB of where it was once the window has ended, with nothing asked meanwhile', async () => {
    const ask = async (query: string) => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { data?: { vms?: unknown[] }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return body.data?.vms?.length ?? 0;
    };
    await ask('{ api { time } }');
    const before = heapAfterGc();
    expect(await ask(DASHBOARD)).toBeGreaterThanOrEqual(10_000);
    const held = heapAfterGc() - before;
    // What the window kept: the lists and the answer (the test is only meaningful if they were big).
    expect(held).toBeGreaterThan(50 * 1024 * 1024);
    // The window ends; its sweep comes at most one window later.
    await new Promise((r) => setTimeout(r, 2 * WINDOW_MS + 500));
    expect(heapAfterGc() - before).toBeLessThan(50 * 1024 * 1024);
  }, 180_000);
});
