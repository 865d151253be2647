/**
 * The README's settings tables, written from the registry: the
 * configuration table (every setting but the limits) and the limits table
 * (what each bounds, its default, how it is set, what a caller gets beyond
 * it). test/settings/settings.test.ts holds the README to these, and
 * `npm run docs:settings` writes them in.
 */
import { defaultHelp } from './flags.ts';
import { SETTINGS, type Setting } from './registry.ts';

/** Where each table sits in the README: between these two lines. */
export const TABLE_MARKERS = {
  configuration: ['<!-- settings: configuration (written by npm run docs:settings) -->', '<!-- /settings: configuration -->'],
  limits: ['<!-- settings: limits (written by npm run docs:settings) -->', '<!-- /settings: limits -->'],
} as const;

export function configurationTable(): string {
  const rows = SETTINGS.filter((s) => s.group !== 'limits').map(
    (s) =>
      `| \`${s.env}\`${s.secret ? `, \`${s.env}_FILE\`` : ''} | \`${s.flag}\` | \`${s.name}\` | ${defaultText(s)} | ${s.description} |`,
  );
  return ['| variable | flag | config file key | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function limitsTable(): string {
  const rows = SETTINGS.filter((s) => s.group === 'limits' || s.beyond).map(
    (s) => `| ${s.description} | ${defaultText(s)} | \`${s.flag}\`, \`${s.env}\`, \`${s.name}\` | ${s.beyond ?? '(an estimate only)'} |`,
  );
  return ['| limit | default | set with | beyond it |', '|---|---|---|---|', ...rows].join('\n');
}

/** A default as a reader takes it in: sizes in KiB/MiB, times in s or min. */
function defaultText(s: Setting): string {
  if (s.defaultText) return s.defaultText;
  const d = s.default;
  if (typeof d === 'number' && s.type.kind === 'integer') {
    if (s.type.unit === 'bytes') return d % (1024 * 1024) === 0 ? `${d / (1024 * 1024)} MiB` : `${d / 1024} KiB`;
    if (s.type.unit === 'ms' && d >= 60_000 && d % 60_000 === 0) return `${d / 60_000} min`;
    if (s.type.unit === 'ms' && d >= 1000 && d % 1000 === 0) return `${d / 1000} s`;
    if (s.type.unit === 'ms') return `${d} ms`;
    return d.toLocaleString('en-US');
  }
  const h = defaultHelp(s);
  return h === 'unset' ? '' : `\`${h}\``;
}

/** The README with both tables written in. */
export function withSettingsTables(readme: string): string {
  let out = readme;
  for (const [key, table] of [
    ['configuration', configurationTable()],
    ['limits', limitsTable()],
  ] as const) {
    const [open, close] = TABLE_MARKERS[key];
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`The README has no place for the ${key} table (${open} … ${close})`);
    out = `${out.slice(0, a + open.length)}\n${table}\n${out.slice(b)}`;
  }
  return out;
}
