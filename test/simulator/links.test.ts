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
import { api, present, SMALL, simulator, validateMany } from '../helpers.ts';

describe("the simulator's links", () => {
  it('every advertised link answers 200 with a valid document', async () => {
    const sim = await simulator(SMALL);
    try {
      const seen = new Set<string>();
      const queue: { path: string; depth: number }[] = [{ path: '', depth: 0 }];
      const failures: string[] = [];
      const templates = new Set<string>();
      const docs: { name: string; xml: string; path: string }[] = [];
      while (queue.length) {
        const { path, depth } = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const res = await api(sim, 'GET', path);
        if (res.status !== 200) {
          failures.push(`GET /api${path}: ${res.status}`);
          continue;
        }
        if (!/xml/.test(res.headers.get('content-type') ?? '')) {
          failures.push(`GET /api${path}: ${res.headers.get('content-type')}`);
          continue;
        }
        // One document per route template is validated, all in one run of libxml2 at the end.
        const template = path.replace(/\/[0-9a-f-]{36}/g, '/{id}');
        if (templates.has(template)) continue;
        templates.add(template);
        docs.push({ name: `${template.replace(/\W+/g, '_') || 'api'}.xml`, xml: res.text, path });
        if (depth >= 4) continue;
        // A collection: its first item. An item or the entry point: its links, but not its actions.
        const first = /^<\?xml[^>]*>\s*<[a-z_]+>\s*<(?!link\b)[a-z_]+ href="\/api([^"]+)"/.exec(res.text)?.[1];
        const own = first
          ? []
          : [...res.text.replace(/<actions>[\s\S]*?<\/actions>/g, '').matchAll(/<link href="\/api([^"{?;]*)" rel="([a-z_/]+)"\/>/g)].map(
              (m) => m[1],
            );
        for (const p of [...own, ...(first ? [first] : [])]) if (!seen.has(p)) queue.push({ path: p, depth: depth + 1 });
      }
      for (const [file, errors] of await validateMany(docs))
        failures.push(`${docs.find((d) => d.name === file)?.path ?? file}: ${errors[0]}`);
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

describe.skipIf(!present(referenceRsdl, 'the links against the real 3.6 RSDL'))('against the real 3.6 RSDL', () => {
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

/** The items a collection document lists: the elements whose href is the collection's path and an id. */
function itemsIn(collection: string, text: string): string[] {
  const prefix = `href="/api${collection}/`;
  return [
    ...new Set(
      text
        .split(prefix)
        .slice(1)
        .map((rest) => `${collection}/${rest.slice(0, rest.indexOf('"'))}`)
        .filter((p) => !p.slice(collection.length + 1).includes('/')),
    ),
  ].slice(0, 8);
}

describe.skipIf(!existsSync(referenceRsdl))('every URL of the real 3.6 RSDL', () => {
  it("answers GET with 200 and a document valid against our XSD and the engine's", async () => {
    const rsdl = readFileSync(referenceRsdl, 'utf8');
    const templates = [...new Set([...rsdl.matchAll(/<link href="([^"]+)" rel="get">/g)].map((m) => m[1]))].sort(
      (a, b) => a.split('/').length - b.split('/').length,
    );
    const sim = await simulator(SMALL);
    try {
      // Something happens first, so the audit log has an entry.
      await api(sim, 'POST', '/tags', { body: '<tag><name>walked</name></tag>' });
      // Every URL template's concrete instances (up to 40): a collection's below each instance of its parent
      // item, an item's from its collection's lists. The first answer with items is the one validated.
      const docs: { name: string; xml: string }[] = [];
      const failures: string[] = [];
      const memo = new Map<string, Promise<{ paths: string[]; sample?: string }>>();
      const instancesOf = (template: string): Promise<{ paths: string[]; sample?: string }> => {
        if (!memo.has(template))
          memo.set(
            template,
            (async () => {
              if (!template) return { paths: [''] };
              const isItem = /\}$/.test(template);
              const above = template.includes('/') ? template.replace(/\/[^/]+$/, '') : '';
              const paths: string[] = [];
              let sample: string | undefined;
              for (const parent of (await instancesOf(above)).paths) {
                const candidates = isItem
                  ? itemsIn(parent, (await api(sim, 'GET', parent)).text)
                  : [`${parent}/${template.split('/').pop()}`];
                for (const path of candidates) {
                  const res = await api(sim, 'GET', path);
                  if (res.status !== 200) {
                    failures.push(`GET ${path}: ${res.status}`);
                    continue;
                  }
                  paths.push(path);
                  if (!sample || (!isItem && itemsIn(path, res.text).length && !itemsIn(path, sample).length)) sample = res.text;
                }
                if (paths.length >= 40) break;
              }
              return { paths, sample };
            })(),
          );
        return memo.get(template)!;
      };
      for (const template of templates) {
        const { sample } = await instancesOf(template);
        if (!sample) {
          failures.push(`${template}: no instance answers`);
          continue;
        }
        docs.push({ name: template.replace(/\W+/g, '_'), xml: sample });
      }
      const invalid = await validateMany(docs);
      for (const [file, errors] of invalid) failures.push(`${file}: ${errors[0]}`);
      expect(failures).toEqual([]);
      expect(docs).toHaveLength(templates.length);
    } finally {
      await sim.close();
    }
  }, 300_000);
});
