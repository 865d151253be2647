/**
 * Counting without fetching everything (schema/counts.ts), on v4 and v3:
 * `vmCount` answered by the entry point's summary for a caller it is shown
 * to, by one list without anything inlined otherwise (a search, a filtered
 * user); `vmStatusCounts` grouped from one such list, in the status enum the
 * type returns (v4) or the engine's word (v3). Counts agree with the lists,
 * and each costs one engine request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, gql, type Stack, stack } from './helpers.ts';

const USER = { username: 'user@internal', password: 'user' };

for (const dialect of ['v4', 'v3'] as const) {
  describe(`counts on ${dialect}`, () => {
    let s: Stack;
    beforeAll(async () => {
      s = await stack({ vms: 40, hosts: 5, dialects: dialect }, { engine: { apiVersion: dialect === 'v4' ? 4 : 3 } });
      await gql(s, '{ api { time } }'); // the first request logs in and reads the entry point
    });
    afterAll(() => s.close());

    const statusOf = (v: { status: unknown }) => (dialect === 'v4' ? v.status : (v.status as { state: string }).state);
    const listQuery = dialect === 'v4' ? '{ vms { status } }' : '{ vms { status { state } } }';

    it('counts every VM from the summary: one request, and the number the list has', async () => {
      const all = (await gql(s, listQuery)).data.vms as unknown[];
      let count = 0;
      const cost = await countRequests(s, async () => {
        count = (await gql(s, '{ vmCount }')).data.vmCount;
      });
      expect(count).toBe(all.length);
      expect(cost.total).toBe(1);
      expect(Object.keys(cost.byRoute)).toEqual(['GET /']);
    });

    it('counts what a search matches with one list, nothing inlined', async () => {
      const up = (await gql(s, '{ vms(search: "status=up") { id } }')).data.vms as unknown[];
      let count = 0;
      const cost = await countRequests(s, async () => {
        count = (await gql(s, '{ vmCount(search: "status=up") }')).data.vmCount;
      });
      expect(count).toBe(up.length);
      expect(count).toBeGreaterThan(0);
      expect(cost.total).toBe(1);
    });

    it('counts for a filtered user what the engine shows them, with one request (the summary is not theirs)', async () => {
      const theirs = (await gql(s, '{ vms { id } }', undefined, USER)).data.vms as unknown[];
      await gql(s, '{ vmCount }', undefined, USER); // their connection's first request reads the entry point
      let count = 0;
      const cost = await countRequests(s, async () => {
        count = (await gql(s, '{ vmCount }', undefined, USER)).data.vmCount;
      });
      expect(count).toBe(theirs.length);
      expect(count).toBeLessThan((await gql(s, '{ vmCount }')).data.vmCount);
      expect(cost.total).toBe(1);
    });

    it('counts by status in one request, in the words the VM type uses', async () => {
      const all = (await gql(s, listQuery)).data.vms as { status: unknown }[];
      const expected = new Map<string, number>();
      for (const v of all) expected.set(String(statusOf(v)), (expected.get(String(statusOf(v))) ?? 0) + 1);
      let got: { status: string; count: number }[] = [];
      const cost = await countRequests(s, async () => {
        got = (await gql(s, '{ vmStatusCounts { status count } }')).data.vmStatusCounts;
      });
      expect(new Map(got.map((g) => [g.status, g.count]))).toEqual(expected);
      expect(got.some((g) => g.status === (dialect === 'v4' ? 'UP' : 'up'))).toBe(true);
      expect(cost.total).toBe(1);
    });

    it("shows the engine's summary to an administrator bringing their own credentials, and null to a user, deciding once per credential", async () => {
      const ADMIN = { username: 'admin@internal', password: 'admin' };
      const summary = dialect === 'v4' ? '{ api { summary { vms { total } } } }' : '{ api { summary { vms { total } } } }';
      let admin: any;
      const first = await countRequests(s, async () => {
        admin = await gql(s, summary, undefined, ADMIN);
      });
      expect(admin.data.api.summary.vms.total).toBe((await gql(s, '{ vmCount }')).data.vmCount);
      // The read that decides is the connection's first entry point read, and the answer's own: one request
      // (besides v4's SSO login of the new credential).
      expect(first.byRoute['GET /'], JSON.stringify(first.byRoute)).toBe(1);
      expect(first.total - (first.byRoute['POST /ovirt-engine/sso/oauth/token'] ?? 0)).toBe(1);
      const user = await gql(s, summary, undefined, USER);
      expect(user.data.api.summary).toBeNull();
      // Decided once: the admin's later reads carry no extra request, and the user stays filtered.
      expect((await countRequests(s, () => gql(s, '{ vmCount }', undefined, ADMIN))).total).toBe(1);
      const theirs = (await gql(s, '{ vms { id } }', undefined, USER)).data.vms.length;
      expect(theirs).toBeLessThan((await gql(s, '{ vms { id } }', undefined, ADMIN)).data.vms.length);
    });

    it('refuses a search the engine cannot read as the argument it is', async () => {
      const r = await gql(s, '{ vmCount(search: "no_such_field = 1") }');
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });
    });
  });
}
