/**
 * Cache hints (schema/cache.ts), as a router or CDN sees them: an answer made
 * only of slow-changing types (data centers, clusters, templates, ...) comes
 * with `Cache-Control: max-age=<cacheMaxAgeSeconds>, private`, the same when
 * it is a shared answer; one with anything else (a VM) is not cacheable; 0
 * turns the hints off. On v4 and v3.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stack } from './helpers.ts';

/** What a router sends a subgraph: a POST of JSON, with the caller's credentials. */
async function routerRequest(s: Stack, query: string): Promise<{ cacheControl: string | null; body: any }> {
  const res = await fetch(s.server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`,
    },
    body: JSON.stringify({ query }),
  });
  return { cacheControl: res.headers.get('cache-control'), body: await res.json() };
}

for (const dialect of ['v4', 'v3'] as const) {
  describe(`cache hints on ${dialect}`, () => {
    let s: Stack;
    beforeAll(async () => {
      s = await stack({ vms: 10, dialects: dialect }, { engine: { apiVersion: dialect === 'v4' ? 4 : 3 }, freshnessMs: 60_000 });
    });
    afterAll(() => s.close());

    it('an answer of slow-changing types only may be kept for the caller, shared or not', async () => {
      const q = '{ dataCenters { name clusters { name } } templates { name } }';
      const first = await routerRequest(s, q);
      expect(first.body.errors).toBeUndefined();
      expect(first.cacheControl).toBe('max-age=60, private');
      const shared = await routerRequest(s, q); // served from the shared answers
      expect(shared.body).toEqual(first.body);
      expect(shared.cacheControl).toBe('max-age=60, private');
    });

    it('an answer with anything that changes on its own is not', async () => {
      for (const q of ['{ vms { name } }', '{ dataCenters { name } vms { name } }']) {
        const r = await routerRequest(s, q);
        expect(r.body.errors).toBeUndefined();
        expect(r.cacheControl ?? 'no-store').not.toMatch(/max-age=[1-9]/);
      }
    });

    it('the schema says so, and 0 says nothing', async () => {
      // The schema file of the dialect (what the server serves by default; _service's SDL keeps only federation's directives).
      const sdl = readFileSync(
        fileURLToPath(new URL(`../../${dialect === 'v4' ? 'schema-v4' : 'schema'}.graphql`, import.meta.url)),
        'utf8',
      );
      expect(sdl).toMatch(/type DataCenter @key\(fields: "id"\) @cacheControl\(maxAge: 60, scope: PRIVATE\)/);
      expect(sdl).not.toMatch(/type (Vm|VM) [^{]*@cacheControl/);
      const off = await stack({ vms: 3, dialects: dialect }, { engine: { apiVersion: dialect === 'v4' ? 4 : 3 }, cacheMaxAgeSeconds: 0 });
      try {
        const r = await routerRequest(off, '{ dataCenters { name } }');
        expect(r.cacheControl ?? 'no-store').not.toMatch(/max-age=[1-9]/);
      } finally {
        await off.close();
      }
    });
  });
}
