/**
 * The subgraph on API v4: it asks the engine which dialect it speaks and
 * serves that schema (v4 where offered), answers the dashboard, hierarchy and
 * statistics queries within the same engine-request bounds as on v3 (counted
 * at the simulator), runs actions as mutations, and completes status
 * subscriptions over WebSocket.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { simulator } from '../helpers.ts';
import { collect, countRequests, gql, type Stack, stack, wsClient } from './helpers.ts';

const DASHBOARD =
  '{ vms { name status cluster { name dataCenter { name } } host { name } diskAttachments { disk { name provisionedSize } } nics { name mac { address } } } }';
const HIERARCHY = '{ dataCenters { name clusters { name hosts { name vms { name } } } } }';
const WITH_STATS = '{ vms { name statistics { name values { datum } } } }';

/** Engine requests past logging in: what a query itself costs. */
const upstream = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .filter(([route]) => !route.includes('/sso/') && route !== 'GET /')
    .reduce((n, [, c]) => n + c, 0);

describe.each([100, 1000])('a v4 engine of %i VMs', (vms) => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms, hosts: 12, clusters: 4, datacenters: 2, dialects: 'v4' });
    await gql(s, '{ api { time } }');
  });
  afterAll(() => s.close());

  it('is served the v4 schema', async () => {
    const r = await gql(s, '{ vm: __type(name: "Vm") { name } old: __type(name: "VM") { name } }');
    expect(r.data).toEqual({ vm: { name: 'Vm' }, old: null });
    const entry = await gql(s, '{ api { productInfo { name version { major } } summary { vms { total } } } }');
    expect(entry.errors).toBeUndefined();
    expect(entry.data.api.productInfo.version.major).toBe(4);
    expect(entry.data.api.summary.vms.total).toBeGreaterThanOrEqual(vms);
  });

  it('the dashboard query costs at most 5 engine requests', async () => {
    let result: any;
    const counted = await countRequests(s, async () => {
      result = await gql(s, DASHBOARD);
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.vms.length).toBeGreaterThanOrEqual(vms);
    const vm = result.data.vms.find((v: any) => v.host);
    expect(vm.status).toBe('UP');
    expect(vm.diskAttachments[0].disk.provisionedSize).toBeGreaterThan(0);
    expect(vm.cluster.dataCenter.name).toBeTruthy();
    expect(upstream(counted.byRoute)).toBeLessThanOrEqual(5);
  });

  it('Vm.disks, the shortcut through the disk attachments, costs no more', async () => {
    let result: any;
    const counted = await countRequests(s, async () => {
      result = await gql(s, '{ vms { name disks { name provisionedSize } } }');
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.vms[0].disks[0].provisionedSize).toBeGreaterThan(0);
    // The disks come inside the attachments in the list itself (follow=disk_attachments.disk).
    expect(upstream(counted.byRoute)).toBe(1);
  });

  it('the hierarchy and statistics queries cost what they cost on v3', async () => {
    const h = await countRequests(s, async () => expect((await gql(s, HIERARCHY)).errors).toBeUndefined());
    expect(upstream(h.byRoute)).toBeLessThanOrEqual(4);
    let stats: any;
    const st = await countRequests(s, async () => {
      stats = await gql(s, WITH_STATS);
    });
    expect(stats.errors).toBeUndefined();
    expect(stats.data.vms[0].statistics.length).toBeGreaterThan(0);
    // Statistics come inlined in the list (follow=statistics).
    expect(upstream(st.byRoute)).toBe(1);
  });
});

describe('actions and subscriptions on v4', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms: 20, hosts: 4, dialects: 'v4', transitionMs: 20 });
  });
  afterAll(() => s.close());

  it('runs an action as a mutation and completes a status subscription over WebSocket', async () => {
    const up = await gql(s, '{ vms(search: "status=up", max: 1) { id name } }');
    const id = up.data.vms[0].id;
    const client = wsClient(s);
    try {
      // The statuses to wait for are the enum Vm.status returns (what goes in is what comes out), in a variable too.
      const watched = collect(
        client,
        'subscription($id: ID!, $s: [VmStatus!]) { vmStatus(id: $id, status: $s) { state done vm { id name status } } }',
        {
          id,
          s: ['DOWN'],
        },
      );
      const stopped = await gql(s, 'mutation($id: ID!) { stopVm(id: $id) { status resource { status } } }', { id });
      expect(stopped.errors).toBeUndefined();
      expect(stopped.data.stopVm.status).toBe('complete');
      const { events, error } = await watched;
      expect(error).toBeUndefined();
      // The event carries the VM as the poll read it (a router joins other subgraphs' fields onto it by id).
      expect(events.at(-1)).toEqual({ vmStatus: { state: 'down', done: true, vm: { id, name: up.data.vms[0].name, status: 'DOWN' } } });
      // A lowercase word is not a VmStatus: refused before anything runs.
      const wrong = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id, status: ["down"]) { state } }', { id }, 5000);
      expect(JSON.stringify(wrong.error)).toMatch(/VmStatus/);
    } finally {
      await client.dispose();
    }
  });

  it('told a dialect, sends only that dialect, the first request (the engine check) included', async () => {
    const sim = await simulator({ vms: 5, dialects: 'both' });
    const versions: string[] = [];
    // A recording proxy in front of the engine: what Version each request asked for.
    const proxy = createServer((req, res) => {
      versions.push(String(req.headers.version));
      const up = request(`${sim.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/ovirt-engine/api`;
    const server = await startServer({
      engine: { url, username: 'admin@internal', password: 'admin', apiVersion: 3 },
      port: 0,
      landingPage: false,
      anonymous: 'service-account',
      logLevel: 'silent',
    });
    try {
      expect((await gql(server, '{ vms { name status { state } } }')).errors).toBeUndefined();
      expect(versions.length).toBeGreaterThan(1);
      expect(new Set(versions)).toEqual(new Set(['3']));
    } finally {
      await server.close();
      await new Promise((r) => proxy.close(r));
      await sim.close();
    }
  });

  it('serves API v3 when told to, from an engine that speaks both', async () => {
    const both = await stack({ vms: 5, dialects: 'both' }, { engine: { apiVersion: 3 } });
    try {
      const r = await gql(both, '{ vms { name status { state } } }');
      expect(r.errors).toBeUndefined();
      expect(r.data.vms[0].status.state).toMatch(/up|down/);
    } finally {
      await both.close();
    }
  });
});
