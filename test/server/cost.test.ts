/**
 * The engine-cost estimate against what the engine is actually sent: for
 * queries whose lists' `max` are within what the engine holds, the estimate
 * made before execution is the request count the simulator sees.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledApiModel } from '../../src/model/index.ts';
import { bundledInput, generateSchema } from '../../src/schema/index.ts';
import { DEFAULT_LIMITS } from '../../src/server/index.ts';
import { estimateCost } from '../../src/server/rules/index.ts';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

const plan = generateSchema(bundledInput(3)).plan;
const api = bundledApiModel();

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 40, hosts: 6, clusters: 3, datacenters: 2, seed: 7 });
  await gql(s, '{ api { time } }'); // the entry point is read once per connection
});
afterAll(async () => {
  await s.close();
});

const QUERIES = [
  '{ vms(max: 5) { name } }',
  '{ vms(max: 5) { name disks(max: 1) { name } nics(max: 1) { name } tags { name } } }',
  '{ vms(max: 5) { cluster { id } } }',
  '{ vms(max: 5) { cluster { name } } }',
  '{ vms(max: 5) { cluster { name dataCenter { name } } } }',
  '{ clusters(max: 2) { name vms(max: 3) { name } } }',
  '{ dataCenters(max: 1) { name clusters(max: 1) { name hosts(max: 1) { name } } } }',
  '{ hosts(max: 2) { name statistics { name } } }',
  '{ vms(max: 3) { nics(max: 1) { statistics { name } } } }',
  '{ vms(max: 2) { name } vms(max: 2) { id } }',
];

describe('the engine-cost estimate', () => {
  it.each(QUERIES)('equals the requests observed: %s', async (query) => {
    const estimate = estimateCost(plan, api, parse(query), DEFAULT_LIMITS).get('');
    let r: any;
    const observed = await countRequests(s, async () => {
      r = await gql(s, query);
    });
    expect(r.errors).toBeUndefined();
    expect(observed.total, JSON.stringify(observed.byRoute)).toBe(estimate);
  });
});
