/**
 * The client installs on its own (issue 23 point 7): packages/client is
 * built from this package's build, packed with npm, installed from the
 * tarball into an empty project as a script author would, measured (packages
 * and bytes under node_modules), and then used from that project against a
 * simulator, v4 and v3, with nothing of this repository on its module path.
 *
 * npm installs from its cache where it can (`npm ci` filled it), so this
 * needs the registry only for what the cache lacks.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientPackage, CLIENT_DIR } from '../../scripts/build-client-package.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { SMALL, simulator } from '../helpers.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What the client may weigh once installed, with its dependencies: a few megabytes, not the server's 100+. */
const MAX_INSTALLED_BYTES = 8 * 1024 * 1024;
/** Packages that belong to the server, the explorer or the build, never to a script's client. */
const SERVER_ONLY = [
  '@apollo/server',
  '@apollo/subgraph',
  'express',
  'graphql',
  'graphiql',
  'react',
  'react-dom',
  'tsx',
  'esbuild',
  'ws',
  'pino',
  'selfsigned',
];

let app: string;
let sim: Simulator;

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}

/** The names of the packages installed under a node_modules folder, nested ones included. */
function installed(modules: string): string[] {
  if (!existsSync(modules)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => join(entry, n)) : [entry];
    for (const dir of dirs) {
      names.push(JSON.parse(readFileSync(join(modules, dir, 'package.json'), 'utf8')).name);
      names.push(...installed(join(modules, dir, 'node_modules')));
    }
  }
  return names;
}

beforeAll(async () => {
  buildClientPackage();
  app = mkdtempSync(join(tmpdir(), 'rhev-client-'));
  const packed = await run(npm, ['pack', CLIENT_DIR, '--pack-destination', app, '--json', '--ignore-scripts'], { cwd: app });
  const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'a-script', private: true, type: 'module' }));
  await run(npm, ['install', join(app, filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: app,
  });
  sim = await simulator({ ...SMALL, dialects: 'both' });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('rhev-graphql, the subgraph package', () => {
  it("needs neither the explorer's browser packages nor the build's tools at run time (dist/explorer holds their builds)", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const runtime = Object.keys(manifest.dependencies);
    expect(runtime.filter((p) => ['react', 'react-dom', 'graphiql', 'tsx', 'esbuild', 'typescript', 'vitest'].includes(p))).toEqual([]);
  });
});

describe('rhev-graphql-client, installed from its tarball', () => {
  it('installs without the server, the explorer or the build tools, in a few megabytes', () => {
    const packages = installed(join(app, 'node_modules'));
    const bytes = bytesUnder(join(app, 'node_modules'));
    console.info(
      `rhev-graphql-client installs ${packages.length} packages, ${(bytes / 1024 / 1024).toFixed(1)} MB: ${packages.join(', ')}`,
    );
    expect(packages).toContain('rhev-graphql-client');
    expect(packages.filter((p) => SERVER_ONLY.includes(p))).toEqual([]);
    expect(packages.length).toBeLessThanOrEqual(10);
    expect(bytes).toBeLessThan(MAX_INSTALLED_BYTES);
  });

  it('lists, reads and acts on an engine from a script in that project, on v4 and v3', async () => {
    const script = `
      import { Connection } from 'rhev-graphql-client';
      const [url, apiVersion] = process.argv.slice(2);
      const conn = new Connection({ url, username: 'admin@internal', password: 'admin', apiVersion: Number(apiVersion) });
      const vms = await conn.getAll('vms');
      const down = vms.find((vm) => (vm.status?.state ?? vm.status) === 'down');
      await down.start();
      const again = await conn.get('vms', { id: down.id });
      console.log(JSON.stringify({ dialect: conn.dialect, count: vms.length, started: (again.status?.state ?? again.status) }));
      await conn.close();
    `;
    writeFileSync(join(app, 'script.mjs'), script);
    // A 4.x engine serving both dialects: v3 is asked for with `Version: 3` on the same entry point.
    for (const apiVersion of ['4', '3']) {
      const { stdout } = await run(process.execPath, ['script.mjs', sim.apiUrl, apiVersion], { cwd: app });
      const answer = JSON.parse(stdout);
      expect(answer.dialect).toBe(`v${apiVersion}`);
      expect(answer.count).toBe(sim.engine.store.table('vms').size);
      expect(['wait_for_launch', 'powering_up', 'up']).toContain(answer.started);
    }
  }, 60_000);
});
