/**
 * docs/architecture.md's table of who imports whom, checked against the
 * code: every import of every file under src/ from another top-level module
 * must be one its module's row allows. The table is read from the document,
 * so the two cannot drift apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');

/** The words the table uses for modules, and the folders they are. */
const NAMES: Readonly<Record<string, string>> = {
  nothing: '',
  model: 'model',
  xml: 'xml',
  json: 'json',
  http: 'http',
  'the client': 'rhev',
  client: 'rhev',
  "the client's transport only": 'rhev',
  'the plan': 'schema',
  loaders: 'loaders',
  subscriptions: 'subscriptions',
  resolvers: 'resolvers',
  execution: 'execution',
  server: 'server',
  settings: 'settings',
  shared: 'shared',
  generated: 'generated',
};

/** Each module of the table and the modules it may import. */
function table(): Map<string, Set<string>> {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('| module | imports |');
  const rows = doc.slice(start).split('\n').slice(2);
  const out = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [, modules, imports] = row.split('|');
    const allowed = new Set<string>();
    // "model, xml; the client's transport only, to fetch…" and "(subscriptions: the plan)": every named module counts.
    for (const part of imports.replace(/\(.*?\)/g, (m) => `, ${m.slice(1, -1).split(':').pop()}`).split(/[,;]/)) {
      const words = part.replace(/\s+/g, ' ').trim();
      const name = Object.keys(NAMES).find((n) => words === n || words.startsWith(`${n} `) || words.startsWith(`${n}:`));
      if (name && NAMES[name]) allowed.add(NAMES[name]);
    }
    for (const m of modules.matchAll(/`src\/([a-z]+)`/g)) out.set(m[1], allowed);
  }
  return out;
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('docs/architecture.md, who imports whom', () => {
  it('is what the code does: no module imports one its row does not name', () => {
    const allowed = table();
    expect([...allowed.keys()].sort()).toEqual([
      'execution',
      'http',
      'json',
      'loaders',
      'model',
      'resolvers',
      'rhev',
      'schema',
      'server',
      'settings',
      'shared',
      'simulator',
      'subscriptions',
      'xml',
    ]);
    const wrong: string[] = [];
    for (const [module, may] of allowed) {
      for (const file of files(join(src, module))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*? from '(\.[^']+)'/gm)) {
          const target = relative(src, resolve(dirname(file), m[1])).split('/')[0];
          if (target !== module && !may.has(target)) wrong.push(`${relative(root, file)} imports ${m[1]}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
