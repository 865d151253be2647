/**
 * Where things are: the client never builds a URL by hand (docs/protocol.md
 * §2). It starts from the entry point's links, follows the `<link rel>`s of
 * the resources it has, and uses the `rel/search` templates for searches,
 * so it works against any engine generation that publishes its links
 * (`/api`, `/ovirt-engine/api`, `/rhevm-api`).
 *
 * The entry document is kept once read; a resource's document, read only
 * for its links, is kept by href (links do not change).
 */
import type { Doc as Obj } from '../xml/index.ts';
import { typeOf } from './binding.ts';
import { hrefOf } from './bound.ts';
import { NotFound } from './errors.ts';
import type { RequestOptions } from './exchange.ts';
import type { HttpResponse } from './transport.ts';

/** What finding links needs of the connection. */
export interface LinkSource {
  request(method: string, href: string, opts?: RequestOptions): Promise<HttpResponse>;
  check(res: HttpResponse, ok: number[]): void;
  parse(xml: string, expected?: string): Obj;
  /** Reads the entry point (and so settles the dialect); it calls `Links.entered`. */
  readEntry(signal: AbortSignal | undefined): Promise<unknown>;
}

export class Links {
  private entry?: Obj;
  private readonly docs = new Map<string, Obj>();

  constructor(private readonly source: LinkSource) {}

  /** The entry point's document, as the connection just read it. */
  entered(doc: Obj): void {
    this.entry = doc;
  }

  /** Everything read is forgotten (a new URL, or the connection closed). */
  reset(): void {
    this.entry = undefined;
    this.docs.clear();
  }

  /** The href of the entry point's link `rel`, if the entry point was read and has one; no request. */
  known(rel: string): string | undefined {
    return ((this.entry?.link ?? []) as Obj[]).find((l) => l.rel === rel)?.href;
  }

  /** The href of the link `rel` of `base`, or of the entry point without one; NotFound when there is none. */
  async href(rel: string, base: object | undefined, signal?: AbortSignal): Promise<string> {
    const link = (await this.of(base, signal)).find((l) => l.rel === rel);
    if (link) return link.href;
    const owner = base ? `${typeOf(base) ?? 'The resource'} ${(base as Obj).id ?? ''}`.trim() : 'The entry point';
    throw new NotFound(`${owner} has no link to ${rel}`);
  }

  /** The search template of the collection `rel` (`vms/search`), if the engine offers one. */
  async searchTemplate(rel: string, base: object | undefined, signal: AbortSignal | undefined): Promise<string | undefined> {
    return (await this.of(base, signal)).find((l) => l.rel === `${rel}/search`)?.href;
  }

  /** The links of a resource (read once when it carries none), or of the entry point with its special objects. */
  private async of(base: object | undefined, signal: AbortSignal | undefined): Promise<Obj[]> {
    if (!base) {
      if (!this.entry) await this.source.readEntry(signal);
      const e = this.entry!;
      return [...(e.link ?? []), ...(e.special_objects?.link ?? [])];
    }
    const b = base as Obj;
    if (b.link) return b.link;
    const href = hrefOf(base);
    let doc = this.docs.get(href);
    if (!doc) {
      const res = await this.source.request('GET', href, { signal });
      this.source.check(res, [200]);
      doc = this.source.parse(res.body);
      this.docs.set(href, doc);
    }
    return doc.link ?? [];
  }
}
