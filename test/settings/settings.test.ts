/**
 * The settings registry (src/settings): one value per setting from flag,
 * variable, config file or default, in that order; every bad value or
 * unknown key refused naming the setting; secrets from files; the README's
 * tables written from it; and the built command taking all of it, with the
 * limits set holding on HTTP and WebSocket alike.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_LIMITS } from '../../src/server/config.ts';
import {
  nested,
  readSettings,
  SETTINGS,
  SettingError,
  type SettingSources,
  settingNamed,
  withSettingsTables,
} from '../../src/settings/index.ts';
import { type Command, command } from '../command.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhev-graphql-settings-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const read = (s: Partial<SettingSources>) => readSettings({ flags: new Map(), env: {}, ...s });

describe('reading settings', () => {
  it('a flag wins over a variable, a variable over the config file, the file over the default', () => {
    const yaml = file('all.yaml', 'limits:\n  maxDepth: 7\n  maxAliases: 3\nport: 5000\nfreshnessMs: 0\n');
    const got = read({ flags: new Map([['limits.maxDepth', '5']]), env: { RHEV_MAX_DEPTH: '6', RHEV_MAX_ALIASES: '4' }, file: yaml });
    expect(got.get('limits.maxDepth')).toEqual({ value: 5, from: 'flag' });
    expect(got.get('limits.maxAliases')).toEqual({ value: 4, from: 'environment' });
    expect(got.get('port')).toEqual({ value: 5000, from: 'config file' });
    expect(got.get('freshnessMs')).toEqual({ value: 0, from: 'config file' });
    expect(got.get('limits.maxTokens')).toEqual({ value: 5000, from: 'default' });
    expect(got.has('engine.url')).toBe(false); // no default: its reader decides
  });

  it('reads JSON and dotted keys, and nests what it read as ServerConfig is shaped', () => {
    const json = file('s.json', JSON.stringify({ 'limits.maxDepth': 4, engine: { retries: 2 }, corsOrigins: ['https://a.example'] }));
    const config = nested(read({ file: json })) as { limits: { maxDepth: number }; engine: { retries: number }; corsOrigins: string[] };
    expect(config.limits.maxDepth).toBe(4);
    expect(config.engine.retries).toBe(2);
    expect(config.corsOrigins).toEqual(['https://a.example']);
  });

  it("every limit of the server has a setting, and DEFAULT_LIMITS is the registry's", () => {
    for (const [key, value] of Object.entries(DEFAULT_LIMITS)) expect(settingNamed(`limits.${key}`)?.default).toBe(value);
    expect(Object.keys(DEFAULT_LIMITS).length).toBe(SETTINGS.filter((s) => s.group === 'limits').length);
  });

  it('a value that does not fit is refused, naming the setting and where it came from', () => {
    const refusal = (s: Partial<SettingSources>) => {
      try {
        read(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SettingError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ env: { RHEV_MAX_DEPTH: 'ten' } })).toBe(
      'limits.maxDepth (RHEV_MAX_DEPTH): expected a whole number from 1 up, got "ten"',
    );
    expect(refusal({ flags: new Map([['port', '70000']]) })).toContain('port (--port): expected a whole number from 0 to 65535');
    expect(refusal({ env: { RHEV_ANONYMOUS: 'everyone' } })).toContain('one of service-account, refuse');
    expect(refusal({ env: { RHEV_URL: 'ftp://engine' } })).toContain('an http or https URL');
    expect(refusal({ env: { RHEV_INSECURE: 'maybe' } })).toContain('true or false');
    // Never below a minute: what keeps engine accounts from being locked through us.
    expect(refusal({ env: { RHEV_REFUSED_CREDENTIAL_MS: '1000' } })).toContain('limits.refusedCredentialMs');
    expect(refusal({ file: file('typo.yaml', 'limits:\n  maxDepht: 3\n') })).toMatch(
      /unknown setting limits\.maxDepht \(did you mean limits\.maxDepth\?\)/,
    );
    expect(refusal({ file: file('bad.json', '{ "port": ') })).toMatch(/not JSON/);
    expect(refusal({ file: join(dir, 'absent.yaml') })).toMatch(/cannot read it: ENOENT/);
    expect(refusal({ file: file('alias.yaml', 'a: &x 1\nport: *x\n') })).toMatch(/not YAML|unknown setting/);
  });

  it('a secret comes from a file named by <VARIABLE>_FILE or <flag>-file, without its last line break, and is never echoed', () => {
    const secret = file('password', 's3cret\n');
    expect(read({ env: { RHEV_PASSWORD_FILE: secret } }).get('engine.password')).toEqual({ value: 's3cret', from: 'environment' });
    expect(read({ flagFiles: new Map([['engine.password', secret]]) }).get('engine.password')?.value).toBe('s3cret');
    expect(() => read({ env: { RHEV_PASSWORD_FILE: join(dir, 'none') } })).toThrow(/engine\.password \(RHEV_PASSWORD_FILE\): cannot read/);
    expect(read({ env: { RHEV_PASSWORD: 'direct', RHEV_PASSWORD_FILE: secret } }).get('engine.password')?.value).toBe('direct');
  });
});

describe('the README', () => {
  it('holds the configuration and limits tables written from the registry (npm run docs:settings)', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    expect(withSettingsTables(readme)).toBe(readme);
    for (const s of SETTINGS) expect(readme).toContain(`\`${s.env}\``);
  });
});

describe('rhev-graphql serve with settings from a flag, a variable and a file', () => {
  let serve: Command;
  let url: string;
  beforeAll(async () => {
    const config = file('serve.yaml', 'limits:\n  maxDepth: 9\n  maxAliases: 1\nfreshnessMs: 0\nlogLevel: warn\n');
    serve = command(['serve', '--port', '0', '--simulator-port', '0', '--vms', '5', '--config', config, '--max-tokens', '60'], {
      RHEV_MAX_DEPTH: '3',
    });
    const out = await serve.waitFor(/subgraph at (\S+)/);
    url = /subgraph at (\S+)/.exec(out)![1];
  }, 60_000);
  afterAll(async () => {
    serve.child.kill('SIGTERM');
    await serve.exited;
  });

  const overHttp = async (query: string) =>
    (await (
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
    ).json()) as {
      errors?: { extensions: Record<string, unknown> }[];
    };
  const overWs = (query: string) =>
    new Promise<Record<string, unknown> | undefined>((resolve) => {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      client.subscribe(
        { query },
        {
          next: () => {},
          error: (e) => {
            void client.dispose();
            resolve((e as { extensions: Record<string, unknown> }[])[0]?.extensions);
          },
          complete: () => {
            void client.dispose();
            resolve(undefined);
          },
        },
      );
    });

  it('the variable beats the file (depth 3), the file sets what nothing else does (aliases 1), the flag its own (tokens 60)', async () => {
    const deep = '{ vms { cluster { dataCenter { name } } } }';
    const aliases = '{ a: vms { name } b: vms { name } }';
    const tokens = `{ vms { ${'name '.repeat(60)}} }`;
    for (const send of [overHttp, async (q: string) => ({ errors: [{ extensions: (await overWs(q))! }] })]) {
      expect((await send(deep)).errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', max: 3 });
      expect((await send(aliases)).errors?.[0].extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', max: 1 });
      expect((await send(tokens)).errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    }
    expect((await overHttp('{ vms { name } }')).errors).toBeUndefined();
  });

  it('a bad value stops the start in one line naming the setting (exit 2)', async () => {
    const bad = command(['serve', '--port', '0', '--simulator-port', '0'], { RHEV_OPERATION_TIMEOUT_MS: '-5' });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim()).toBe(
      'rhev-graphql: limits.operationTimeoutMs (RHEV_OPERATION_TIMEOUT_MS): expected a whole number of ms from 1 up, got "-5"',
    );
  });
});
