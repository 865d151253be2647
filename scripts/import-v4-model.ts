/**
 * Writes the project's own description of API v4 from an engine's:
 * `api/v4/model.json` from the model.json a v4 engine serves (or the oVirt
 * metamodel tool writes), and `api/v4/api.xsd` from its `?schema`.
 *
 * Only the protocol's facts are kept: type, enum, service, method, locator
 * and parameter names, their types and order, and which methods are
 * signatures of which (a `from_scratch` add, a `to_path_on_host` export),
 * found with the rule model/services.ts applies to an engine's own file. The
 * documentation is dropped; the XSD is written again from what our reader
 * read (types, fields in wire order, enumerations, document elements).
 *
 *   tsx scripts/import-v4-model.ts <model.json> <api.xsd>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readXsd } from '../src/model/index.ts';
import { compactModel, type EngineModelJson } from '../src/model/services.ts';
import { writeXsd } from './write-xsd.ts';

const [modelPath, xsdPath] = process.argv.slice(2);
if (!modelPath || !xsdPath) {
  process.stderr.write('usage: tsx scripts/import-v4-model.ts <model.json> <api.xsd>\n');
  process.exit(2);
}
const out = fileURLToPath(new URL('../api/v4/', import.meta.url));
mkdirSync(out, { recursive: true });

const model = JSON.parse(readFileSync(modelPath, 'utf8')) as EngineModelJson;
const compact = compactModel(model);
writeFileSync(`${out}model.json`, `${JSON.stringify(compact, null, 1)}\n`);

const xsd = readXsd(readFileSync(xsdPath, 'utf8'), xsdPath);
writeFileSync(`${out}api.xsd`, writeXsd(xsd, 'oVirt Engine API v4: types, elements and values, as an engine of model 4.6 describes them.'));

const signatures = compact.services.reduce((n, s) => n + s.methods.reduce((m, x) => m + (x.signatures?.length ?? 0), 0), 0);
process.stderr.write(
  `api/v4: ${compact.types.length} types, ${compact.services.length} services, ${signatures} signatures; ${xsd.types.size} complex and ${xsd.simpleTypes.size} simple XSD types\n`,
);
