/**
 * Writes what the simulator publishes about itself next to the XSD, so the
 * API model and the bundled GraphQL schema can be built without starting
 * anything: api/capabilities.xml (its /api/capabilities). Tests fail when it
 * is stale. (api/rsdl.xml is not written here: the simulator is built from
 * it, and scripts/import-rsdl.ts makes it from a real engine's RSDL.)
 */
import { writeFileSync } from 'node:fs';
import { bundledCapabilitiesPath, bundledModel } from '../src/model/index.ts';
import { capabilitiesDocument } from '../src/simulator/capabilities.ts';
import { writeDocument } from '../src/xml/index.ts';

export const capabilitiesFileText = (): string =>
  `${writeDocument(bundledModel(), 'capabilities', capabilitiesDocument(), { declaration: true, pretty: true, hrefBase: '/api' })}\n`;

if (process.argv[1]?.endsWith('write-simulator-metadata.ts')) {
  writeFileSync(bundledCapabilitiesPath, capabilitiesFileText());
  console.log('wrote api/capabilities.xml');
}
