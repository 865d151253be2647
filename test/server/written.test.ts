/**
 * An answer's JSON written once per answer (server/written.ts): whatever
 * the response around a kept `data` (errors, extensions, their order,
 * members JSON leaves out), the text is JSON.stringify's. Over HTTP, callers
 * sharing an answer get the same bytes, and a partial answer with errors
 * stays well-formed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyResult } from '../../src/server/written.ts';
import { gql, post, type Stack, stack } from './helpers.ts';

describe('an answer written once', () => {
  const data = { vms: [{ name: 'caf\u00e9 "quoted" \\ \u2028', status: 'UP', disks: [], host: null }] };

  it('is what JSON.stringify writes, whatever surrounds the data', () => {
    const results: object[] = [
      { data },
      { errors: [{ message: 'x', path: ['vms', 0] }], data },
      { data, extensions: { cost: 3 } },
      { extensions: { cost: 4 }, data },
      { data, extensions: undefined, skipped: () => 1 },
      { data: null, errors: [{ message: 'y' }] },
      { errors: [{ message: 'z' }] },
      {},
    ];
    // Twice each: the second time the data's text is the one kept.
    for (const r of [...results, ...results]) expect(stringifyResult(r)).toBe(JSON.stringify(r));
  });

  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms: 50, hosts: 4 }, { freshnessMs: 60_000 });
  });
  afterAll(() => s?.close());

  it('gives callers sharing an answer the same bytes, as JSON.stringify writes them', async () => {
    const query = '{ vms { name description cluster { name dataCenter { name } } } }';
    const [a, b] = [await (await post(s, query)).text(), await (await post(s, query)).text()];
    expect(b).toBe(a);
    expect(a).toBe(JSON.stringify(JSON.parse(a)));
    expect(JSON.parse(a).data.vms.length).toBeGreaterThanOrEqual(50);
  });

  it('writes a partial answer with its errors whole', async () => {
    const r = await gql(s, '{ vms { name } vm(id: "bad id") { name } }');
    expect(r.data!.vm).toBeNull();
    expect(r.data!.vms.length).toBeGreaterThanOrEqual(50);
    expect(r.errors?.[0].extensions?.code).toBeDefined();
  });
});
