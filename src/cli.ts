/**
 * The `rhev-graphql` command.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { credentialsOfUrl } from './http/basic.ts';
// Types only: the server is imported after NODE_ENV is set, below.
import type { AnonymousPolicy, EngineConfig, Limits, ServerConfig } from './server/config.ts';
import { addSettingOptions, nested, readSettings, SettingError } from './settings/index.ts';
import { type Dialects, FAULT_KINDS, type FaultKind, type SimulatorOptions, startSimulator } from './simulator/index.ts';

const int =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more`);
    return n;
  };

const rate = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

const kinds = (v: string): FaultKind[] => {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as FaultKind[];
  for (const k of list)
    if (!FAULT_KINDS.includes(k)) throw new InvalidArgumentError(`unknown fault kind ${k}; known: ${FAULT_KINDS.join(', ')}`);
  return list;
};

/**
 * The simulator's options. Under `serve` the ones a server has too are named
 * for the simulator (`--simulator-port`, `--simulator-host`,
 * `--simulator-tls-cert`, ...), so nobody sets the embedded engine's where
 * the subgraph's was meant.
 */
function simulatorOptions(cmd: Command, under: 'simulator' | 'serve' = 'simulator'): Command {
  const own = (flag: string) => (under === 'serve' ? `--simulator-${flag}` : `--${flag}`);
  return cmd
    .option(`${own('port')} <n>`, "the simulator's port (0 = any free port)", int(own('port').slice(2)), 8080)
    .option(`${own('host')} <addr>`, "the simulator's address to listen on", '127.0.0.1')
    .option('--datacenters <n>', 'data centers', int('datacenters'), 2)
    .option('--clusters <n>', 'clusters', int('clusters'), 4)
    .option('--hosts <n>', 'hosts', int('hosts'), 8)
    .option('--vms <n>', 'virtual machines', int('vms'), 300)
    .option('--templates <n>', 'templates besides Blank', int('templates'), 4)
    .option('--seed <n>', 'seed of the generated inventory', int('seed'), 1)
    .option('--latency <ms>', 'delay added to every API request', int('latency'), 0)
    .option('--transition <ms>', 'time between two states of a state machine', int('transition'), 1000)
    .option('--login-cost <ms>', 'delay of a request authenticated without a session', int('login-cost'), 0)
    .option('--fault-rate <r>', 'share of API requests that get an injected fault (0..1)', rate, 0)
    .option('--faults <kinds>', `fault kinds to inject (${FAULT_KINDS.join(',')})`, kinds, [...FAULT_KINDS])
    .option(
      '--dialects <which>',
      'API dialects: v3 (a 3.6 engine, /api), both (a 4.0-4.3 engine: v4 unless asked with Version: 3), v4 (a 4.4+ engine); default v3 for simulator, both for serve',
      dialectsOption,
    )
    .option(`${own('tls-cert')} <file>`, `the simulator serves HTTPS with this PEM certificate (with ${own('tls-key')})`)
    .option(`${own('tls-key')} <file>`, `the PEM private key of ${own('tls-cert')}`)
    .option(`${own('tls-ca')} <file>`, `the PEM CA that signed ${own('tls-cert')}, served at /ca.crt (default: the certificate itself)`);
}

/** The package's version, from its package.json. */
function packageVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

function dialectsOption(v: string): Dialects {
  if (v !== 'v3' && v !== 'both' && v !== 'v4') throw new InvalidArgumentError('expected v3, both or v4');
  return v;
}

/** The simulator's options from the command's, for `simulator` or under `serve` (simulatorOptions). */
function toOptions(o: Record<string, any>, under: 'simulator' | 'serve' = 'simulator'): Partial<SimulatorOptions> {
  const own = (name: string) => (under === 'serve' ? o[`simulator${name[0].toUpperCase()}${name.slice(1)}`] : o[name]);
  const cert = own('tlsCert');
  const key = own('tlsKey');
  const ca = own('tlsCa');
  const flag = (name: string) => (under === 'serve' ? `--simulator-${name}` : `--${name}`);
  return {
    port: own('port'),
    host: own('host'),
    dialects: o.dialects,
    datacenters: o.datacenters,
    clusters: o.clusters,
    hosts: o.hosts,
    vms: o.vms,
    templates: o.templates,
    seed: o.seed,
    latencyMs: o.latency,
    transitionMs: o.transition,
    loginCostMs: o.loginCost,
    faults: { rate: o.faultRate, kinds: o.faults, slowMs: 2000 },
    tls:
      cert || key
        ? {
            cert: readPem(cert, flag('tls-cert')),
            key: readPem(key, flag('tls-key')),
            ca: ca ? readPem(ca, flag('tls-ca')) : undefined,
          }
        : undefined,
  };
}

function readPem(file: string | undefined, flag: string): Buffer {
  if (!file) throw new InvalidArgumentError(`${flag} is needed as well`);
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InvalidArgumentError(`${flag}: cannot read ${file} (${(e as Error).message})`);
  }
}

async function runSimulator(o: Record<string, any>, what: string): Promise<void> {
  const started = Date.now();
  const sim = await startSimulator(toOptions(o));
  const s = sim.engine.store;
  const d = sim.options.dialects;
  console.log(`${d === 'v3' ? 'RHEV 3.6' : d === 'both' ? 'oVirt 4.3 (API v3 and v4)' : 'oVirt 4.5 (API v4)'} engine simulator ${what}`);
  if (d === 'v3') console.log(`  API:          ${sim.apiUrl}   (also ${sim.url}/ovirt-engine/api)`);
  else
    console.log(
      `  API:          ${sim.apiUrl}   (v4${d === 'both' ? `; v3 at ${sim.apiUrl}/v3 or with "Version: 3"` : ''}; SSO at ${sim.url}/ovirt-engine/sso/oauth/token)`,
    );
  console.log(`  Credentials:  admin@internal / admin   (super user)`);
  console.log(`                user@internal / user     (owns a few VMs; send "Filter: true")`);
  console.log(
    `  Inventory:    ${s.table('datacenters').size} data centers, ${s.table('clusters').size} clusters, ${s.table('hosts').size} hosts, ${s.table('vms').size} VMs, ${s.table('templates').size} templates (seed ${o.seed}, built in ${Date.now() - started} ms)`,
  );
  console.log(`  Control:      ${sim.url}/__simulator/stats`);
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** What the registry's settings make, as read (settings/read.ts): ServerConfig's shape, the API version as a word. */
type ServerSettings = Omit<ServerConfig, 'engine' | 'limits' | 'anonymous'> & {
  engine: Omit<EngineConfig, 'url' | 'apiVersion'> & { url?: string; apiVersion: 'auto' | '3' | '4' };
  limits: Limits;
  anonymous?: AnonymousPolicy;
  port: number;
  host: string;
};

const program = new Command('rhev-graphql')
  .description('GraphQL access to RHEV / oVirt engines, with a built-in engine simulator')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError();

simulatorOptions(program.command('simulator').description('run the engine simulator (a RHEV 3.6 engine; --dialects for 4.x)')).action((o) =>
  runSimulator(o, 'running'),
);

const serve = simulatorOptions(
  program.command('serve').description('serve the GraphQL subgraph: against RHEV_URL, or the embedded simulator when none is set'),
  'serve',
).option('--config <file>', 'read settings from this YAML or JSON file (or RHEV_CONFIG); flags and variables come first');
// Every setting of the registry (src/settings/registry.ts) is a flag, a variable and a config file key.
const givenFlags = addSettingOptions(serve);

serve.action(async (o) => {
  let settings: ServerSettings;
  try {
    settings = nested(readSettings({ ...givenFlags(), env: process.env, file: o.config ?? process.env.RHEV_CONFIG })) as ServerSettings;
  } catch (e) {
    if (!(e instanceof SettingError)) throw e;
    console.error(`rhev-graphql: ${e.message}`);
    process.exit(2);
  }
  // What the environment says decides the server's own defaults (introspection, explorer, stack traces);
  // graphql-js, though, runs in production mode whatever it says: its development checks (an instanceOf
  // per type lookup) cost every query, and it reads NODE_ENV when first imported, just below.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const { startServer, displayUrl } = await import('./server/index.ts');
  const { redactedRedisUrl } = await import('./shared/index.ts');
  // A promise of one operation rejecting where nothing awaits it any more (its caller went away) must cost
  // that operation, never the process: it is logged as a structured line, and the server keeps serving.
  process.on('unhandledRejection', (reason) => {
    const r = reason as { message?: string; extensions?: { code?: string } } | undefined;
    process.stderr.write(
      `${JSON.stringify({ level: 50, time: Date.now(), msg: 'unhandled rejection', error: String(r?.message ?? reason).slice(0, 300), code: r?.extensions?.code })}\n`,
    );
  });
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let engine: ServerSettings['engine'] & { url: string };
  if (settings.engine.url) {
    engine = { ...settings.engine, url: settings.engine.url };
    // Credentials written into the URL are the service account's, unless given apart; the URL keeps none.
    const given = credentialsOfUrl(new URL(engine.url));
    engine.url = given.url;
    engine.username ??= given.username;
    engine.password ??= given.password;
  } else {
    // The embedded engine speaks both dialects, as a 4.0-4.3 engine does.
    const simOptions = { ...toOptions(o, 'serve'), dialects: o.dialects ?? 'both' };
    sim = await startSimulator(simOptions).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') throw e;
      // Its port is taken (another simulator, say): a free one does as well, and the banner names it.
      console.error(
        `rhev-graphql: the embedded simulator's port ${simOptions.port} is in use; it listens on a free port instead (--simulator-port to choose)`,
      );
      return startSimulator({ ...simOptions, port: 0 });
    });
    engine = { ...settings.engine, url: sim.apiUrl, username: 'admin@internal', password: 'admin' };
  }
  const production = nodeEnv === 'production';
  // Serving strangers as the service account is a choice made for a real engine, never a default.
  const anonymous = settings.anonymous ?? (sim ? 'service-account' : 'refuse');
  const server = await startServer({
    ...settings,
    engine: { ...engine, apiVersion: engine.apiVersion === 'auto' ? 'auto' : (Number(engine.apiVersion) as 3 | 4) },
    anonymous,
    debug: settings.debug ?? nodeEnv === 'development',
    // Production turns both off unless asked; asked, either way, is what counts.
    introspection: settings.introspection ?? !production,
    landingPage: settings.landingPage ?? !production,
  }).catch((e: NodeJS.ErrnoException) => {
    // A port in use is a configuration problem: one line saying so, not a stack trace.
    if (e.code !== 'EADDRINUSE') throw e;
    console.error(`rhev-graphql: ${settings.host}:${settings.port} is already in use; choose another port with --port (or PORT)`);
    void sim?.close();
    process.exit(1);
  });
  console.log(`rhev-graphql subgraph at ${server.url} (subscriptions: ${server.wsUrl})`);
  if (sim) {
    console.log(`  Engine:       embedded simulator at ${sim.apiUrl} (${sim.engine.store.table('vms').size} VMs)`);
    console.log('  Credentials:  admin@internal / admin (the service account), user@internal / user (send as Basic auth)');
  } else {
    console.log(
      `  Engine:       ${displayUrl(engine.url)}${engine.username ? ` as ${engine.username}` : ' (callers bring their own credentials)'}`,
    );
  }
  console.log(
    `  Anonymous:    ${anonymous === 'refuse' ? 'refused (callers send their own credentials; --anonymous service-account to serve them as the service account)' : 'served as the service account (--anonymous refuse to require credentials)'}`,
  );
  console.log(`  Health:       ${server.url.replace(/graphql$/, 'health')}   Metrics: ${server.url.replace(/graphql$/, 'metrics')}`);
  if (settings.shared?.redisUrl)
    console.log(
      `  Shared:       through ${redactedRedisUrl(settings.shared.redisUrl)} with the other replicas (windows, refusals, watchers)`,
    );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server
      .close()
      .then(() => sim?.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

program
  .command('schema')
  .description("generate the GraphQL subgraph schema from an engine's XSD with its RSDL (v3) or model.json (v4)")
  .option('--xsd <file|url>', 'the XML Schema (default: the bundled api/api.xsd)')
  .option('--rsdl <file|url>', 'the RSDL (default: the bundled api/rsdl.xml with the bundled XSD; none otherwise)')
  .option('--no-rsdl', 'generate from the XSD alone')
  .option('--model <file|url>', "API v4: the engine's model.json (from /ovirt-engine/api/model.json), with --xsd of the same engine")
  .option('--api-version <3|4>', 'with neither --xsd nor --url: the bundled description of this dialect (default 3)')
  .option(
    '--capabilities <file|url>',
    'an /api/capabilities document whose value lists become enums (default: the bundled one with the bundled XSD)',
  )
  .option('--no-capabilities', 'leave capability-governed fields as strings')
  .option(
    '--url <engine>',
    'fetch ?schema and ?rsdl (v3) or model.json (v4) from this engine entry point (such as https://engine/ovirt-engine/api)',
  )
  .option('--username <user>', 'engine user, such as admin@internal', process.env.RHEV_USERNAME)
  .option('--password <password>', 'engine password (or RHEV_PASSWORD)', process.env.RHEV_PASSWORD)
  .option('--ca-file <file>', 'CA bundle to verify the engine with', process.env.RHEV_CA_FILE)
  .option('--insecure', 'do not verify the engine certificate')
  .option('--out <file>', 'write the SDL here (default: standard output)')
  .action(async (o) => {
    const { runSchemaCommand } = await import('./schema/command.ts');
    process.exitCode = await runSchemaCommand(o);
  });

await program.parseAsync(process.argv);
