import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, countRequests, gql, type Stack, stack, wsClient } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 30 }, { limits: { maxSubscriptionsPerConnection: 2 } });
});
afterAll(async () => {
  await s.close();
});

describe('hostile queries are refused before they run', () => {
  it('too deep', async () => {
    const deep =
      '{ vms { cluster { dataCenter { clusters { hosts { cluster { dataCenter { clusters { hosts { cluster { name } } } } } } } } } } }';
    const r = await gql(s, deep);
    expect(r.errors![0].message).toMatch(/depth/i);
    expect(r.errors![0].message).toMatch(/10/);
  });

  it('too many aliases', async () => {
    const q = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: api { time }`).join(' ')} }`;
    const r = await gql(s, q);
    expect(r.errors![0].message).toMatch(/alias/i);
  });

  it("too many engine requests, by the model's estimate, without sending any", async () => {
    const q = '{ vms { disks { statistics { name } } } }';
    let r: any;
    const counted = await countRequests(s, async () => {
      r = await gql(s, q);
    });
    expect(r.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 'maxUpstreamRequests', max: 200 });
    expect(r.errors![0].message).toMatch(/about \d+ requests, over the limit of 200 \(maxUpstreamRequests\)/);
    expect(counted.total).toBe(0);
    // The same shape with small lists is fine.
    const small = await gql(s, '{ vms(max: 3) { disks(max: 2) { statistics { name } } } }');
    expect(small.errors).toBeUndefined();
    // Batched relationships do not multiply: the dashboard passes at any size.
    expect(
      (await gql(s, '{ vms { name cluster { name dataCenter { name } } host { name } disks { name } nics { name } } }')).errors,
    ).toBeUndefined();
  });

  it('too many subscriptions on one connection', async () => {
    const id = (await gql(s, '{ vms(max: 1) { id } }')).data.vms[0].id;
    const client = wsClient(s);
    const open = [1, 2].map(() => collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 3000));
    await new Promise((r) => setTimeout(r, 300));
    const third = await collect(client, 'subscription($id: ID!) { vmStatus(id: $id) { state } }', { id }, 3000);
    expect(JSON.stringify(third.error)).toContain('TOO_MANY_SUBSCRIPTIONS');
    await client.dispose();
    await Promise.all(open);
  });

  it('too large a body, and requests a browser could forge', async () => {
    const big = await fetch(s.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ api { time } } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(big.status).toBe(413);
    const forged = await fetch(s.server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ api { time } }' }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/CSRF|preflight/i);
  });

  it('introspection can be switched off', async () => {
    const prod = await stack({ vms: 5 }, { introspection: false, landingPage: false });
    try {
      const r = await gql(prod, '{ __schema { types { name } } }');
      expect(r.errors![0].message).toMatch(/introspection/i);
      expect((await gql(prod, '{ api { time } }')).errors).toBeUndefined();
    } finally {
      await prod.close();
    }
  });
});

describe('bad input gets BAD_USER_INPUT naming the field, and changes nothing', () => {
  it('wrong ids, enum values, searches, paging and oversized strings', async () => {
    const cases: [string, string][] = [
      ['{ vm(id: "not-a-guid") { name } }', 'id'],
      ['mutation { startVm(id: "42") { status } }', 'id'],
      ['mutation { activateVmDisk(vmId: "x", id: "11111111-2222-4333-8444-555555555555") { status } }', 'vmId'],
      ['{ vms(search: "name=") { name } }', 'search'],
      ['{ vms(page: 0) { name } }', 'page'],
      [
        `mutation { createVm(input: { name: "${'n'.repeat(70_000)}", cluster: { name: "Default" }, template: { name: "Blank" } }) { id } }`,
        'input.name',
      ],
    ];
    const before = (await gql(s, '{ vms { id } }')).data.vms.length;
    for (const [q, argument] of cases) {
      const r = await gql(s, q);
      expect(r.errors?.[0].extensions, q.slice(0, 60)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
    const badEnum = await gql(
      s,
      'mutation { createVm(input: { name: "e", type: MAINFRAME, cluster: { name: "Default" }, template: { name: "Blank" } }) { id } }',
    );
    expect(badEnum.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(badEnum.errors![0].message).toContain('MAINFRAME');
    expect((await gql(s, '{ vms { id } }')).data.vms.length).toBe(before);
  });
});
