/**
 * The server reading API v4 as JSON (`--engine-format json`): the
 * dashboard's answer, a statistics query and a mutation come out as they do
 * over XML, in as many engine requests (4 for the dashboard), and the engine
 * is asked for JSON. Two servers over one simulator, GraphQL over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

const DASHBOARD =
  '{ vms { name status cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }';

describe('engine.format json', () => {
  let s: Stack;
  let json: RunningServer;
  beforeAll(async () => {
    s = await stack({ vms: 120, hosts: 6, dialects: 'v4', transitionMs: 10 }, { engine: { apiVersion: 4 } });
    json = await startServer({
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      logLevel: 'silent',
      freshnessMs: 0,
      engine: { url: s.sim.apiUrl, username: 'admin@internal', password: 'admin', apiVersion: 4, format: 'json' },
    });
  });
  afterAll(async () => {
    await json?.close();
    await s?.close();
  });

  it('answers the dashboard as over XML, in the same four engine requests', async () => {
    // Each server has logged in and read the entry point before it is counted.
    await Promise.all([gql(s, '{ api { time } }'), gql(json, '{ api { time } }')]);
    let fromXml: unknown;
    let fromJson: unknown;
    const xmlCount = await countRequests(s, async () => {
      fromXml = await gql(s, DASHBOARD);
    });
    // Both servers ask the same simulator: its count is the JSON server's while that one asks.
    const jsonCount = await countRequests(s, async () => {
      fromJson = await gql(json, DASHBOARD);
    });
    expect((fromXml as { errors?: unknown }).errors).toBeUndefined();
    expect(fromJson).toEqual(fromXml);
    expect(jsonCount.total).toBe(4);
    expect(jsonCount.byRoute).toEqual(xmlCount.byRoute);
  });

  it('answers statistics and a mutation as over XML', async () => {
    // Statistics move between two reads: their names and units are compared, and that each has a value.
    const stats = '{ vms { name statistics { name unit values { datum } } } }';
    const shape = (r: any) => r.data.vms.map((v: any) => [v.name, v.statistics.map((t: any) => [t.name, t.unit, t.values.length])]);
    expect(shape(await gql(json, stats))).toEqual(shape(await gql(s, stats)));
    const id = (await gql(json, '{ vms { id status } }')).data.vms.find((v: { status: string }) => v.status === 'DOWN').id;
    const started = await gql(json, `mutation { startVm(id: "${id}") { status } }`);
    expect(started.errors).toBeUndefined();
    const missing = `{ vm(id: "00000000-0000-4000-8000-000000000000") { name } }`;
    expect(await gql(json, missing)).toEqual(await gql(s, missing));
  });
});
