/**
 * The built command (`bin/rhev-graphql.js`) as a child process, as people
 * start it: what it prints, waiting for a line, and how it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Command {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves when the output matches `pattern` (or after `ms`, or when the process ends). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Its exit code, once it has exited. */
  readonly exited: Promise<number | null>;
}

export function command(args: string[], env: NodeJS.ProcessEnv = {}): Command {
  const child = spawn(process.execPath, ['bin/rhev-graphql.js', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(pattern, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      return out;
    },
  };
}
