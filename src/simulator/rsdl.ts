/**
 * The RSDL the simulator serves at `GET /api?rsdl` is the document its route
 * table is built from (api/rsdl.xml), so what it says it serves and what it
 * serves are one thing. Its entries also answer misused operations: the
 * engine sends the RSDL entry of the operation with its usage message.
 */
import { readFileSync } from 'node:fs';
import { bundledRsdlPath, pathKey, type XsdModel } from '../model/index.ts';
import { readDocument } from '../xml/index.ts';

/** One RSDL entry, as the XML reader gives it. */
export type RsdlLink = Record<string, unknown> & { href: string; rel: string };

let text: string | undefined;

/** The RSDL document; its hrefs are relative, so one text serves every root. */
export function rsdlText(): string {
  return (text ??= readFileSync(bundledRsdlPath, 'utf8'));
}

const CRUD = new Set(['get', 'add', 'update', 'delete']);

/**
 * Every entry by the key the engine's handlers name an operation with:
 * `vms/{id}/disks#add`, `vms/{id}#update`, `vms/{id}#start`, `events#undelete`.
 */
export function rsdlEntries(model: XsdModel): Map<string, RsdlLink> {
  const links: RsdlLink[] = readDocument(model, rsdlText()).value.links?.link ?? [];
  const out = new Map<string, RsdlLink>();
  for (const l of links) {
    const target = CRUD.has(l.rel) ? l.href : l.href.replace(/\/[^/]+$/, '');
    out.set(`${pathKey(target)}#${l.rel}`, l);
  }
  return out;
}
