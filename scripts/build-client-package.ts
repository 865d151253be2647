/**
 * `npm run pack:client`'s middle step: makes packages/client, the client
 * alone (`rhev-graphql-client`), out of this package's build.
 *
 * A script that only talks to an engine should not install a GraphQL server,
 * a browser explorer and a simulator. The client's code is the part of dist/
 * that dist/rhev/index.js reaches (its own files, the XML reader and the API
 * model), so this copies exactly that closure, the declaration files the
 * types reach included, and the engine descriptions the model reads at run
 * time (api/, found beside dist/ as in this package), and fails when the closure imports a package the
 * client's manifest does not name: a new import in src/rhev cannot make the
 * client package broken or silently heavier.
 *
 *   npm run build && tsx scripts/build-client-package.ts
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLIENT_DIR = join(ROOT, 'packages/client');

/** Relative specifiers and package names a built file imports (tsc's output: one import or export per statement). */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const forms = [
    /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, // import … from 'x', export … from 'x'
    /^\s*import\s*['"]([^'"]+)['"]/gm, // import 'x'
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('x')
  ];
  for (const form of forms) for (const m of text.matchAll(form)) found.push(m[1]);
  return found;
}

/** A module's path without extension: `./a.ts` and `./a.js` both name the built a.js and a.d.ts. */
const stem = (file: string) => file.replace(/\.(d\.ts|js|ts)$/, '');

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface Closure {
  /** Built files reached, relative to dist/. */
  readonly files: string[];
  /** Packages imported, each with one file that imports it. */
  readonly packages: Map<string, string>;
}

/** Every built file (.js and .d.ts) reached from `entry` (a path under dist/, without extension), and the packages they import. */
export function closureOf(dist: string, entry: string): Closure {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const builtins = new Set(builtinModules);
  const visit = (base: string) => {
    if (seen.has(base)) return;
    seen.add(base);
    for (const ext of ['.js', '.d.ts']) {
      const file = base + ext;
      if (!existsSync(file)) continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) visit(stem(resolve(dirname(file), spec)));
        else if (!spec.startsWith('node:') && !builtins.has(spec)) packages.set(packageOf(spec), relative(dist, file));
      }
    }
  };
  visit(join(dist, entry));
  const files = [...seen].flatMap((base) => ['.js', '.d.ts'].map((ext) => base + ext).filter(existsSync));
  return { files: files.map((f) => relative(dist, f)).sort(), packages };
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Copies the client's closure into packages/client/dist; throws naming what does not agree. */
export function buildClientPackage(): Closure {
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'rhev/index.js'))) throw new Error('dist/rhev/index.js is missing: run `npm run build` first');
  const root = manifest(ROOT);
  const client = manifest(CLIENT_DIR);
  if (client.version !== root.version)
    throw new Error(`packages/client is version ${client.version}, rhev-graphql ${root.version}: they are released together`);
  const closure = closureOf(dist, 'rhev/index');
  for (const [pkg, by] of closure.packages) {
    const wanted = client.dependencies?.[pkg];
    if (wanted === undefined) throw new Error(`dist/${by} imports ${pkg}, which packages/client/package.json does not depend on`);
    if (wanted !== root.dependencies?.[pkg])
      throw new Error(`packages/client wants ${pkg}@${wanted}, rhev-graphql ${root.dependencies?.[pkg]}: keep one range`);
  }
  const out = join(CLIENT_DIR, 'dist');
  rmSync(out, { recursive: true, force: true });
  for (const file of closure.files) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(dist, file), join(out, file));
  }
  rmSync(join(CLIENT_DIR, 'api'), { recursive: true, force: true });
  cpSync(join(ROOT, 'api'), join(CLIENT_DIR, 'api'), { recursive: true });
  copyFileSync(join(ROOT, 'LICENSE'), join(CLIENT_DIR, 'LICENSE'));
  return closure;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, packages } = buildClientPackage();
  process.stderr.write(`packages/client: ${files.length} built files, depending on ${[...packages.keys()].join(', ') || 'nothing'}\n`);
}
