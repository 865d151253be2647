/**
 * Every link the simulator advertises resolves: starting at the entry point,
 * every collection link, the first item of each collection, and each item's
 * sub-collection links answer 200 with a document valid against our XSD and
 * the engine's own. Walked, not listed, so a collection added to the route
 * table is covered without touching this test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiModel, bundledModel, readRsdl } from '../../src/model/index.ts';
import { SMALL, api, simulator, validate } from '../helpers.ts';

describe('the simulator\'s links', () => {
  it('every advertised link answers 200 with a valid document', async () => {
    const sim = await simulator(SMALL);
    try {
      const seen = new Set<string>();
      const queue: { path: string; depth: number }[] = [{ path: '', depth: 0 }];
      const failures: string[] = [];
      const templates = new Set<string>();
      while (queue.length) {
        const { path, depth } = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const res = await api(sim, 'GET', path);
        if (res.status !== 200) { failures.push(`GET /api${path}: ${res.status}`); continue; }
        if (!/xml/.test(res.headers.get('content-type') ?? '')) { failures.push(`GET /api${path}: ${res.headers.get('content-type')}`); continue; }
        // One document per route template is validated (libxml2 compiles the schemas each time).
        const template = path.replace(/\/[0-9a-f-]{36}/g, '/{id}');
        if (templates.has(template)) continue;
        templates.add(template);
        const valid = await validate(res.text, `${template.replace(/\W+/g, '_') || 'api'}.xml`);
        if (valid.ours.length || valid.reference.length) failures.push(`GET /api${path}: ${[...valid.ours, ...valid.reference][0]}`);
        if (depth >= 4) continue;
        // A collection: its first item. An item or the entry point: its links, but not its actions.
        const first = /^<\?xml[^>]*>\s*<[a-z_]+>\s*<(?!link\b)[a-z_]+ href="\/api([^"]+)"/.exec(res.text)?.[1];
        const own = first ? [] : [...res.text.replace(/<actions>[\s\S]*?<\/actions>/g, '').matchAll(/<link href="\/api([^"{?;]*)" rel="([a-z_/]+)"\/>/g)].map((m) => m[1]);
        for (const p of [...own, ...(first ? [first] : [])]) if (!seen.has(p)) queue.push({ path: p, depth: depth + 1 });
      }
      const entry = (await api(sim, 'GET', '')).text;
      expect(failures).toEqual([]);
      // Every top-level collection of the entry point was walked.
      for (const m of entry.matchAll(/<link href="\/api\/([a-z]+)" rel="\1"\/>/g)) expect(templates.has(`/${m[1]}`), m[1]).toBe(true);
      expect(templates.size).toBeGreaterThan(60);
    } finally {
      await sim.close();
    }
  }, 120_000);
});

const referenceRsdl = fileURLToPath(new URL('../../../shared/reference/rsdl/rsdl-v3.6.xml', import.meta.url));

describe.skipIf(!existsSync(referenceRsdl))('against the real 3.6 RSDL', () => {
  it('serves every top-level collection a 3.6 engine serves, and no other', async () => {
    const real = new ApiModel(bundledModel(), readRsdl(bundledModel(), readFileSync(referenceRsdl, 'utf8'), 'rsdl-v3.6.xml'));
    const sim = await simulator(SMALL);
    try {
      const entry = (await api(sim, 'GET', '')).text;
      const served = [...entry.matchAll(/<link href="\/api\/([a-z]+)" rel="\1"\/>/g)].map((m) => m[1]);
      const expected = real.top.map((c) => c.rel);
      for (const rel of expected) {
        expect(served, rel).toContain(rel);
        expect((await api(sim, 'GET', `/${rel}`)).status, rel).toBe(200);
      }
      expect(served.filter((r) => expected.includes(r))).toEqual(served);
    } finally {
      await sim.close();
    }
  });
});
