/**
 * Naming rules of the generated schema. They are documented with examples in
 * docs/schema-mapping.md; the generator fails on a collision instead of
 * renaming anything behind the user's back.
 */

export class NameCollisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameCollisionError';
  }
}

/** `data_center` -> `dataCenter`; `detailedLink` stays. */
export function camel(xml: string): string {
  return xml.replace(/[_-]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

/** `storage_domain` -> `StorageDomain`, `vm` -> `Vm`. */
export function pascal(xml: string): string {
  const c = camel(xml);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** `HTTP_METHOD`-style enum value from a schema value. */
export function enumValue(v: string): string {
  const s = v.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** Collects names in one namespace and refuses duplicates, naming both origins. */
export class Namespace {
  private readonly seen = new Map<string, string>();

  constructor(private readonly what: string) {}

  add(name: string, origin: string): string {
    const before = this.seen.get(name);
    if (before !== undefined && before !== origin) {
      throw new NameCollisionError(`${this.what} ${name} would come from both ${before} and ${origin}; rename one in the source schema`);
    }
    this.seen.set(name, origin);
    return name;
  }

  has(name: string): boolean {
    return this.seen.has(name);
  }
}

/** A description as a sentence: capitalised, with a full stop. */
export function sentence(s: string): string {
  const t = s.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
