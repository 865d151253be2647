import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../command.ts';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 60 });
});
afterAll(async () => {
  await s.close();
});

describe('federation', () => {
  it('publishes its SDL through _service', async () => {
    const r = await gql(s, '{ _service { sdl } }');
    const sdl: string = r.data._service.sdl;
    expect(sdl).toMatch(/type VM\s+@key\(fields: "id"\)/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5"');
  });

  it('traces an operation for the router only when the router asks (ftv1), and says nothing of it at start', async () => {
    const ask = (headers: Record<string, string>) =>
      fetch(s.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ vms(max: 1) { name } }' }),
      }).then((r) => r.json() as Promise<any>);
    expect((await ask({})).extensions?.ftv1).toBeUndefined();
    expect(typeof (await ask({ 'apollo-federation-include-trace': 'ftv1' })).extensions.ftv1).toBe('string');
    const lines: string[] = [];
    const logger = {
      info: (o: object, m?: string) => lines.push(m ?? JSON.stringify(o)),
      warn: () => {},
      error: () => {},
      debug: () => {},
    };
    const quiet = await stack({ vms: 5 }, { logger: logger as never });
    await quiet.close();
    expect(lines.join('\n')).not.toMatch(/inline tracing/i);
  });

  it('resolves _entities of several types through the loaders: 500 VMs by key cost one list', async () => {
    const all = (await gql(s, '{ vms { id } hosts { id } clusters { id } }')).data;
    const reps = [
      ...all.vms.map((v: any) => ({ __typename: 'VM', id: v.id })),
      { __typename: 'Host', id: all.hosts[0].id },
      { __typename: 'Cluster', id: all.clusters[0].id },
      { __typename: 'VM', id: '11111111-2222-4333-8444-555555555555' },
    ];
    let r: any;
    const counted = await countRequests(s, async () => {
      r = await gql(
        s,
        `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on VM { name } ... on Host { name } ... on Cluster { name } } }`,
        { r: reps },
      );
    });
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toHaveLength(reps.length);
    expect(r.data._entities[0]).toMatchObject({ __typename: 'VM', name: expect.any(String) });
    expect(r.data._entities.at(-3)).toMatchObject({ __typename: 'Host' });
    expect(r.data._entities.at(-1)).toBeNull();
    // One list of VMs, one GET for the host, one GET for the cluster.
    expect(counted.byRoute['GET /vms']).toBe(1);
    expect(counted.total).toBe(3);
  });

  it('answers through an in-process gateway, joined with a second subgraph that adds a field to VM', async () => {
    const ownersTypeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
      type VM @key(fields: "id") { id: ID! owner: String! }
      type Query { ownersCount: Int! }
    `);
    const owners = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: ownersTypeDefs,
        resolvers: {
          VM: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, owner: `team-${ref.id.slice(0, 4)}` }) },
          Query: { ownersCount: () => 1 },
        } as any,
      }),
      // The other team's subgraph traces for the router too, without saying so at start.
      plugins: [ApolloServerPluginInlineTrace()],
    });
    const { url: ownersUrl } = await startStandaloneServer(owners, { listen: { port: 0, host: '127.0.0.1' } });
    const rhevSdl = readFileSync(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), 'utf8');
    const composed = composeServices([
      { name: 'rhev', typeDefs: parse(rhevSdl), url: s.server.url },
      { name: 'owners', typeDefs: ownersTypeDefs, url: ownersUrl },
    ]);
    expect(composed.errors).toBeUndefined();
    const gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl! });
    const router = new ApolloServer({ gateway });
    const { url } = await startStandaloneServer(router, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ vms(max: 3) { id name owner status { state } cluster { name } } }' }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      expect(body.data.vms).toHaveLength(3);
      for (const v of body.data.vms) expect(v.owner).toBe(`team-${v.id.slice(0, 4)}`);
    } finally {
      await router.stop();
      await owners.stop();
    }
  });
});

describe('the server process', () => {
  it('says in one line that the GraphQL port is taken, and exits 1', async () => {
    const busy = s.server.port;
    const child = spawn(process.execPath, ['bin/rhev-graphql.js', 'serve', '--port', String(busy), '--simulator-port', '0', '--vms', '5'], {
      cwd: root,
      env: { ...process.env, RHEV_URL: '', PORT: '', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toEqual([
      `rhev-graphql: 127.0.0.1:${busy} is already in use; choose another port with --port (or PORT)`,
    ]);
  });

  it('prints its version', async () => {
    const child = spawn(process.execPath, ['bin/rhev-graphql.js', '--version'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(out.trim()).toBe(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version);
  });

  it('serves the explorer to browsers in development, from its own files', async () => {
    const dev = await stack({ vms: 5 }, { landingPage: true });
    try {
      const res = await fetch(dev.server.url, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('/explorer/graphiql.js');
      expect(html).not.toMatch(/<script[^>]+src="https?:/);
      for (const file of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css', 'graphql-ws.js'])
        expect((await fetch(new URL(`/explorer/${file}`, dev.server.url))).status, file).toBe(200);
      // A GraphQL GET (JSON wanted) is still Apollo's.
      expect((await fetch(`${dev.server.url}?query={__typename}`, { headers: { 'apollo-require-preflight': '1' } })).status).toBe(200);
    } finally {
      await dev.close();
    }
  });

  it('npm start with nothing configured serves the embedded simulator, and SIGTERM ends it cleanly', async () => {
    const { child, exited, waitFor } = command(['serve', '--port', '0', '--simulator-port', '0', '--vms', '50'], {
      RHEV_URL: '',
      PORT: '',
    });
    const out = await waitFor(/Health:/);
    expect(out).toMatch(/rhev-graphql subgraph at http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(out).toContain('admin@internal / admin');
    const url = /subgraph at (\S+)/.exec(out)![1];
    const r = (await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ vms(max: 1) { name } }' }),
      })
    ).json()) as any;
    expect(r.data.vms).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
