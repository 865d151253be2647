/**
 * `npm run build`'s second step: copies the explorer's browser files from the
 * packages that publish them (devDependencies) into dist/explorer/, with each
 * package's licence beside them, so the installed package serves them
 * without depending on React or GraphiQL (src/server/explorer-assets.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EXPLORER_ASSETS, EXPLORER_ASSETS_DIR } from '../src/server/explorer-assets.ts';

const require = createRequire(import.meta.url);

/** A package's own folder: from its main module up to its package.json (its exports may not list these files). */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${pkg}`);
    dir = up;
  }
  return dir;
}

mkdirSync(EXPLORER_ASSETS_DIR, { recursive: true });
const licensed = new Set<string>();
for (const [name, { pkg, file }] of EXPLORER_ASSETS) {
  const dir = packageDir(pkg);
  copyFileSync(join(dir, file), join(EXPLORER_ASSETS_DIR, name));
  if (licensed.has(pkg)) continue;
  const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!licence) throw new Error(`${pkg} has no licence file to ship beside its build`);
  copyFileSync(join(dir, licence), join(EXPLORER_ASSETS_DIR, `${pkg}.LICENSE.txt`));
  licensed.add(pkg);
}
process.stderr.write(`dist/explorer: ${EXPLORER_ASSETS.size} browser files of ${licensed.size} packages\n`);
