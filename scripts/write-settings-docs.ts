/**
 * `npm run docs:settings`: writes the README's configuration and limits
 * tables from the settings registry (src/settings/docs.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSettingsTables } from '../src/settings/index.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(readme, withSettingsTables(readFileSync(readme, 'utf8')));
process.stderr.write('README.md: settings tables written\n');
