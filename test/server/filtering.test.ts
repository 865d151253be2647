/**
 * `filter` on root lists (resolvers/filtering.ts), on v4 and v3: matched
 * before `max` and `page` cut, paths through a reference resolved against
 * the referenced object (one batched request per referenced type), paths
 * that cannot match refused naming them; and `sortBy`, the engine's own
 * `sortby` in the search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

for (const dialect of ['v4', 'v3'] as const) {
  describe(`filter on ${dialect}`, () => {
    let s: Stack;
    let all: { id: string; name: string; cluster: { id: string; name: string } }[];
    beforeAll(async () => {
      s = await stack({ vms: 40, hosts: 5, clusters: 3, dialects: dialect }, { engine: { apiVersion: dialect === 'v4' ? 4 : 3 } });
      all = (await gql(s, '{ vms { id name cluster { id name } } }')).data.vms;
    });
    afterAll(() => s.close());

    it('matches before max and page cut: three db VMs, then the next three', async () => {
      const db = all.filter((v) => v.name.startsWith('db-'));
      expect(db.length).toBeGreaterThan(6);
      const q = (page: number) => `{ vms(filter: [{ field: "name", value: "db-*" }], max: 3, page: ${page}) { name } }`;
      const first = (await gql(s, q(1))).data.vms.map((v: { name: string }) => v.name);
      const second = (await gql(s, q(2))).data.vms.map((v: { name: string }) => v.name);
      expect(first).toEqual(db.slice(0, 3).map((v) => v.name));
      expect(second).toEqual(db.slice(3, 6).map((v) => v.name));
    });

    it('follows a reference: cluster.name matches the cluster itself, for one more request', async () => {
      const name = all[0].cluster.name;
      const expected = all.filter((v) => v.cluster.name === name).map((v) => v.id);
      expect(expected.length).toBeLessThan(all.length);
      let got: string[] = [];
      const cost = await countRequests(s, async () => {
        const r = await gql(s, `{ vms(filter: [{ field: "cluster.name", value: "${name}" }]) { id } }`);
        expect(r.errors).toBeUndefined();
        got = r.data.vms.map((v: { id: string }) => v.id);
      });
      expect(got).toEqual(expected);
      // The list, and the clusters in one batch.
      expect(cost.total).toBe(2);
      // An id through a second reference is on the referenced object already.
      const dc = await gql(s, '{ dataCenters { id } }');
      const r = await gql(s, `{ vms(filter: [{ field: "cluster.data_center.id", value: "${dc.data.dataCenters[0].id}" }]) { id } }`);
      expect(r.errors).toBeUndefined();
    });

    it("sorts in the engine by one of the collection's search fields, and refuses any other", async () => {
      const names = all.map((v) => v.name).sort();
      const r = await gql(s, '{ vms(sortBy: "name", descending: true, max: 3) { name } }');
      expect(r.errors).toBeUndefined();
      expect(r.data.vms.map((v: { name: string }) => v.name)).toEqual(names.reverse().slice(0, 3));
      const up = await gql(s, '{ vms(search: "status=up", sortBy: "name") { name } }');
      const upNames = up.data.vms.map((v: { name: string }) => v.name);
      expect(upNames).toEqual([...upNames].sort());
      const wrong = await gql(s, '{ vms(sortBy: "colour") { name } }');
      expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'sortBy' });
    });

    it('refuses a path that names nothing, or goes through a second reference, naming it', async () => {
      const nothing = await gql(s, '{ vms(filter: [{ field: "name", value: "x" }, { field: "colour", value: "red" }]) { id } }');
      expect(nothing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter[1].field' });
      expect(nothing.errors?.[0].message).toMatch(/has no field colour/);
      const twice = await gql(s, '{ vms(filter: [{ field: "cluster.data_center.name", value: "Default" }]) { id } }');
      expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter[0].field' });
      expect(twice.errors?.[0].message).toMatch(/second reference .*cluster\.data_center\.id instead/);
    });
  });
}
