/**
 * Writes xsd/rsdl.xml: the simulator's RSDL, checked in next to the XSD so
 * the API model (and everything generated from it) can be built without
 * starting anything. A test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { bundledModel, bundledRsdlPath } from '../src/model/index.ts';
import { renderRsdl } from '../src/simulator/rsdl.ts';

export const rsdlFileText = (): string => renderRsdl(bundledModel(), undefined, { pretty: true }) + '\n';

writeFileSync(bundledRsdlPath, rsdlFileText());
console.log(`wrote ${bundledRsdlPath.split('/').slice(-2).join('/')}`);
