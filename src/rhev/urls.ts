/**
 * The engine's URLs as the client writes them: `detail=` in the Accept
 * header, search values quoted, URL templates (`vms?search={query}`)
 * expanded, matrix parameters (`;max=10`) added, and a resource's path
 * below the entry point matched against the RSDL's templates.
 */

export function acceptDetail(detail: string | readonly string[] | undefined): Record<string, string> {
  if (!detail || (Array.isArray(detail) && !detail.length)) return {};
  const d = Array.isArray(detail) ? detail.join('+') : String(detail);
  return { accept: `application/xml; detail=${d}` };
}

export function quoteValue(v: string): string {
  return /[\s"]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v;
}

/** Expands `{var}`s; a matrix or query parameter whose variable is not given is dropped. */
export function expand(template: string, vars: Record<string, string>): string {
  const [path, query = ''] = template.split('?');
  const p = path.replace(/;([^;=?]+)=\{([^}]+)\}/g, (_m, k: string, v: string) =>
    vars[v] !== undefined ? `;${k}=${encodeURIComponent(vars[v])}` : '',
  );
  const q = query
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const m = /^([^=]+)=\{([^}]+)\}$/.exec(part);
      if (!m) return part;
      return vars[m[2]] !== undefined && vars[m[2]] !== '' ? `${m[1]}=${encodeURIComponent(vars[m[2]])}` : '';
    })
    .filter(Boolean)
    .join('&');
  return q ? `${p}?${q}` : p;
}

export function withMatrix(href: string, params: Record<string, unknown>): string {
  const extra = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `;${k}=${encodeURIComponent(String(v))}`)
    .join('');
  if (!extra) return href;
  const q = href.indexOf('?');
  return q < 0 ? href + extra : href.slice(0, q) + extra + href.slice(q);
}

/** Adds query parameters (those not undefined) to an href. */
export function withQuery(href: string, params: Record<string, unknown>): string {
  const extra = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  if (!extra) return href;
  return `${href}${href.includes('?') ? '&' : '?'}${extra}`;
}

/** A read as it goes to the engine: where, and with which headers. */
export interface Asked {
  readonly href: string;
  readonly headers: Record<string, string>;
}

/**
 * What identifies a read: two reads with the same key get the same answer
 * from the engine. Joining (exchange.ts) and the freshness window
 * (reading.ts) both key by it.
 */
export function askedKey(asked: Asked): string {
  return `${asked.href}\n${JSON.stringify(asked.headers)}`;
}

/**
 * How a read asks for its size limit and for what the engine should put
 * inside its answer (`inline`: sub-collections, and on v4 paths through
 * them, `disk_attachments.disk`), per dialect (docs/protocol.md §3, §11):
 * v3 with matrix parameters and `detail=` in the Accept header; v4 with
 * query parameters and `follow=`.
 */
export function listRequest(
  dialect: 'v3' | 'v4',
  href: string,
  o: { max?: number; caseSensitive?: boolean; inline?: string | readonly string[] },
): Asked {
  if (dialect === 'v3') return { href: withMatrix(href, { max: o.max, case_sensitive: o.caseSensitive }), headers: acceptDetail(o.inline) };
  const follow = o.inline === undefined ? undefined : Array.isArray(o.inline) ? o.inline.join(',') : String(o.inline).replace(/\+/g, ',');
  return { href: withQuery(href, { max: o.max, case_sensitive: o.caseSensitive, follow: follow || undefined }), headers: {} };
}

export function relativePath(href: string, entrypoint: string): string {
  let p = href;
  try {
    p = new URL(href, 'http://x').pathname;
  } catch {
    /* keep */
  }
  const i = p.indexOf(`${entrypoint}/`);
  return (i >= 0 ? p.slice(i + entrypoint.length + 1) : p.replace(/^\//, '')).replace(/;[^/]*/g, '');
}

export function templateMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/').filter(Boolean);
  return t.length === p.length && t.every((seg, i) => /^\{[^}]+\}$/.test(seg) || seg === p[i]);
}
