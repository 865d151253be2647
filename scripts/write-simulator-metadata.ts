/**
 * Writes what the simulator publishes about itself next to the XSD, so the
 * API model and the bundled GraphQL schema can be built without starting
 * anything: xsd/rsdl.xml (its RSDL) and xsd/capabilities.xml (its
 * /api/capabilities). Tests fail when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { bundledCapabilitiesPath, bundledModel, bundledRsdlPath } from '../src/model/index.ts';
import { writeDocument } from '../src/xml/index.ts';
import { capabilitiesDocument } from '../src/simulator/capabilities.ts';
import { renderRsdl } from '../src/simulator/rsdl.ts';

export const rsdlFileText = (): string => renderRsdl(bundledModel(), undefined, { pretty: true }) + '\n';
export const capabilitiesFileText = (): string =>
  writeDocument(bundledModel(), 'capabilities', capabilitiesDocument(), { declaration: true, pretty: true, hrefBase: '/api' }) + '\n';

if (process.argv[1]?.endsWith('write-simulator-metadata.ts')) {
  writeFileSync(bundledRsdlPath, rsdlFileText());
  writeFileSync(bundledCapabilitiesPath, capabilitiesFileText());
  console.log('wrote xsd/rsdl.xml and xsd/capabilities.xml');
}
