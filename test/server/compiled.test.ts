/**
 * Compiled queries (issue 26 point 3, src/server/compiled.ts) answer exactly
 * what graphql-js answers: every query of the README and of the bench, and
 * queries that end in errors (a VM that is not there, variables that cannot
 * be read, a filter path that does not exist, a field the engine fails), on
 * v4 and v3, over HTTP and WebSocket. Two servers in front of one
 * simulator, one with compiled queries off; each query is asked twice (it is
 * compiled the second time), and the metric says compiled code ran. The
 * window is off here, so the synchronous executor (which runs first) gives
 * most of these up; test/server/synchronous.test.ts has it answer them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERIES, QUERIES_V4 } from '../../bench/dashboard.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator } from '../helpers.ts';
import { askOverWebSocket, readmeQueries, serverFor, steady } from './helpers.ts';

const README = readmeQueries();

const FAILING: { query: string; variables?: Record<string, unknown> }[] = [
  { query: '{ vms(search: "nosuchfield=1") { name } }' },
  { query: 'query ($n: Int) { vms(max: $n) { name } }', variables: { n: 'many' } },
  { query: 'query ($id: ID!) { vm(id: $id) { name } }' },
  { query: '{ vms(filter: [{ field: "no.such.path", value: "x" }]) { name } }' },
  { query: '{ vms(max: 2) { name } nope: vm(id: "not-a-guid") { name } }' },
];

async function ask(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return steady({ status: res.status, body: await res.json() }) as { status: number; body: { errors?: unknown[] } };
}

/** Queries not run by graphql-js: by compiled code, or by the synchronous executor where all their data was at hand. */
const compiledRuns = async (server: RunningServer) => {
  const metrics = await server.metrics.registry.metrics();
  const count = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
  return count('rhev_compiled_queries_total') + count('rhev_synchronous_queries_total');
};

for (const dialect of ['v4', 'v3'] as const) {
  describe(`compiled queries on API ${dialect}`, () => {
    let sim: Simulator;
    let interpreted: RunningServer;
    let compiled: RunningServer;
    const queries = [...new Set([...README, ...Object.values(dialect === 'v4' ? QUERIES_V4 : QUERIES).map((q) => q.query)])].filter((q) =>
      // The README's samples are v4's; v3 spells a status as an object.
      dialect === 'v4' ? true : !/\bstatus\b(?! \{)/.test(q),
    );

    beforeAll(async () => {
      sim = await simulator({ vms: 30, hosts: 4, dialects: dialect });
      const start = (compiledQueries: boolean) => serverFor(sim, { freshnessMs: 0, compiledQueries });
      [interpreted, compiled] = await Promise.all([start(false), start(true)]);
    }, 60_000);

    afterAll(async () => {
      await interpreted?.close();
      await compiled?.close();
      await sim?.close();
    });

    it('answers every README and bench query as graphql-js does, over HTTP', async () => {
      expect(queries.length).toBeGreaterThanOrEqual(dialect === 'v4' ? 5 : 3);
      const before = await compiledRuns(compiled);
      for (const query of queries) {
        const expected = await ask(interpreted.url, query);
        expect(expected.body.errors, query).toBeUndefined();
        await ask(compiled.url, query);
        expect(await ask(compiled.url, query), query).toEqual(expected);
      }
      // The synchronous executor answers some at their first sight too (their nested data came with their lists).
      expect(await compiledRuns(compiled)).toBeGreaterThanOrEqual(before + queries.length);
    }, 120_000);

    it('fails as graphql-js does: the same errors, codes, paths and HTTP status', async () => {
      const before = await compiledRuns(compiled);
      for (const { query, variables } of FAILING) {
        const expected = await ask(interpreted.url, query, variables);
        expect(expected.body.errors?.length ?? 0, query).toBeGreaterThan(0);
        await ask(compiled.url, query, variables);
        expect(await ask(compiled.url, query, variables), query).toEqual(expected);
      }
      expect(await compiledRuns(compiled)).toBeGreaterThan(before);
    }, 60_000);

    it('knows a query by its document, not its text: comments and spacing do not make another', async () => {
      const before = await compiledRuns(compiled);
      const query = '{ clusters { name dataCenter { name } } }';
      const expected = await ask(interpreted.url, query);
      for (let i = 0; i < 3; i++) expect(await ask(compiled.url, `# dashboard ${i}\n${query.replace(/ /g, '  ')}`)).toEqual(expected);
      expect(await compiledRuns(compiled)).toBe(before + 2);
    });

    it('answers as graphql-js does over WebSocket too', async () => {
      const before = await compiledRuns(compiled);
      // Named, so that it is a text of its own: seen once (graphql-js), then compiled.
      const query = `query OverWebSocket ${(dialect === 'v4' ? QUERIES_V4 : QUERIES).dashboard.query}`;
      const expected = await askOverWebSocket(interpreted.url, query);
      await askOverWebSocket(compiled.url, query);
      expect(await askOverWebSocket(compiled.url, query)).toEqual(expected);
      expect(await compiledRuns(compiled)).toBe(before + 1);
    }, 60_000);

    it("leaves a router's traced queries and the federation fields to graphql-js", async () => {
      const before = await compiledRuns(compiled);
      const traced = (query: string) =>
        fetch(compiled.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
          body: JSON.stringify({ query }),
        }).then((r) => r.json());
      for (let i = 0; i < 3; i++) {
        expect(((await traced('{ vms(max: 1) { name } }')) as { extensions?: { ftv1?: string } }).extensions?.ftv1).toBeTruthy();
        await ask(compiled.url, '{ _service { sdl } }');
      }
      expect(await compiledRuns(compiled)).toBe(before);
    }, 60_000);
  });
}
