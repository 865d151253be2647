/**
 * What callers send: every string argument has a documented maximum and no
 * character XML cannot carry; globs are matched without backtracking and a
 * bad one is the caller's error; refusals are JSON client errors without
 * stack traces; callers cannot add metric series; the cost estimate counts
 * what execution runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledApiModel } from '../../src/model/index.ts';
import { routeTemplate } from '../../src/server/index.ts';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 30 });
});
afterAll(async () => {
  await s.close();
});

const CLUSTER_AND_TEMPLATE = '{ clusters(max: 1) { name } templates(search: "name=Blank") { name } }';

describe('filter globs', () => {
  it('a glob of stars that a backtracking regex would take hours over is answered at once', async () => {
    const r = await gql(s, '{ vms(max: 1, filter: [{ field: "href", value: "********X" }]) { name } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.vms).toEqual([]);
    const worse = await gql(s, `{ vms(filter: [{ field: "description", value: "${'*a'.repeat(100)}*X" }]) { name } }`);
    expect(worse.errors).toBeUndefined();
    const nested = await gql(s, `{ vms(max: 3) { disks(filter: [{ field: "name", value: "${'*'.repeat(200)}X" }]) { name } } }`);
    expect(nested.errors).toBeUndefined();
  });

  it('a glob that cannot be read is BAD_USER_INPUT naming it, on lists and sub-collections, before the engine is asked', async () => {
    let r: any;
    const counted = await countRequests(s, async () => {
      r = await gql(s, '{ vms(filter: [{ field: "name", value: "[\\\\]" }]) { name } }');
    });
    expect(r.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter[0].value' });
    expect(counted.total).toBe(0);
    const sub = await gql(s, '{ vms(max: 1) { disks(filter: [{ field: "name", value: "web[1" }]) { name } } }');
    expect(sub.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter[0].value' });
  });
});

describe('argument sizes and characters', () => {
  it('refuses strings over their documented maximum, naming the argument', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['query($q: String) { vms(search: $q) { name } }', { q: 'x'.repeat(4097) }, 'search'],
      ['query($v: String!) { vms(filter: [{ field: "name", value: $v }]) { name } }', { v: 'x'.repeat(257) }, 'filter[0].value'],
      ['query($f: String!) { vms(filter: [{ field: $f, value: "x" }]) { name } }', { f: 'x'.repeat(257) }, 'filter[0].field'],
      [
        'query($l: [FieldFilter!]) { vms(filter: $l) { name } }',
        { l: Array.from({ length: 17 }, () => ({ field: 'name', value: '*' })) },
        'filter',
      ],
      [
        'mutation($n: String!) { createVm(input: { name: $n, cluster: { name: "c" }, template: { name: "Blank" } }) { id } }',
        { n: 'x'.repeat(256) },
        'input.name',
      ],
      [
        'mutation($d: String!) { createVm(input: { name: "ok", description: $d, cluster: { name: "c" }, template: { name: "Blank" } }) { id } }',
        { d: 'x'.repeat(65_537) },
        'input.description',
      ],
    ];
    for (const [query, variables, argument] of cases) {
      let r: any;
      const counted = await countRequests(s, async () => {
        r = await gql(s, query, variables);
      });
      expect(r.errors[0].extensions, argument).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(counted.total, argument).toBe(0);
    }
  });

  it('refuses characters XML 1.0 forbids, so every body sent to the engine is well-formed', async () => {
    const c = await gql(s, CLUSTER_AND_TEMPLATE);
    const cluster = c.data.clusters[0].name;
    for (const bad of ['nul\u0000', 'bell\u0007', 'nonchar\uFFFE', 'nonchar\uFFFF', 'lone\uD800surrogate', 'lone\uDC00']) {
      let r: any;
      const counted = await countRequests(s, async () => {
        r = await gql(
          s,
          'mutation($n: String!, $c: String!) { createVm(input: { name: $n, cluster: { name: $c }, template: { name: "Blank" } }) { id } }',
          { n: bad, c: cluster },
        );
      });
      expect(r.errors[0].extensions, JSON.stringify(bad)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.name' });
      expect(counted.byRoute['POST /vms'] ?? 0).toBe(0);
    }
    // Tabs, line breaks and paired surrogates are fine.
    const ok = await gql(
      s,
      'mutation($d: String!, $c: String!) { createVm(input: { name: "emoji-ok", description: $d, cluster: { name: $c }, template: { name: "Blank" } }, async: true) { id description } }',
      { d: 'tab\there\nline \uD83D\uDE00', c: cluster },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createVm.description).toBe('tab\there\nline \uD83D\uDE00');
  });
});

describe('refusals are client errors, in JSON, without stack traces', () => {
  it('a body over the limit is 413 JSON, bad JSON is 400 JSON, an unknown path is 404 JSON', async () => {
    const big = await fetch(s.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ api { time } } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/json/);
    const bigBody = await big.text();
    expect(JSON.parse(bigBody).errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'maxBodyBytes' });
    expect(bigBody).not.toMatch(/at |stack|node_modules/);
    const broken = await fetch(s.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const missing = await fetch(s.server.url.replace(/graphql$/, 'nothing-here'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('errors carry no stack trace unless the server runs in debug mode', async () => {
    const r = await gql(s, '{ vm(id: "5ee8d9e4-0000-4000-8000-000000000000") { name } nope }');
    expect(JSON.stringify(r)).not.toContain('stacktrace');
    const debug = await stack({ vms: 1 }, { debug: true });
    try {
      const d = await gql(debug, '{ vms(filter: [{ field: "name", value: "[" }]) { name } }');
      expect(d.errors![0].extensions!.stacktrace).toBeDefined();
    } finally {
      await debug.close();
    }
  });
});

describe('metrics', () => {
  it('route labels come from the model: random ids do not add series', async () => {
    const role = (await gql(s, '{ roles(max: 1) { id } }')).data.roles[0].id;
    const series = async () =>
      ((await (await fetch(s.server.url.replace(/graphql$/, 'metrics'))).text()).match(/^rhev_upstream_requests_total\{.*$/gm) ?? [])
        .length;
    await gql(s, 'mutation($r: ID!) { deleteRolePermit(roleId: $r, id: "warm-up") { id } }', { r: role });
    const before = await series();
    for (let i = 0; i < 40; i++) {
      await gql(s, 'mutation($r: ID!, $id: ID!) { deleteRolePermit(roleId: $r, id: $id) { id } }', {
        r: role,
        id: `attacker-${i}-${Math.random()}`,
      });
    }
    expect(await series()).toBe(before);
  });

  it('maps paths to templates of the model, and anything else to {other}', () => {
    const api = bundledApiModel();
    expect(routeTemplate(api, '/ovirt-engine/api/vms/5ee8d9e4-0000-4000-8000-000000000000;max=3/disks')).toBe('/vms/{id}/disks');
    expect(routeTemplate(api, '/api/roles/5ee8d9e4-0000-4000-8000-000000000000/permits/anything-at-all')).toBe('/roles/{id}/permits/{id}');
    expect(routeTemplate(api, '/api/vms/5ee8d9e4-0000-4000-8000-000000000000/start')).toBe('/vms/{id}/start');
    expect(routeTemplate(api, '/api/no-such-thing/x/y')).toBe('/{other}');
    expect(routeTemplate(api, '/api/vms/x/no-such-sub/y')).toBe('/vms/{id}/{other}');
    expect(routeTemplate(api, '/api')).toBe('/');
    expect(routeTemplate(api, '/ovirt-engine/api/v3/vms/5ee8d9e4-0000-4000-8000-000000000000/nics')).toBe('/vms/{id}/nics');
  });
});

describe('the cost estimate', () => {
  it('counts a field asked twice under one response key once, as execution runs it', async () => {
    const once = '{ vms(max: 100) { disks(max: 1) { statistics { name } } } }';
    const twice = '{ vms(max: 100) { disks(max: 1) { statistics { name } } } vms(max: 100) { disks(max: 1) { statistics { name } } } }';
    expect((await gql(s, once)).errors).toBeUndefined();
    expect((await gql(s, twice)).errors).toBeUndefined();
    // Under another key it does run twice, and is counted twice.
    const aliased =
      '{ vms(max: 100) { disks(max: 1) { statistics { name } } } b: vms(max: 100) { disks(max: 1) { statistics { name } } } }';
    expect((await gql(s, aliased)).errors![0].extensions!.code).toBe('QUERY_TOO_EXPENSIVE');
  });
});
