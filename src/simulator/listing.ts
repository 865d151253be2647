/**
 * Which records a list request returns, in which order: events newest first
 * and after `from`, an engine search (`?search=`, with its `page`), then
 * `;max=` (docs/protocol.md §3). Bad values get the engine's 400. And the
 * list's answer, written as it is sent.
 */
import { wantsAllContent, withAllContent } from './all-content.ts';
import { dialect } from './dialects.ts';
import { detailOf, inline } from './documents.ts';
import { badRequest, EngineFault } from './faults.ts';
import { type FollowCache, followed, followOf } from './follow.ts';
import { listPieces } from './media.ts';
import type { EngineRequest, EngineResponse } from './messages.ts';
import type { Spec } from './routes.ts';
import { applySearch, type FieldGetter, parseSearch, SearchSyntaxError } from './search.ts';
import type { Rec, Store } from './store.ts';

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

/** Records of a list expanded together (v4 `follow=` shares its lookups within a batch). */
const EXPAND_BATCH = 500;

/**
 * A list answer written as it is sent (messages.ts `pieces`): each record
 * is expanded (v3 `detail=`, v4 `follow=`) and put in the
 * dialect's shape only when its turn comes, so a list of any size costs
 * the memory of a few items at a time.
 */
export function listAnswer(store: Store, req: EngineRequest, s: Spec, records: Rec[]): EngineResponse {
  // One follow cache for the whole list: each collection a reference leads into is indexed once.
  const cache: FollowCache = new Map();
  const expand = (batch: Rec[]) => expanded(store, req, s, batch, cache);
  const d = dialect(req.dialect);
  const itemType = d.model.elements.get(s.item) ?? '';
  // The first batch is expanded now: a request it refuses (an unknown `follow=`) gets its fault, not half an answer.
  const first = expand(records.slice(0, EXPAND_BATCH));
  const wired = function* (): Generator<object> {
    for (const r of first) yield d.wire(itemType, r);
    for (let i = EXPAND_BATCH; i < records.length; i += EXPAND_BATCH)
      for (const r of expand(records.slice(i, i + EXPAND_BATCH))) yield d.wire(itemType, r);
  };
  const { pieces, type } = listPieces(req, s.collection, s.item, wired());
  return { status: 200, headers: { 'content-type': type }, body: '', pieces };
}

/** Records with what the request asks to inline: v3's `detail=` sub-collections, v4's `follow=` links (and `all_content`). */
export function expanded(store: Store, req: EngineRequest, s: Spec, records: Rec[], cache: FollowCache = new Map()): Rec[] {
  if (req.dialect === 'v4') {
    const paths = followOf(req);
    const all = s.item === 'vm' && wantsAllContent(req) ? records.map(withAllContent) : records;
    return paths.length ? all.map((r) => followed(store, dialect('v4').routes, s, r, paths, cache)) : all;
  }
  const detail = detailOf(req, s.key);
  return detail.size ? records.map((r) => inline(store, r, detail)) : records;
}
