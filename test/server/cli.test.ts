/**
 * `rhev-graphql serve` as operators meet it: production turns introspection
 * and the explorer off unless asked, and asking works; a browser at the
 * endpoint then gets a page saying what is there, not a CSRF error; the
 * help names each default once; an embedded simulator whose port is taken
 * says so and takes another.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../command.ts';

const INTROSPECT = '{ __schema { queryType { name } } }';

async function serve(args: string[], env: Record<string, string> = {}) {
  const c = command(['serve', '--port', '0', '--simulator-port', '0', '--vms', '3', '--log-level', 'warn', ...args], {
    RHEV_URL: '',
    ...env,
  });
  const out = await c.waitFor(/subgraph at (\S+)/);
  const url = /subgraph at (\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`serve did not start: ${out}`);
  return { c, url };
}

const ask = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    (r) => r.json() as Promise<{ data?: unknown; errors?: { message: string }[] }>,
  );

describe('NODE_ENV=production', () => {
  it('turns introspection and the explorer off; a browser gets a page saying what is here', async () => {
    const { c, url } = await serve([], { NODE_ENV: 'production' });
    try {
      expect((await ask(url, INTROSPECT)).errors?.[0].message).toMatch(/introspection/i);
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('This is a GraphQL endpoint');
      expect(html).toContain('--landing-page');
      expect(html).not.toContain('graphiql');
    } finally {
      c.child.kill('SIGTERM');
      await c.exited;
    }
  });

  it('--introspection and --landing-page turn them on again', async () => {
    const { c, url } = await serve(['--introspection', '--landing-page'], { NODE_ENV: 'production' });
    try {
      expect((await ask(url, INTROSPECT)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect(await (await fetch(url, { headers: { accept: 'text/html' } })).text()).toContain('rhev-graphql explorer');
    } finally {
      c.child.kill('SIGTERM');
      await c.exited;
    }
  });
});

describe('the command line', () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => busy.close(r)));

  it('an embedded simulator whose port is taken says so and listens on a free one', async () => {
    const c = command(['serve', '--port', '0', '--simulator-port', String(port), '--vms', '3', '--log-level', 'warn'], { RHEV_URL: '' });
    try {
      const out = await c.waitFor(/subgraph at/);
      expect(out).toContain(`the embedded simulator's port ${port} is in use; it listens on a free port instead`);
      expect(out).toMatch(/embedded simulator at http:\/\/127\.0\.0\.1:(\d+)/);
      expect(/embedded simulator at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]).not.toBe(String(port));
    } finally {
      c.child.kill('SIGTERM');
      await c.exited;
    }
  });

  it('names each default once in its help', async () => {
    const c = command(['serve', '--help']);
    await c.exited;
    const help = c.output().replace(/\s+/g, ' ');
    expect(help).toMatch(/--port <n> the GraphQL port .*?\(PORT; default: 4000\)/);
    expect(help.match(/default: 4000/g)).toHaveLength(1);
    expect(help).not.toMatch(/\(default: [^)]*\) \(default:/);
  });
});
