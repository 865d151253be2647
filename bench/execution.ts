/**
 * Scenario 7: the execution engine alone. The same schema, resolvers and
 * loaders, over engine data the connection's freshness window already holds
 * (no engine request during the measurement), executing the 1,000-VM
 * dashboard query with graphql-js, with graphql-jit (the query compiled
 * once, as a server would cache it) and with the synchronous executor (what
 * the server runs first: src/execution/synchronous.ts), plus a
 * JSON.stringify of the answer for scale. The answers are compared field for
 * field before anything is timed: a faster engine that answers differently
 * is not measured.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, getOperationAST, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { executeSynchronously } from '../src/execution/index.ts';
import { Loaders } from '../src/loaders/index.ts';
import { buildResolvers } from '../src/resolvers/index.ts';
import { Connection } from '../src/rhev/index.ts';
import { bundledInput, generateSchema } from '../src/schema/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { QUERIES } from './dashboard.ts';
import { measure, time } from './lib.ts';

export interface ExecutionResultRow {
  vms: number;
  /** ms per execution, medians. */
  graphqlJs: number;
  graphqlJit: number;
  /** The synchronous executor, ms per execution (median). */
  synchronous: number;
  /** JSON.stringify of graphql-js's answer, and of graphql-jit's (the same data), ms. */
  stringify: number;
  stringifyJit: number;
  /** graphql-js time / graphql-jit time. */
  jitSpeedup: number;
  /** graphql-js time / the synchronous executor's. */
  synchronousSpeedup: number;
  /** graphql-jit's answer and the synchronous executor's are graphql-js's. */
  sameAnswer: boolean;
}

export async function executionScenario(vms: number, reps: number): Promise<ExecutionResultRow> {
  const sim = await startSimulator({ vms, hosts: Math.max(4, Math.round(vms / 50)), clusters: 4, datacenters: 2, port: 0 });
  const connection = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', freshnessMs: 3_600_000 });
  try {
    const generated = generateSchema(bundledInput(3));
    const schema = buildSubgraphSchema({
      typeDefs: parse(generated.sdl),
      resolvers: buildResolvers(generated.plan, generated.api) as Record<string, any>,
    });
    const document = parse(QUERIES.dashboard.query);
    const context = () => ({ connection, loaders: new Loaders(connection, generated.api), signal: new AbortController().signal });
    const viaJs = async () => execute({ schema, document, contextValue: context() });
    const compiled = compileQuery(schema, document);
    if (!isCompiledQuery(compiled)) throw new Error(`graphql-jit could not compile the dashboard query: ${JSON.stringify(compiled)}`);
    const viaJit = async () => compiled.query(undefined, context(), {});
    const operation = getOperationAST(document)!;
    const viaSynchronous = async () => {
      const run = { schema, document, operation, variableValues: {}, contextValue: context(), roots: new Map() };
      const answer = await executeSynchronously(run);
      if (!answer) throw new Error('The synchronous executor gave the dashboard up over data the window holds');
      return answer;
    };
    // Fills the window with every list the query reads; the answers must agree before timing.
    const a = JSON.stringify(await viaJs());
    const b = JSON.stringify(await viaJit());
    const c = JSON.stringify(await viaSynchronous());
    const timed = async (run: () => Promise<unknown>) => {
      const values: number[] = [];
      for (let i = 0; i < 3; i++) await run();
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        await run();
        values.push(performance.now() - t0);
      }
      values.sort((x, y) => x - y);
      return values[Math.floor(values.length / 2)];
    };
    const js = await timed(viaJs);
    const jit = await timed(viaJit);
    const synchronous = await timed(viaSynchronous);
    // graphql-js builds its answer of objects without a prototype (dictionary-mode objects to V8), which
    // JSON.stringify may write more slowly than the plain objects of graphql-jit's answer: both are measured.
    const fromJs = await viaJs();
    const fromJit = await viaJit();
    const stringify = measure('stringify', 'ms', reps, () => time(() => JSON.stringify(fromJs))).median;
    const stringifyJit = measure('stringify', 'ms', reps, () => time(() => JSON.stringify(fromJit))).median;
    return {
      vms: sim.engine.store.table('vms').size,
      graphqlJs: js,
      graphqlJit: jit,
      synchronous,
      stringify,
      stringifyJit,
      jitSpeedup: js / jit,
      synchronousSpeedup: js / synchronous,
      sameAnswer: a === b && a === c,
    };
  } finally {
    await connection.close();
    await sim.close();
  }
}
