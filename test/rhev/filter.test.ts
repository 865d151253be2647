/**
 * The glob matcher: what it matches (checked against a plain recursive
 * matcher on every small pattern and value), what it refuses, and that no
 * glob makes it backtrack.
 */
import { describe, expect, it } from 'vitest';
import { globCacheSize } from '../../src/rhev/filter.ts';
import { BadFilter, checkFilter, compileGlob, globMatches, matchesFilter } from '../../src/rhev/index.ts';

/** The obvious exponential matcher over a tiny alphabet: slow, but plainly right. */
function reference(p: string, s: string): boolean {
  if (!p) return !s;
  if (p[0] === '*') return reference(p.slice(1), s) || (s.length > 0 && reference(p, s.slice(1)));
  if (!s) return false;
  if (p[0] === '?' || p[0] === s[0]) return reference(p.slice(1), s.slice(1));
  return false;
}

function* words(alphabet: string, max: number): Generator<string> {
  yield '';
  let level = [''];
  for (let n = 1; n <= max; n++) {
    level = level.flatMap((w) => [...alphabet].map((c) => w + c));
    yield* level;
  }
}

describe('globMatches', () => {
  it('agrees with a reference matcher on every pattern of up to 5 characters over *?ab and every value of up to 5 over ab', () => {
    const values = [...words('ab', 5)];
    let checked = 0;
    for (const p of words('*?ab', 5)) {
      const g = compileGlob(p);
      for (const v of values) {
        expect(globMatches(g, v), `${p} ~ ${v}`).toBe(reference(p, v));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(80_000);
  });

  it('reads classes, ranges, negation and escapes', () => {
    expect(globMatches('web-[0-9][0-9]', 'web-42')).toBe(true);
    expect(globMatches('web-[!0-9]*', 'web-x1')).toBe(true);
    expect(globMatches('web-[!0-9]*', 'web-1x')).toBe(false);
    expect(globMatches('a\\*b', 'a*b')).toBe(true);
    expect(globMatches('a\\*b', 'axb')).toBe(false);
    expect(globMatches('[\\]]', ']')).toBe(true);
    expect(globMatches('[a-]', '-')).toBe(true);
    expect(globMatches('*.example.com', 'db.example.com')).toBe(true);
  });

  it('refuses globs that cannot be read, with BadFilter', () => {
    for (const bad of ['[\\]', 'web[1', '[]', '[z-a]', 'trailing\\']) {
      expect(() => compileGlob(bad), bad).toThrow(BadFilter);
    }
    expect(() => checkFilter({ name: '[\\]' })).toThrow(BadFilter);
    // Non-string filter values are compared, not compiled.
    expect(matchesFilter({ up: true }, { up: true })).toBe(true);
  });

  it('does not backtrack: 200 stars against 10,000 characters finish (a backtracking regex would not in this lifetime)', () => {
    const value = 'a'.repeat(10_000);
    expect(globMatches(`${'*'.repeat(200)}X`, value)).toBe(false);
    expect(globMatches(`${'*a'.repeat(100)}*X`, value)).toBe(false);
    expect(globMatches(`${'*a'.repeat(100)}*`, value)).toBe(true);
  });

  it('keeps at most 256 compiled globs, the most recently used', () => {
    for (let i = 0; i < 1000; i++) compileGlob(`name-${i}-*`);
    expect(globCacheSize()).toBeLessThanOrEqual(256);
    compileGlob(`${'x'.repeat(5000)}*`);
    expect(globCacheSize()).toBeLessThanOrEqual(256);
  });

  it('does not walk into prototypes', () => {
    expect(matchesFilter({ name: 'a' }, { '__proto__.constructor.name': 'Object' })).toBe(false);
    expect(matchesFilter({ name: 'a' }, { 'constructor.name': '*' })).toBe(false);
  });
});
