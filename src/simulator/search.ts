/**
 * The engine's search language, as far as people use it:
 *
 *   criteria [sortby field [asc|desc]] [page N]
 *   criteria := term ((and|or) term)*      and binds tighter than or
 *   term     := field op value | value      a bare value matches the name
 *   op       := = != < > <= >=
 *
 * Keywords are case-insensitive. String `=` and `!=` are LIKE comparisons with
 * `*` as the wildcard, case-sensitive unless the request said
 * `;case_sensitive=false`. Values with spaces are quoted. Cross-object fields
 * (`vms.status=up` on hosts) come from the collection's field table.
 */

export class SearchSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchSyntaxError';
  }
}

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

export interface Term {
  readonly field: string;
  readonly op: Op;
  readonly value: string;
}

export interface Query {
  /** Disjunction of conjunctions. */
  readonly any: readonly (readonly Term[])[];
  readonly sortBy?: { field: string; desc: boolean };
  readonly page?: number;
}

/** A field's value(s) for a record; several values match if any does. */
export type FieldGetter<R> = (r: R) => string | number | undefined | readonly (string | number | undefined)[];

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|<=|>=|=|<|>)|([^\s=!<>"']+))/y;

export function parseSearch(text: string): Query {
  const tokens: { kind: 'str' | 'op' | 'word'; text: string }[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  const src = text.trim();
  while (pos < src.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m || m.index !== pos) throw new SearchSyntaxError(`cannot read the search at "${src.slice(pos, pos + 20)}"`);
    if (m[1] !== undefined) tokens.push({ kind: 'str', text: m[1].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[2] !== undefined) tokens.push({ kind: 'op', text: m[2] });
    else tokens.push({ kind: 'word', text: m[3] });
    pos = TOKEN.lastIndex;
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  }
  // A prefix such as `Vms:` (what the engine's UI sends) names the collection; skip it.
  if (tokens.length && tokens[0].kind === 'word' && /^[A-Za-z]+:$/.test(tokens[0].text)) tokens.shift();

  const any: Term[][] = [[]];
  let sortBy: Query['sortBy'];
  let page: number | undefined;
  let i = 0;
  const kw = (k: string) => tokens[i]?.kind === 'word' && tokens[i].text.toLowerCase() === k;
  let expectTerm = true;
  while (i < tokens.length) {
    if (kw('sortby')) {
      i++;
      const f = tokens[i++];
      if (!f || f.kind === 'op') throw new SearchSyntaxError('sortby needs a field name');
      let desc = false;
      if (kw('asc')) i++;
      else if (kw('desc')) {
        desc = true;
        i++;
      }
      sortBy = { field: f.text.toLowerCase(), desc };
      continue;
    }
    if (kw('page')) {
      i++;
      const n = tokens[i++];
      if (!n || !/^\d+$/.test(n.text) || Number(n.text) < 1) throw new SearchSyntaxError('page needs a positive number');
      page = Number(n.text);
      continue;
    }
    if (sortBy || page) throw new SearchSyntaxError('criteria must come before sortby and page');
    if (kw('and') || kw('or')) {
      if (expectTerm) throw new SearchSyntaxError(`"${tokens[i].text}" needs a condition before it`);
      if (kw('or')) any.push([]);
      i++;
      expectTerm = true;
      continue;
    }
    if (!expectTerm) {
      // Two conditions side by side mean "and", as in the engine.
      expectTerm = true;
    }
    const a = tokens[i];
    if (a.kind === 'op') throw new SearchSyntaxError(`"${a.text}" needs a field name before it`);
    const op = tokens[i + 1];
    if (op?.kind === 'op') {
      const v = tokens[i + 2];
      if (!v || v.kind === 'op') throw new SearchSyntaxError(`"${a.text}${op.text}" needs a value`);
      any[any.length - 1].push({ field: a.text.toLowerCase(), op: op.text as Op, value: v.text });
      i += 3;
    } else {
      any[any.length - 1].push({ field: 'name', op: '=', value: a.text });
      i += 1;
    }
    expectTerm = false;
  }
  if (expectTerm && any.some((c) => c.length)) throw new SearchSyntaxError('the search ends with "and" or "or"');
  return { any: any.filter((c) => c.length), sortBy, page };
}

function likeToRegExp(pattern: string, caseSensitive: boolean): RegExp {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

/**
 * Applies a parsed query to records. Unknown fields are an error, as in the
 * engine, so a typo does not silently return everything.
 */
export function applySearch<R>(
  records: Iterable<R>,
  q: Query,
  fields: Readonly<Record<string, FieldGetter<R>>>,
  caseSensitive: boolean,
): R[] {
  const compiled = q.any.map((conj) =>
    conj.map((t) => {
      const get = fields[t.field];
      if (!get) throw new SearchSyntaxError(`unknown search field "${t.field}"`);
      const numeric = /^-?\d+(\.\d+)?$/.test(t.value);
      const re = t.op === '=' || t.op === '!=' ? likeToRegExp(t.value, caseSensitive) : undefined;
      return (r: R): boolean => {
        const raw = get(r);
        const values = Array.isArray(raw) ? raw : [raw];
        const hit = (v: string | number | undefined): boolean => {
          if (v === undefined) return false;
          switch (t.op) {
            case '=':
              return re!.test(String(v));
            case '!=':
              return !re!.test(String(v));
            default: {
              const a = numeric && typeof v === 'number' ? v : String(v);
              const b = numeric && typeof v === 'number' ? Number(t.value) : t.value;
              return t.op === '<' ? a < b : t.op === '>' ? a > b : t.op === '<=' ? a <= b : a >= b;
            }
          }
        };
        return t.op === '!=' ? values.every(hit) : values.some(hit);
      };
    }),
  );
  let out: R[] = [];
  for (const r of records) {
    if (compiled.length === 0 || compiled.some((conj) => conj.every((test) => test(r)))) out.push(r);
  }
  if (q.sortBy) {
    const get = fields[q.sortBy.field];
    if (!get) throw new SearchSyntaxError(`unknown sortby field "${q.sortBy.field}"`);
    const key = (r: R) => {
      const v = get(r);
      return Array.isArray(v) ? v[0] : v;
    };
    const dir = q.sortBy.desc ? -1 : 1;
    out = out.sort((a, b) => {
      const x = key(a),
        y = key(b);
      if (x === y) return 0;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }
  return out;
}
