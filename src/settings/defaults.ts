/**
 * The registry's defaults as the server's code takes them: one setting's,
 * or every setting under a prefix as an object (`limits.` -> Limits).
 */
import { SETTINGS, type SettingValue, settingNamed } from './registry.ts';

export function settingDefault<T extends SettingValue>(name: string): T {
  const s = settingNamed(name);
  if (s?.default === undefined) throw new Error(`The setting ${name} has no default`);
  return s.default as T;
}

export function defaultsOf<T>(prefix: string): T {
  const out: Record<string, SettingValue> = {};
  for (const s of SETTINGS) if (s.name.startsWith(prefix) && s.default !== undefined) out[s.name.slice(prefix.length)] = s.default;
  return out as T;
}
