#!/usr/bin/env node
// The command runs the built JavaScript (dist/, made by `npm run build`, which
// `npm ci` and `npm install` run through `prepare`, and which a published
// package carries). Without it there is nothing to run: say how to make it.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
  process.stderr.write('rhev-graphql: not built yet (no dist/); run `npm run build` in the package first\n');
  process.exit(1);
}
await import('../dist/cli.js');
