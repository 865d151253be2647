/**
 * `rhev-graphql schema`: generate schema.graphql from files, URLs or an engine.
 */
import { writeFile } from 'node:fs/promises';
import {
  bundledCapabilitiesPath,
  bundledRsdlPath,
  bundledV4ModelPath,
  bundledV4XsdPath,
  bundledXsdPath,
  DescriptionError,
} from '../model/index.ts';
import type { EngineAccess } from '../rhev/index.ts';
import { settingDefault } from '../settings/index.ts';
import { generateSchema } from './generate.ts';
import { NameCollisionError } from './names.ts';
import { fromEngine, readSource, SourceError, type Sources } from './sources.ts';

export interface SchemaCommandOptions extends EngineAccess {
  xsd?: string;
  /** A path or URL; `false` for --no-rsdl. */
  rsdl?: string | boolean;
  /** A path or URL of an /api/capabilities document; `false` for --no-capabilities. */
  capabilities?: string | boolean;
  /** API v4: a path or URL of the engine's model.json. */
  model?: string;
  /** Which bundled description, when neither an XSD nor a URL is given. */
  apiVersion?: string;
  url?: string;
  out?: string;
}

/** Runs the command; returns the exit code (messages go to stderr). */
export async function runSchemaCommand(
  o: SchemaCommandOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const started = performance.now();
  try {
    const conn = { username: o.username, password: o.password, caFile: o.caFile, insecure: o.insecure };
    let src: Sources;
    // commander gives `true` for an option left at its default when a --no-x form exists.
    const rsdl = typeof o.rsdl === 'string' ? o.rsdl : o.rsdl === false ? false : undefined;
    const caps = typeof o.capabilities === 'string' ? o.capabilities : o.capabilities === false ? false : undefined;
    if (o.url) {
      src = await fromEngine({ ...conn, url: o.url });
      if (rsdl === false) src = { ...src, rsdl: undefined, rsdlSource: undefined };
      if (caps === false) src = { ...src, capabilities: undefined, capabilitiesSource: undefined };
    } else if (o.model || o.apiVersion === '4') {
      if (o.model && !o.xsd) throw new SourceError(o.model, 'a model.json needs the XSD of the same engine (--xsd)');
      src = {
        xsd: await readSource(o.xsd ?? bundledV4XsdPath, conn),
        xsdSource: o.xsd ?? 'api/v4/api.xsd',
        model: await readSource(o.model ?? bundledV4ModelPath, conn),
        modelSource: o.model ?? 'api/v4/model.json',
      };
    } else {
      if (o.apiVersion !== undefined && o.apiVersion !== '3')
        throw new SourceError('--api-version', `expected 3 or 4, got ${o.apiVersion}`);
      const bundled = !o.xsd;
      const rsdlPath = rsdl === false ? undefined : (rsdl ?? (bundled ? bundledRsdlPath : undefined));
      const capsPath = caps === false ? undefined : (caps ?? (bundled ? bundledCapabilitiesPath : undefined));
      src = {
        xsd: await readSource(o.xsd ?? bundledXsdPath, conn),
        xsdSource: o.xsd ?? 'api/api.xsd',
        ...(rsdlPath ? { rsdl: await readSource(rsdlPath, conn), rsdlSource: rsdl || 'api/rsdl.xml' } : {}),
        ...(capsPath ? { capabilities: await readSource(capsPath, conn), capabilitiesSource: caps || 'api/capabilities.xml' } : {}),
      };
    }
    // The bundled schemas carry the server's default hints, so they are the schema a default server serves.
    const g = generateSchema({ ...src, cacheMaxAgeSeconds: settingDefault<number>('cacheMaxAgeSeconds') });
    if (o.out) await writeFile(o.out, g.sdl);
    else process.stdout.write(g.sdl);
    const counts = `${g.plan.types.size} types, ${g.plan.query.length} query fields, ${g.plan.mutation.length} mutations, ${g.plan.subscription.length} subscriptions`;
    log(
      `schema: ${counts} from ${[src.xsdSource, src.modelSource ?? src.rsdlSource ?? '(no RSDL)', src.capabilitiesSource ?? '(no capabilities)'].join(', ')} in ${Math.round(performance.now() - started)} ms${o.out ? ` -> ${o.out}` : ''}`,
    );
    for (const n of g.plan.notes) log(`schema: note: ${n}`);
    return 0;
  } catch (e) {
    if (e instanceof DescriptionError || e instanceof SourceError || e instanceof NameCollisionError) {
      log(`schema: ${e.message}`);
      return 1;
    }
    log(`schema: failed: ${(e as Error).message}`);
    return 2;
  }
}
