/**
 * Where the generator's inputs come from: files, URLs, or a running engine
 * (its `?schema` and `?rsdl`, and the capabilities its entry point links to).
 *
 * A URL is fetched with the client's transport alone (TLS options, sessions,
 * time and size bounds), not with the bound client: the generator needs
 * documents, not resources, and the client's binding is made from the very
 * description being fetched here.
 */
import { readFile } from 'node:fs/promises';
import { readXsd } from '../model/index.ts';
import type { ConnectionOptions } from '../rhev/options.ts';
import { type HttpResponse, Transport } from '../rhev/transport.ts';
import { readExpected } from '../xml/index.ts';
import type { GeneratorInput } from './generate.ts';

export class SourceError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'SourceError';
  }
}

/** What the generator reads, read: every source named. */
export type Sources = GeneratorInput & { xsdSource: string };

/** Reads a file path or fetches an http(s) URL. */
export async function readSource(where: string, conn: ConnectionOptions = {}): Promise<string> {
  if (/^https?:\/\//.test(where)) {
    const t = openTransport(new URL('.', where).href, conn);
    try {
      return (await fetchOk(t, where)).body;
    } finally {
      await t.close();
    }
  }
  try {
    return await readFile(where, 'utf8');
  } catch (e) {
    throw new SourceError(where, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
}

/**
 * An engine's own description: its schema, and its model.json (API v4) or
 * RSDL (API v3); an engine with neither (before 3.1) gives only the schema.
 */
export async function fromEngine(options: ConnectionOptions & { url: string }): Promise<Sources> {
  const entry = `${options.url.replace(/\/$/, '')}/`;
  const t = openTransport(entry, options);
  try {
    const xsd = await fetchOk(t, `${entry}?schema`);
    const model = await fetch(t, `${entry}model.json`);
    if (model.status === 200 && model.body.trimStart().startsWith('{')) {
      return { xsd: xsd.body, xsdSource: `${entry}?schema`, model: model.body, modelSource: `${entry}model.json` };
    }
    const rsdl = await fetch(t, `${entry}?rsdl`);
    // The capabilities' URL, like every URL, comes from the entry point's links,
    // read with the engine's own schema.
    const api = await fetchOk(t, entry);
    const doc = readExpected(
      readXsd(xsd.body, `${entry}?schema`),
      api.body,
      'api',
      (_p, detail) => new SourceError(entry, `not an API entry point: ${detail}`),
    );
    const capsLink: string | undefined = doc.value.link?.find((l: { rel?: string }) => l.rel === 'capabilities')?.href;
    const caps = capsLink ? await fetch(t, capsLink) : undefined;
    return {
      xsd: xsd.body,
      xsdSource: `${entry}?schema`,
      ...(rsdl.status === 200 && rsdl.body.includes('<rsdl') ? { rsdl: rsdl.body, rsdlSource: `${entry}?rsdl` } : {}),
      ...(caps?.status === 200 ? { capabilities: caps.body, capabilitiesSource: capsLink } : {}),
    };
  } finally {
    await t.close();
  }
}

function openTransport(url: string, options: ConnectionOptions): Transport {
  const u = new URL(url);
  const username = options.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
  const password = options.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  u.username = '';
  u.password = '';
  return new Transport(
    u,
    { ...options, username, password },
    { retries: () => options.retries ?? 2, verbosity: () => 1, logger: options.logger },
  );
}

async function fetch(t: Transport, where: string): Promise<HttpResponse> {
  try {
    return await t.request('GET', where);
  } catch (e) {
    throw new SourceError(where, (e as Error).message);
  }
}

async function fetchOk(t: Transport, where: string): Promise<HttpResponse> {
  const res = await fetch(t, where);
  if (res.status === 401) throw new SourceError(where, 'the engine refused the credentials (HTTP 401)');
  if (res.status !== 200) throw new SourceError(where, `HTTP ${res.status}`);
  return res;
}
