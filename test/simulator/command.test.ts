/**
 * `rhev-graphql simulator` as people start it: the built command, with and
 * without --dialects. Flags not given must take their defaults (an option
 * passed as undefined once replaced the default dialect, and every API
 * request of a simulator started without --dialects failed with a 500).
 */
import { describe, expect, it } from 'vitest';
import { command } from '../command.ts';
import { basic } from '../helpers.ts';

async function run(args: string[], check: (out: string, api: string) => Promise<void>): Promise<void> {
  const c = command(['simulator', '--port', '0', '--vms', '5', ...args]);
  try {
    const out = await c.waitFor(/Control:/);
    const api = /API:\s+(\S+)/.exec(out)?.[1];
    expect(api, out).toBeDefined();
    await check(out, api!);
  } finally {
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  }
}

const entry = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { authorization: basic('admin@internal', 'admin'), ...headers } });

describe('rhev-graphql simulator', () => {
  it('without --dialects is a RHEV 3.6 engine at /api', async () => {
    await run([], async (out, api) => {
      expect(out).toMatch(/RHEV 3\.6 engine simulator/);
      expect(api).toMatch(/\/api$/);
      const res = await entry(api);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<api[ >][\s\S]*rel="capabilities"/);
    });
  });

  it('with --dialects v4 is a 4.4+ engine at /ovirt-engine/api', async () => {
    await run(['--dialects', 'v4'], async (out, api) => {
      expect(out).toMatch(/oVirt 4\.5 \(API v4\) engine simulator/);
      const res = await entry(api);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('rel="clusterlevels"');
    });
  });
});
