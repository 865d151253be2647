/**
 * Which records a list request returns, in which order: events newest first
 * and after `from`, an engine search (`?search=`, with its `page`), then
 * `;max=` (docs/protocol.md §3). Bad values get the engine's 400.
 */
import { badRequest, EngineFault } from './faults.ts';
import { applySearch, type FieldGetter, parseSearch, SearchSyntaxError } from './search.ts';
import type { Rec } from './store.ts';

export interface ListRequest {
  /** The audit log: newest first, and `from` applies. */
  readonly events: boolean;
  /** The search, where the collection is searchable. */
  readonly search: string | null;
  readonly fields: Record<string, FieldGetter<Rec>>;
  readonly query: URLSearchParams;
  readonly matrix: Map<string, string>;
}

/** The records a list answers with, from all those the caller may see. */
export function selectListed(all: Rec[], req: ListRequest): Rec[] {
  const { matrix } = req;
  let records = all;
  // v3 says `;max=`, v4 `?max=`.
  const max = matrix.get('max') ?? req.query.get('max') ?? undefined;
  if (max !== undefined && !/^-?\d+$/.test(max)) throw new EngineFault(400, 'Invalid value', `${max} is not a valid value for max`);
  const caseSensitive = (matrix.get('case_sensitive') ?? req.query.get('case_sensitive') ?? 'true').toLowerCase() !== 'false';
  if (req.events) {
    records.sort((a, b) => Number(b.id) - Number(a.id));
    const from = matrix.get('from') ?? req.query.get('from') ?? undefined;
    if (from !== undefined) {
      if (!/^\d+$/.test(from)) throw new EngineFault(400, 'Invalid value', `${from} is not a valid value for from`);
      records = records.filter((e) => Number(e.id) > Number(from));
    }
  }
  const search = req.search;
  let page: number | undefined;
  if (search) {
    try {
      const q = parseSearch(search);
      records = applySearch(records, q, req.fields, caseSensitive);
      page = q.page;
    } catch (e) {
      if (e instanceof SearchSyntaxError) throw badRequest(`Search query is invalid: ${e.message}`);
      throw e;
    }
  }
  const limit = max !== undefined && Number(max) >= 0 ? Number(max) : undefined;
  if (page !== undefined) {
    const size = limit ?? 100;
    records = records.slice((page - 1) * size, page * size);
  } else if (limit !== undefined) {
    records = records.slice(0, limit);
  }
  return records;
}
