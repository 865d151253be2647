#!/usr/bin/env node
// The command runs the built JavaScript (dist/, made by `npm run build`, which
// `npm ci` and `npm install` run through `prepare`). Where there is no build
// (installed with --ignore-scripts), it runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../dist/cli.js', import.meta.url))) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
