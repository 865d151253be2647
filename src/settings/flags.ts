/**
 * The registry's settings as options of a commander command: one option per
 * setting (and `--no-…` for a boolean, `…-file` for a secret), with its
 * variable and default in the help, and no default of commander's own, so
 * that a flag not given is told apart from one given (read.ts ranks it).
 */
import { type Command, Option } from 'commander';
import { SETTINGS, type Setting } from './registry.ts';

export interface GivenFlags {
  readonly flags: ReadonlyMap<string, string | boolean>;
  readonly flagFiles: ReadonlyMap<string, string>;
}

/** Adds every setting's option to `cmd`; the function returned reads what was given once the command has parsed. */
export function addSettingOptions(cmd: Command): () => GivenFlags {
  const attrs: { setting: Setting; attr: string; file?: string }[] = [];
  for (const s of SETTINGS) {
    const what = s.group === 'limits' ? `limit: ${s.description}` : s.description;
    const help = `${what.replace(/`/g, '')} (${s.env}; default: ${defaultHelp(s)})`;
    if (s.type.kind === 'boolean') {
      const on = new Option(s.flag, help);
      cmd.addOption(on);
      cmd.addOption(new Option(`--no-${s.flag.slice(2)}`, `the opposite of ${s.flag}`));
      attrs.push({ setting: s, attr: on.attributeName() });
      continue;
    }
    const o = new Option(`${s.flag} <${placeholder(s)}>`, help);
    cmd.addOption(o);
    const entry: { setting: Setting; attr: string; file?: string } = { setting: s, attr: o.attributeName() };
    if (s.secret) {
      const f = new Option(`${s.flag}-file <file>`, `read ${s.flag} from a file (${s.env}_FILE)`);
      cmd.addOption(f);
      entry.file = f.attributeName();
    }
    attrs.push(entry);
  }
  return () => {
    const flags = new Map<string, string | boolean>();
    const flagFiles = new Map<string, string>();
    for (const { setting, attr, file } of attrs) {
      if (cmd.getOptionValueSource(attr) === 'cli') flags.set(setting.name, cmd.getOptionValue(attr));
      if (file && cmd.getOptionValueSource(file) === 'cli') flagFiles.set(setting.name, cmd.getOptionValue(file));
    }
    return { flags, flagFiles };
  };
}

/** The default as the help and the README say it. */
export function defaultHelp(s: Setting): string {
  if (s.defaultText) return s.defaultText.replace(/`/g, '');
  const d = s.default;
  if (d === undefined) return 'unset';
  if (Array.isArray(d)) return d.length ? d.join(',') : 'none';
  return String(d);
}

function placeholder(s: Setting): string {
  const t = s.type;
  if (t.kind === 'integer') return t.unit ?? 'n';
  if (t.kind === 'choice') return t.values.join('|');
  if (t.kind === 'list') return 'a,b';
  return s.secret ? 'secret' : 'value';
}
