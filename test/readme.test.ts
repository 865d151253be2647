/**
 * The README's TypeScript samples type-check against the package as a user
 * gets it (`rhev-graphql/rhev`, `rhev-graphql/simulator`: the built
 * declarations its exports name, which `npm test` builds first). Each sample
 * is a module of its own; the few values a sample takes as given (a password,
 * an id) are declared for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
// Inside the package, so that its own name resolves through its exports, as in a user's project.
const dir = join(root, 'test/.readme-check');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GIVEN = 'declare const password: string;\ndeclare const id: string;\ndeclare const clusterId: string;\n';

describe("the README's samples", () => {
  it('type-check against the built package', () => {
    const samples = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [i, code] of samples.entries()) writeFileSync(join(dir, `sample-${i + 1}.ts`), `${GIVEN}${code}\nexport {};\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noUnusedLocals: false }, include: ['*.ts'] }),
    );
    let out = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      out = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(out).toBe('');
  }, 60_000);

  it('import under plain node: the package runs as built JavaScript, the command too', () => {
    const run = (code: string) => execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    expect(run("const m = await import('rhev-graphql/rhev'); console.log(typeof m.Connection)").trim()).toBe('function');
    expect(run("const m = await import('rhev-graphql/simulator'); console.log(typeof m.startSimulator)").trim()).toBe('function');
    const version = execFileSync(process.execPath, ['bin/rhev-graphql.js', '--version'], { cwd: root, encoding: 'utf8' }).trim();
    expect(version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
