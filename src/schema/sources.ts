/**
 * Where the generator's inputs come from: files, URLs, or a running engine
 * (its `?schema` and `?rsdl`, fetched with the client, credentials and TLS
 * options included).
 */
import { readFile } from 'node:fs/promises';
import { Connection, type ConnectionOptions } from '../rhev/index.ts';

export class SourceError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'SourceError';
  }
}

export interface Sources {
  xsd: string;
  xsdSource: string;
  rsdl?: string;
  rsdlSource?: string;
  capabilities?: string;
  capabilitiesSource?: string;
}

/** Reads a file path or fetches an http(s) URL. */
export async function readSource(where: string, conn?: ConnectionOptions): Promise<string> {
  if (/^https?:\/\//.test(where)) {
    const c = new Connection({ ...conn, url: new URL('.', where).href });
    try {
      const res = await c.http('GET', where);
      if (res.status !== 200) throw new SourceError(where, `HTTP ${res.status}`);
      return res.body;
    } catch (e) {
      if (e instanceof SourceError) throw e;
      throw new SourceError(where, (e as Error).message);
    } finally {
      await c.close();
    }
  }
  try {
    return await readFile(where, 'utf8');
  } catch (e) {
    throw new SourceError(where, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
}

/** An engine's own schema and RSDL; an engine without an RSDL (before 3.1) gives only the schema. */
export async function fromEngine(options: ConnectionOptions & { url: string }): Promise<Sources> {
  const c = new Connection(options);
  try {
    const entry = `${options.url.replace(/\/$/, '')}/`;
    const xsd = await c.http('GET', `${entry}?schema`);
    if (xsd.status !== 200) throw new SourceError(`${entry}?schema`, `HTTP ${xsd.status}`);
    const rsdl = await c.http('GET', `${entry}?rsdl`);
    // The capabilities' URL, like every URL, comes from the entry point's links.
    const capsLink = (await c.api()).link?.find((l) => l.rel === 'capabilities')?.href;
    const caps = capsLink ? await c.http('GET', capsLink) : undefined;
    return {
      xsd: xsd.body, xsdSource: `${entry}?schema`,
      ...(rsdl.status === 200 && rsdl.body.includes('<rsdl') ? { rsdl: rsdl.body, rsdlSource: `${entry}?rsdl` } : {}),
      ...(caps?.status === 200 ? { capabilities: caps.body, capabilitiesSource: capsLink } : {}),
    };
  } finally {
    await c.close();
  }
}
