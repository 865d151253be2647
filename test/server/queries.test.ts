import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, gql, post, type Stack, stack } from './helpers.ts';

const DASHBOARD = `{ vms { name status { state } cluster { name dataCenter { name } } host { name } disks { name provisionedSize } nics { name mac { address } } } }`;
const HIERARCHY = `{ dataCenters { name clusters { name hosts { name vms { name } } } } }`;
const WITH_STATS = `{ vms { name statistics { name values { value { datum } } } } }`;

describe.each([100, 1000])('request counts at %i VMs (counted at the simulator)', (vms) => {
  let s: Stack;
  let naive: Stack;
  beforeAll(async () => {
    s = await stack({ vms, hosts: 12, clusters: 4, datacenters: 2 });
    naive = vms === 100 ? await stack({ vms, hosts: 12, clusters: 4, datacenters: 2 }, { batching: false }) : s;
    // The first request of a connection logs in and reads the entry point; count from the second.
    await gql(s, '{ api { time } }');
    if (naive !== s) await gql(naive, '{ api { time } }');
  });
  afterAll(async () => {
    await s.close();
    if (naive !== s) await naive.close();
  });

  it('the dashboard query costs at most 5 upstream requests', async () => {
    let result: any;
    const counted = await countRequests(s, async () => {
      result = await gql(s, DASHBOARD);
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.vms.length).toBeGreaterThanOrEqual(vms);
    expect(result.data.vms.every((v: any) => v.cluster.dataCenter.name && v.disks.length > 0 && v.nics[0].mac.address)).toBe(true);
    expect(counted.total).toBeLessThanOrEqual(5);
    expect(counted.byRoute['GET /vms']).toBe(1);
  });

  it('the hierarchy query costs one request per level', async () => {
    let result: any;
    const counted = await countRequests(s, async () => {
      result = await gql(s, HIERARCHY);
    });
    expect(result.errors).toBeUndefined();
    const vmCount = result.data.dataCenters.flatMap((d: any) => d.clusters.flatMap((c: any) => c.hosts.flatMap((h: any) => h.vms))).length;
    expect(vmCount).toBeGreaterThan(0);
    expect(counted.total).toBe(4);
  });

  it('statistics come inlined in the same list request', async () => {
    let result: any;
    const counted = await countRequests(s, async () => {
      result = await gql(s, WITH_STATS);
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.vms[0].statistics.map((x: any) => x.name)).toContain('memory.installed');
    expect(counted.total).toBe(1);
  });

  it.runIf(vms === 100)('the naive way (batching off) costs 1 + 5N', async () => {
    const counted = await countRequests(naive, async () => {
      const r = await gql(naive, DASHBOARD);
      expect(r.errors).toBeUndefined();
    });
    const n = naive.sim.engine.store.table('vms').size;
    const running = [...naive.sim.engine.store.table('vms').values()].filter((v) => v.host).length;
    // Down VMs have no host to fetch.
    expect(counted.total).toBe(1 + 4 * n + running);
  });
});

describe('queries', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms: 40 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('searches, pages, filters and fetches single items', async () => {
    const r = await gql(
      s,
      `{
      web: vms(search: "name=web-*", max: 3) { name }
      page: vms(search: "sortby name asc", max: 2, page: 2) { name }
      filtered: vms(filter: [{ field: "name", value: "db-0000?" }]) { name }
      host(id: "11111111-2222-4333-8444-555555555555") { name }
      api { productInfo { name vendor version { major minor } } summary { vms { total } } }
      capabilities { version { major minor current } }
    }`,
    );
    expect(JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data.web).toHaveLength(3);
    expect(r.data.web.every((v: any) => v.name.startsWith('web-'))).toBe(true);
    expect(r.data.page).toHaveLength(2);
    expect(r.data.filtered.every((v: any) => /^db-0000.$/.test(v.name))).toBe(true);
    expect(r.data.host).toBeNull();
    expect(r.data.api.productInfo.version).toEqual({ major: 3, minor: 6 });
    expect(r.data.capabilities.version.some((v: any) => v.current)).toBe(true);
  });

  it('serializes Long, DateTime and enums, and resolves nested levels', async () => {
    const r = await gql(
      s,
      `{ vms(max: 1) { id memory creationTime type os { type boot { dev } } template { name } statistics { unit type } tags { name } snapshots { description } cdroms { id } } }`,
    );
    expect(r.errors).toBeUndefined();
    const vm = r.data.vms[0];
    expect(typeof vm.memory).toBe('number');
    expect(vm.creationTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(vm.type).toBe('SERVER');
    expect(vm.statistics[0].unit).toBe('BYTES');
    expect(vm.snapshots[0].description).toBe('Active VM');
  });

  it('lets two callers see what the engine lets each see', async () => {
    const admin = await gql(s, '{ vms { id } }', undefined, { username: 'admin@internal', password: 'admin' });
    const [a, b] = await Promise.all([
      gql(s, '{ vms { id name } }', undefined, { username: 'user@internal', password: 'user' }),
      gql(s, '{ vms { id name } }'),
    ]);
    expect(a.data.vms).toHaveLength(3);
    expect(b.data.vms.length).toBe(admin.data.vms.length);
    const bad = await gql(s, '{ vms { id } }', undefined, { username: 'user@internal', password: 'wrong' });
    expect(bad.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    // Connections (and so engine sessions) are per credential.
    expect(s.server.connections.size).toBeGreaterThanOrEqual(3);
  });

  it('marks an answer with VMs in it no-store (cache-hints.test.ts has the cacheable ones)', async () => {
    const res = await post(s, '{ vms(max: 1) { name } }');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /health and /metrics', async () => {
    const base = s.server.url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', engine: { reachable: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/rhev_upstream_requests_total\{method="GET",route="\/vms",status="200"\} \d+/);
    expect(metrics).toContain('rhev_upstream_request_duration_seconds_bucket');
    expect(metrics).toContain('rhev_subscriptions_active 0');
    expect(metrics).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});
