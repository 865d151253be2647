/**
 * Client-side filtering, as Python-RHEV did it: `{ 'cluster.id': id, name: 'web-*' }`.
 * Dotted paths walk into nested objects; a string value is a glob (`*`, `?`,
 * `[...]`) that must match the whole `String(value)`, case-sensitively;
 * other values compare with `===`; every entry must match.
 */

export type Filter = Readonly<Record<string, unknown>>;

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body[0] === '!' ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  re = new RegExp(`^${out}$`, 's');
  cache.set(glob, re);
  return re;
}

export function valueAt(obj: unknown, path: string): unknown {
  let v: any = obj;
  for (const part of path.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = v[part];
  }
  return v;
}

export function matchesFilter(obj: unknown, filter: Filter): boolean {
  for (const [path, want] of Object.entries(filter)) {
    const got = valueAt(obj, path);
    if (typeof want === 'string') {
      if (got === undefined || got === null || !globToRegExp(want).test(String(got))) return false;
    } else if (got !== want) {
      return false;
    }
  }
  return true;
}
