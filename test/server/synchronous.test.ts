/**
 * The synchronous executor in the server (src/execution/synchronous.ts,
 * tried first by server/compiled.ts): once the window holds a query's data
 * it answers, exactly as graphql-js does, every query of the README and the
 * bench, and the shapes graphql-js has rules for; where it gives up
 * (errors, data not at hand) the answer is graphql-js's and the engine is
 * asked no more than graphql-js asks it. On v4 and v3, over HTTP and
 * WebSocket. Each query text is asked once per server (a numbered comment):
 * shared answers would otherwise serve the repeats without executing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERIES, QUERIES_V4 } from '../../bench/dashboard.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator, stats } from '../helpers.ts';
import { askOverWebSocket, readmeQueries, serverFor, steady } from './helpers.ts';

let asked = 0;
/** One asking, its text its own (see the header). */
async function ask(server: RunningServer, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `${query}\n# asking ${++asked}`, variables }),
  });
  return steady({ status: res.status, body: await res.json() }) as { status: number; body: { errors?: unknown[] } };
}

const synchronousRuns = async (server: RunningServer) =>
  Number(/^rhev_synchronous_queries_total (\d+)/m.exec(await server.metrics.registry.metrics())?.[1] ?? 0);

/** Queries in the shapes graphql-js has rules for; `VM` is the v3 schema's name for v4's `Vm`. */
const shapes = (vm: string): { query: string; variables?: Record<string, unknown> }[] => [
  {
    query: `query ($n: Int) { first: vms(max: $n) { ...V id __typename } vms { n: name } } fragment V on ${vm} { name }`,
    variables: { n: 2 },
  },
  {
    query: 'query ($on: Boolean!) { __typename hosts { name cluster @include(if: $on) { name } ... on Host { id @skip(if: $on) } } }',
    variables: { on: true },
  },
  {
    query: 'query ($on: Boolean!) { __typename hosts { name cluster @include(if: $on) { name } ... on Host { id @skip(if: $on) } } }',
    variables: { on: false },
  },
];

const FAILING: { query: string; variables?: Record<string, unknown> }[] = [
  { query: '{ vms(search: "nosuchfield=1") { name } }' },
  { query: 'query ($n: Int) { vms(max: $n) { name } }', variables: { n: 'many' } },
  { query: '{ vms(filter: [{ field: "no.such.path", value: "x" }]) { name } }' },
  { query: '{ vms(max: 2) { name } nope: vm(id: "not-a-guid") { name } }' },
  { query: '{ vms(max: 2) { __proto__: name } }' },
];

for (const dialect of ['v4', 'v3'] as const) {
  describe(`the synchronous executor on API ${dialect}`, () => {
    let sim: Simulator;
    let interpreted: RunningServer;
    let synchronous: RunningServer;
    const bench = dialect === 'v4' ? QUERIES_V4 : QUERIES;
    const queries = [...new Set([...readmeQueries(), ...Object.values(bench).map((q) => q.query)])].filter((q) =>
      // The README's samples are v4's; v3 spells a status as an object.
      dialect === 'v4' ? true : !/\bstatus\b(?! \{)/.test(q),
    );
    const start = (compiledQueries: boolean, freshnessMs: number) => serverFor(sim, { freshnessMs, compiledQueries });

    beforeAll(async () => {
      sim = await simulator({ vms: 30, hosts: 4, dialects: dialect });
      [interpreted, synchronous] = await Promise.all([start(false, 600_000), start(true, 600_000)]);
    }, 60_000);

    afterAll(async () => {
      await interpreted?.close();
      await synchronous?.close();
      await sim?.close();
    });

    it('answers every README and bench query as graphql-js does, the dashboard in one synchronous pass', async () => {
      expect(queries.length).toBeGreaterThanOrEqual(dialect === 'v4' ? 5 : 3);
      const inOnePass: string[] = [];
      for (const query of queries) {
        const expected = await ask(interpreted, query);
        expect(expected.body.errors, query).toBeUndefined();
        await ask(synchronous, query); // the window takes the query's data
        const before = await synchronousRuns(synchronous);
        expect(await ask(synchronous, query), query).toEqual(expected);
        if ((await synchronousRuns(synchronous)) > before) inOnePass.push(query);
      }
      // The hierarchy's reverse relationships (`Cluster.hosts`) are batched by DataLoader, so always a promise.
      expect(inOnePass).toContain(bench.dashboard.query);
    }, 120_000);

    it('answers aliases, fragments, @skip and @include by variables and __typename as graphql-js does', async () => {
      for (const { query, variables } of shapes(dialect === 'v4' ? 'Vm' : 'VM')) {
        const expected = await ask(interpreted, query, variables);
        expect(expected.body.errors, query).toBeUndefined();
        await ask(synchronous, query, variables);
        const before = await synchronousRuns(synchronous);
        expect(await ask(synchronous, query, variables), query).toEqual(expected);
        expect(await synchronousRuns(synchronous), query).toBe(before + 1);
      }
    }, 60_000);

    it('gives errors up to graphql-js: the same errors, codes, paths and HTTP status', async () => {
      for (const { query, variables } of FAILING) {
        const expected = await ask(interpreted, query, variables);
        await ask(synchronous, query, variables);
        const before = await synchronousRuns(synchronous);
        expect(await ask(synchronous, query, variables), query).toEqual(expected);
        expect(await synchronousRuns(synchronous), query).toBe(before);
      }
    }, 60_000);

    it('answers as graphql-js does over WebSocket too', async () => {
      const overWs = async (server: RunningServer) =>
        steady(await askOverWebSocket(server.url, `${bench.dashboard.query} # over WebSocket ${++asked}`));
      const expected = await overWs(interpreted);
      const before = await synchronousRuns(synchronous);
      expect(await overWs(synchronous)).toEqual(expected);
      expect(await synchronousRuns(synchronous)).toBe(before + 1);
    }, 60_000);

    it('asks the engine what graphql-js asks, where it gives up (the window off)', async () => {
      const [plain, tried] = await Promise.all([start(false, 0), start(true, 0)]);
      try {
        const requests = async (server: RunningServer, query: string) => {
          const before = (await stats(sim)).requests as number;
          const answer = await ask(server, query);
          return { answer, requests: ((await stats(sim)).requests as number) - before };
        };
        // The first request of each logs in and reads the entry point.
        await requests(plain, '{ vms(max: 1) { name } }');
        await requests(tried, '{ vms(max: 1) { name } }');
        for (const query of queries) {
          const expected = await requests(plain, query);
          expect(await requests(tried, query), query).toEqual(expected);
        }
      } finally {
        await plain.close();
        await tried.close();
      }
    }, 120_000);
  });
}
