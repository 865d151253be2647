/**
 * rhev-graphql composed with a subgraph of the test's own (examples/federation's
 * owners subgraph, which adds `owner` to the engine's VMs), on v4 and on v3:
 * both SDLs taken from the running subgraphs' `_service { sdl }`, composed by
 * @apollo/composition and by @theguild/federation-composition, and served by a
 * real Hive Gateway process (`hive-gateway supergraph`, examples/federation/
 * gateway.config.ts as it is). A query spans both subgraphs; a subscription
 * runs through the gateway over graphql-ws with the caller's own credentials
 * (the subgraph refuses anonymous callers), so a filtered user sees their VM's
 * status, joined with its owner, and nothing of a VM they may not see.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices as apolloCompose } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices as guildCompose } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { freePort, simulator, until } from '../helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin@internal', 'admin');
const USER = basic('user@internal', 'user');
const owner = (id: string) => `team-${id.slice(0, 4)}`;

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ vms: 12, hosts: 3, dialects: 'both', transitionMs: 200 });
});
afterAll(() => sim?.close());

async function post(url: string, query: string, auth?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

/** The first events of a subscription through the gateway (GraphQL over SSE), as `auth`. */
async function subscribe(url: string, query: string, auth: string, events: number, ms = 15_000): Promise<any[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const got: any[] = [];
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: auth },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        buffer = buffer.slice(end + 2);
        if (data) got.push(JSON.parse(data));
        if (got.length >= events) return got;
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return got;
}

for (const dialect of ['v4', 'v3'] as const) {
  const vmType = dialect === 'v4' ? 'Vm' : 'VM';
  describe(`through Hive Gateway, API ${dialect}`, () => {
    let rhev: RunningServer;
    let owners: { url: string; stop(): Promise<void> };
    let gateway: Gateway;
    let gatewayUrl: string;

    beforeAll(async () => {
      rhev = await startServer({
        engine: { url: sim.apiUrl, apiVersion: dialect === 'v4' ? 4 : 3 },
        port: 0,
        anonymous: 'refuse',
        landingPage: false,
        logLevel: 'silent',
        watch: { intervalMs: 100, maxIntervalMs: 400, eventsMs: 100 },
      });
      const typeDefs = parse(readFileSync(join(root, `examples/federation/owners-${dialect}.graphql`), 'utf8'));
      const apollo = new ApolloServer({
        schema: buildSubgraphSchema({
          typeDefs,
          resolvers: {
            [vmType]: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, owner: owner(ref.id) }) },
            Query: { owners: () => ['team-a'] },
          },
        }),
      });
      const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
      owners = { url, stop: () => apollo.stop() };
    }, 60_000);
    afterAll(async () => {
      gateway?.child.kill('SIGTERM');
      await gateway?.exited;
      await owners?.stop();
      await rhev?.close();
    });

    it('composes from the running subgraphs with both composition libraries, into the same supergraph types', async () => {
      const rhevSdl = (await post(rhev.url, '{ _service { sdl } }', ADMIN)).data._service.sdl as string;
      const ownersSdl = (await post(owners.url, '{ _service { sdl } }')).data._service.sdl as string;
      expect(rhevSdl).toMatch(new RegExp(`type ${vmType}\\b[^{]*@key\\(fields: "id"\\)`));
      const services = [
        { name: 'rhev', url: rhev.url, typeDefs: parse(rhevSdl) },
        { name: 'owners', url: owners.url, typeDefs: parse(ownersSdl) },
      ];
      const apollo = apolloCompose(services);
      expect(apollo.errors ?? []).toEqual([]);
      const guild = guildCompose(services);
      expect(guild.errors ?? []).toEqual([]);
      // Both know the VM with its owner, and rhev-graphql's fields.
      for (const sdl of [apollo.supergraphSdl!, guild.supergraphSdl!])
        expect(sdl).toMatch(new RegExp(`type ${vmType}[^{]*\\{[^}]*owner: String`, 's'));

      const dir = mkdtempSync(join(tmpdir(), 'rhev-graphql-gateway-'));
      writeFileSync(join(dir, 'supergraph.graphql'), apollo.supergraphSdl!);
      copyFileSync(join(root, 'examples/federation/gateway.config.ts'), join(dir, 'gateway.config.ts'));
      const port = await freePort();
      gateway = spawnGateway(dir, port);
      gatewayUrl = `http://127.0.0.1:${port}/graphql`;
      await until(async () => (await fetch(`http://127.0.0.1:${port}/healthcheck`).catch(() => undefined))?.ok, 60_000).catch(() => {
        throw new Error(`Hive Gateway did not start: ${gateway.output().slice(-2000)}`);
      });
    }, 90_000);

    it('runs a query spanning both subgraphs, as the caller, and refuses a caller without credentials', async () => {
      const q = `{ vms(max: 3) { id name owner } }`;
      const r = await post(gatewayUrl, q, ADMIN);
      expect(r.errors).toBeUndefined();
      expect(r.data.vms).toHaveLength(3);
      for (const v of r.data.vms) expect(v.owner).toBe(owner(v.id));
      const anonymous = await post(gatewayUrl, q);
      expect(JSON.stringify(anonymous.errors ?? anonymous)).toMatch(/credentials|UNAUTHENTICATED|401/i);
    });

    it("subscribes through the gateway with the caller's own credentials: a user's VM, not another's", async () => {
      const mine = (await post(gatewayUrl, '{ vms { id } }', USER)).data.vms as { id: string }[];
      const all = (await post(gatewayUrl, '{ vms { id } }', ADMIN)).data.vms as { id: string }[];
      const theirs = all.find((v) => !mine.some((m) => m.id === v.id))!;
      expect(mine.length).toBeGreaterThan(0);
      const state = 'state vm { id owner }';
      const sub = (id: string) => `subscription { vmStatus(id: "${id}") { ${state} } }`;
      const [first] = await subscribe(gatewayUrl, sub(mine[0].id), USER, 1);
      expect(first.errors).toBeUndefined();
      expect(first.data.vmStatus.state).toMatch(/^[a-z_]+$/);
      expect(first.data.vmStatus.vm).toEqual({ id: mine[0].id, owner: owner(mine[0].id) });
      // Another's VM does not exist for this user, as the engine tells it: no state, no VM, nothing of it shown.
      const [unseen] = await subscribe(gatewayUrl, sub(theirs.id).replace('state vm', 'state deleted vm'), USER, 1);
      expect(unseen.data.vmStatus).toEqual({ state: null, deleted: true, vm: null });
    }, 60_000);
  });
}

/** `hive-gateway supergraph` in `dir`, where it reads gateway.config.ts. */
function spawnGateway(dir: string, port: number): Gateway {
  const bin = join(root, 'node_modules/@graphql-hive/gateway/dist/bin.js');
  const child = spawn(process.execPath, [bin, 'supergraph', 'supergraph.graphql', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, exited, output: () => out };
}

interface Gateway {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  output(): string;
}
