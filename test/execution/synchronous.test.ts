/**
 * The synchronous executor (src/execution/synchronous.ts) over a schema of
 * its own: where it answers, the answer is graphql-js's; where anything is
 * not a plain synchronous success it gives up (undefined), leaves no
 * promise unhandled, and keeps the root values it resolved for the run after
 * it. The server's use of it (over the engine's data, with request counts)
 * is test/server/synchronous.test.ts.
 */
import {
  buildSchema,
  execute,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  getOperationAST,
  parse,
  responsePathAsArray,
} from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeSynchronously, type RootValues } from '../../src/execution/index.ts';

const schema = buildSchema(`
  type Query { things(first: Int): [Thing!]! later: Thing broken: Thing nameless: [Thing!]! }
  type Thing { id: ID! name: String size: Int where: [String] parts: [Part!] late: String failing: String }
  type Part { label: String! path: [String!] }
`);

const paths: (string | number)[][] = [];
const things = [
  { id: '1', name: 'one', size: 1, where: ['a', null], parts: [{ label: 'p1' }, { label: 'p2' }] },
  { id: '2', name: null, size: 2, where: null, parts: [] },
];
const resolvers: Record<string, Record<string, GraphQLFieldResolver<any, any, any>>> = {
  Query: {
    things: (_p, args: { first?: number }) => Promise.resolve(args.first === undefined ? things : things.slice(0, args.first)),
    later: () => Promise.resolve({ id: '3', name: 'three' }),
    broken: () => Promise.reject(new Error('the root failed')),
    nameless: () => [{ id: '4', name: 'four', parts: [{ label: null }] }],
  },
  Thing: {
    late: () => Promise.resolve('late'),
    failing: () => Promise.reject(new Error('a nested failure')),
  },
  Part: {
    path: (_p, _a, _c, info: GraphQLResolveInfo) => {
      const path = responsePathAsArray(info.path);
      paths.push(path);
      return path.map(String);
    },
  },
};
for (const [type, fields] of Object.entries(resolvers)) {
  const t = schema.getType(type) as unknown as { getFields(): Record<string, { resolve?: unknown }> };
  for (const [name, resolve] of Object.entries(fields)) t.getFields()[name].resolve = resolve;
}

async function both(query: string, variableValues: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const roots: RootValues = new Map();
  const synchronous = await executeSynchronously({ schema, document, operation, variableValues, contextValue: {}, roots });
  const expected = await execute({ schema, document, variableValues });
  return { synchronous, expected: JSON.parse(JSON.stringify(expected)), roots };
}

describe('the synchronous executor', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  beforeEach(() => {
    unhandled.length = 0;
    paths.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('answers as graphql-js does: aliases, fragments, @skip and @include by variables, __typename, arguments', async () => {
    const query = `query ($skip: Boolean!, $n: Int) {
      __typename
      first: things(first: $n) { ...F size @skip(if: $skip) where __typename }
      things { id ... on Thing { name @include(if: $skip) parts { label } } parts { l: label } }
    }
    fragment F on Thing { id name }`;
    for (const variables of [{ skip: true, n: 1 }, { skip: false }]) {
      const { synchronous, expected } = await both(query, variables);
      expect(expected.errors).toBeUndefined();
      expect(synchronous).toBeDefined();
      expect(JSON.stringify(synchronous)).toBe(JSON.stringify(expected));
    }
  });

  it("gives a resolver the path of the value it resolves, as graphql-js's", async () => {
    const { synchronous } = await both('{ things { parts { path } } }');
    const ours = paths.splice(0);
    expect(synchronous).toBeDefined();
    // graphql-js ran second (both()): its paths are the second half.
    expect(ours.slice(0, ours.length / 2)).toEqual(ours.slice(ours.length / 2));
    expect(ours[0]).toEqual(['things', 0, 'parts', 0, 'path']);
  });

  it('gives up at a nested promise, keeps the root values, and leaves no rejection unhandled', async () => {
    for (const query of ['{ things { id late } }', '{ things { id failing } }']) {
      const { synchronous, roots } = await both(query);
      expect(synchronous).toBeUndefined();
      expect(roots.has('things')).toBe(true);
      await expect(roots.get('things')).resolves.toBe(things);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });

  it('gives up where graphql-js reports an error: a failed root, a null where non-null, an alias __proto__', async () => {
    for (const query of ['{ broken { id } things { id } }', '{ nameless { parts { label } } }', '{ things { __proto__: name } }']) {
      const { synchronous, expected } = await both(query);
      expect(synchronous, query).toBeUndefined();
      if (!query.includes('__proto__')) expect(expected.errors?.length, query).toBeGreaterThan(0);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });

  it('leaves introspection and mutations to graphql-js', async () => {
    expect((await both('{ __schema { queryType { name } } }')).synchronous).toBeUndefined();
    expect((await both('{ __type(name: "Thing") { name } }')).synchronous).toBeUndefined();
    const document = parse('mutation { x }');
    const run = { schema, document, operation: getOperationAST(document)!, variableValues: {}, contextValue: {}, roots: new Map() };
    expect(await executeSynchronously(run)).toBeUndefined();
  });

  it('gives up where the default resolver would call a function it finds', async () => {
    const withMethod = [{ id: '9', name: () => 'a method' }];
    const t = schema.getQueryType()!.getFields().nameless;
    const before = t.resolve;
    t.resolve = () => withMethod;
    try {
      expect((await both('{ nameless { name } }')).synchronous).toBeUndefined();
    } finally {
      t.resolve = before;
    }
  });
});
