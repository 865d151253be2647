/**
 * Reading the settings of the registry from where an operator puts them.
 * One value per setting, from the first source that has it:
 *
 * 1. a flag (`--max-depth 5`);
 * 2. an environment variable (`RHEV_MAX_DEPTH=5`);
 * 3. the config file (`--config file.yaml`, or `RHEV_CONFIG`: YAML or
 *    JSON, keys as the registry names them, nested or dotted:
 *    `limits: { maxDepth: 5 }` or `limits.maxDepth: 5`);
 * 4. the registry's default (or unset, for its reader to decide).
 *
 * A secret (the service account's password) may also come from a file:
 * `--rhev-password-file`, `RHEV_PASSWORD_FILE` (as container secrets are
 * mounted), read at that source's rank.
 *
 * Every value is checked against its setting's type; a bad one, or a key
 * the registry does not know, is a SettingError naming the setting and
 * where the value came from, and nothing starts.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SETTINGS, type Setting, type SettingValue, settingNamed } from './registry.ts';

export type SettingSource = 'flag' | 'environment' | 'config file' | 'default';

export interface ReadValue {
  readonly value: SettingValue;
  readonly from: SettingSource;
}

/** Values by setting name; a setting absent here is unset. */
export type ReadSettings = ReadonlyMap<string, ReadValue>;

export interface SettingSources {
  /** What was given as flags, by setting name: a string, or a boolean for a boolean flag. */
  readonly flags: ReadonlyMap<string, string | boolean>;
  /** Secrets given as files by flag (`--rhev-password-file`), by setting name. */
  readonly flagFiles?: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file's path. */
  readonly file?: string;
}

export class SettingError extends Error {
  override readonly name = 'SettingError';
}

export function readSettings(sources: SettingSources): ReadSettings {
  const file = sources.file ? readConfigFile(sources.file) : new Map<string, unknown>();
  const out = new Map<string, ReadValue>();
  for (const s of SETTINGS) {
    const found = firstGiven(s, sources, file);
    if (found) out.set(s.name, { value: parseValue(s, found.raw, found.where), from: found.from });
    else if (s.default !== undefined) out.set(s.name, { value: s.default, from: 'default' });
  }
  return out;
}

/** Where a setting is given first, by the ranks of the header. */
function firstGiven(
  s: Setting,
  sources: SettingSources,
  file: ReadonlyMap<string, unknown>,
): { raw: unknown; from: SettingSource; where: string } | undefined {
  const flag = sources.flags.get(s.name);
  if (flag !== undefined) return { raw: flag, from: 'flag', where: s.flag };
  const flagFile = sources.flagFiles?.get(s.name);
  if (flagFile !== undefined) return { raw: secretFile(s, flagFile, `${s.flag}-file`), from: 'flag', where: `${s.flag}-file` };
  const env = sources.env[s.env];
  if (env !== undefined && env !== '') return { raw: env, from: 'environment', where: s.env };
  const envFile = s.secret ? sources.env[`${s.env}_FILE`] : undefined;
  if (envFile) return { raw: secretFile(s, envFile, `${s.env}_FILE`), from: 'environment', where: `${s.env}_FILE` };
  if (file.has(s.name)) return { raw: file.get(s.name), from: 'config file', where: `${s.name} in ${sources.file}` };
  return undefined;
}

/** A secret read from a file: its content without the line break editors and `echo` leave at the end. */
function secretFile(s: Setting, path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new SettingError(`${s.name} (${where}): cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A config file's settings by name, nested keys joined with dots. */
export function readConfigFile(path: string): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SettingError(`config file ${path}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    // JSON is YAML too; a .json file is read strictly, as JSON.
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new SettingError(`config file ${path}: not ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const out = new Map<string, unknown>();
  if (doc === null || doc === undefined) return out;
  if (!isPlainObject(doc)) throw new SettingError(`config file ${path}: expected a mapping of settings at the top`);
  flatten(doc, '', out, path);
  return out;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, unknown>, path: string): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = `${prefix}${k}`;
    if (settingNamed(name)) {
      out.set(name, v);
    } else if (isPlainObject(v) && SETTINGS.some((s) => s.name.startsWith(`${name}.`))) {
      flatten(v, `${name}.`, out, path);
    } else {
      const near = SETTINGS.find(
        (s) => s.name.startsWith(prefix) && distance(s.name.slice(prefix.length).toLowerCase(), k.toLowerCase()) <= 2,
      );
      throw new SettingError(`config file ${path}: unknown setting ${name}${near ? ` (did you mean ${near.name}?)` : ''}`);
    }
  }
}

/** Edits (insert, delete, replace) from one word to another: a misspelt key's nearest setting. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value checked against its setting's type. */
export function parseValue(s: Setting, raw: unknown, where: string): SettingValue {
  const bad = (expected: string) =>
    new SettingError(`${s.name} (${where}): expected ${expected}, got ${s.secret ? 'a value' : JSON.stringify(raw)?.slice(0, 80)}`);
  const t = s.type;
  switch (t.kind) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
      const range = `a whole number${t.unit ? ` of ${t.unit}` : ''} from ${t.min}${t.max !== undefined ? ` to ${t.max}` : ' up'}`;
      if (!Number.isSafeInteger(n) || n < t.min || (t.max !== undefined && n > t.max)) throw bad(range);
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw.trim())) return true;
      if (typeof raw === 'string' && /^(0|false|no|off)$/i.test(raw.trim())) return false;
      throw bad('true or false');
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      if (!items?.every((i) => typeof i === 'string')) throw bad('a comma-separated list');
      return items.map((i) => i.trim()).filter(Boolean);
    }
    case 'choice': {
      const v = typeof raw === 'number' ? String(raw) : raw;
      if (typeof v !== 'string' || !t.values.includes(v.trim())) throw bad(`one of ${t.values.join(', ')}`);
      return v.trim();
    }
    case 'url': {
      const schemes = t.schemes ?? ['http:', 'https:'];
      if (typeof raw !== 'string' || !URL.canParse(raw) || !schemes.includes(new URL(raw).protocol))
        throw bad(`${schemes[0] === 'http:' ? 'an' : 'a'} ${schemes.map((s) => s.replace(':', '')).join(' or ')} URL`);
      return raw;
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw bad('a string');
      return String(raw);
    }
  }
}

/**
 * The values as a nested object by their names (`limits.maxDepth` ->
 * `{ limits: { maxDepth } }`), the shape of ServerConfig.
 */
export function nested(settings: ReadSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { value }] of settings) {
    const path = name.split('.');
    let at = out;
    for (const p of path.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = value;
  }
  return out;
}
