/**
 * The freshness window (rhev/fresh.ts, server/shared-answers.ts), counted at
 * the simulator: engine answers and whole answers shared by one credential's
 * callers, forgotten by our own writes and by the engine's events, never
 * shared between credentials. Windows here are long (a minute) so that
 * every count is decided by the rules, not by the clock; the one test of
 * expiry waits well past a short window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, until } from '../helpers.ts';
import { countRequests, gql, type Stack, stack, wsClient } from './helpers.ts';

const DASHBOARD = `{ vms { name description status { state } cluster { name dataCenter { name } } host { name } disks { name } nics { name } } }`;
const USER = { username: 'user@internal', password: 'user' };

/** Queries answered with a shared answer so far: fresh ones, expiring ones, or both. */
async function shared(s: Stack, answer: 'fresh' | 'expiring' | 'any' = 'any'): Promise<number> {
  const text = await s.server.metrics.registry.metrics();
  let n = 0;
  for (const m of text.matchAll(/^rhev_shared_answers_total\{answer="(\w+)"\} (\d+)/gm))
    if (answer === 'any' || m[1] === answer) n += Number(m[2]);
  return n;
}

describe('freshness window: a minute long', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms: 200, hosts: 6 }, { freshnessMs: 60_000, watch: { intervalMs: 50, maxIntervalMs: 200, eventsMs: 50 } });
    await gql(s, '{ api { time } }');
  });
  afterAll(() => s.close());

  it('one credential: the first dashboard costs the engine, the next 20 nothing, sharing one answer', async () => {
    // The first is asked once only, so its answer is not kept: the twenty's first executes again (over the
    // window's engine data) and its answer is kept and shared by the nineteen others.
    const first = await countRequests(s, () => gql(s, DASHBOARD));
    expect(first.total).toBeGreaterThan(0);
    const before = await shared(s);
    let answers: any[] = [];
    const rest = await countRequests(s, async () => {
      answers = await Promise.all(Array.from({ length: 20 }, () => gql(s, DASHBOARD)));
    });
    expect(rest.total).toBe(0);
    expect(answers.every((a) => !a.errors && a.data.vms.length >= 200)).toBe(true);
    expect((await shared(s)) - before).toBe(19);
  });

  it('an answer is kept only for a query asked before: the second asking executes, the third is served', async () => {
    const q = `${DASHBOARD} # twice`;
    const before = await shared(s);
    const two = await countRequests(s, async () => {
      await gql(s, q);
      await gql(s, q);
    });
    expect(two.total).toBe(0);
    expect((await shared(s)) - before).toBe(0);
    expect((await gql(s, q)).errors).toBeUndefined();
    expect((await shared(s)) - before).toBe(1);
  });

  it('ten identical queries at once, with nothing kept: one executes, nine wait for its answer', async () => {
    const q = `${DASHBOARD} # cold`; // a text of its own: no answer kept for it yet
    [...s.server.connections.values()][0].invalidate(); // and no engine answer either
    const before = await shared(s);
    let answers: any[] = [];
    const counted = await countRequests(s, async () => {
      answers = await Promise.all(Array.from({ length: 10 }, () => gql(s, q)));
    });
    expect(answers.every((a) => !a.errors && a.data.vms.length >= 200)).toBe(true);
    expect((await shared(s)) - before).toBe(9);
    // What one dashboard costs alone, after a change:
    [...s.server.connections.values()][0].invalidate();
    const one = await countRequests(s, () => gql(s, `${DASHBOARD} # alone`));
    expect(counted.total).toBe(one.total);
  });

  it('different queries over the same lists share the engine data, not the answer', async () => {
    await gql(s, DASHBOARD);
    const before = await shared(s);
    // The dashboard read whole lists of clusters, data centers and hosts to resolve its references.
    const other = await countRequests(s, () => gql(s, '{ clusters { name dataCenter { name } } hosts { name } }'));
    expect(other.total).toBe(0);
    expect(await shared(s)).toBe(before);
  });

  it('over WebSocket a query shares the answer HTTP kept, and costs nothing', async () => {
    await gql(s, DASHBOARD);
    const before = await shared(s);
    const client = wsClient(s);
    try {
      const counted = await countRequests(s, async () => {
        const got = await new Promise<any>((resolve, reject) => {
          let last: any;
          client.subscribe({ query: DASHBOARD }, { next: (v) => (last = v), error: reject, complete: () => resolve(last) });
        });
        expect(got.data.vms.length).toBeGreaterThanOrEqual(200);
      });
      expect(counted.total).toBe(0);
      expect((await shared(s)) - before).toBe(1);
    } finally {
      await client.dispose();
    }
  });

  it('another credential shares nothing: a filtered user asks the engine for what they may see', async () => {
    await gql(s, DASHBOARD);
    const user = await countRequests(s, () => gql(s, DASHBOARD, undefined, USER));
    expect(user.total).toBeGreaterThan(0);
  });

  it('our own mutation is seen at once, by every credential (read-your-writes)', async () => {
    const first = (await gql(s, DASHBOARD)).data.vms[0];
    await gql(s, DASHBOARD, undefined, USER);
    const r = await gql(s, 'mutation($id: ID!) { updateVm(id: $id, input: { description: "changed here" }) { description } }', {
      id: (await gql(s, `{ vms(search: "name=${first.name}") { id } }`)).data.vms[0].id,
    });
    expect(r.errors).toBeUndefined();
    const after = await countRequests(s, async () => {
      const again = await gql(s, DASHBOARD);
      expect(again.data.vms.find((v: any) => v.name === first.name).description).toBe('changed here');
    });
    expect(after.total).toBeGreaterThan(0);
    // The filtered user's window was forgotten too: their next query asks the engine again.
    expect((await countRequests(s, () => gql(s, DASHBOARD, undefined, USER))).total).toBeGreaterThan(0);
  });

  it("a change made elsewhere is seen when the engine's event feed reports it, long before the window ends", async () => {
    const vm = (await gql(s, '{ vms(max: 1) { id name } }')).data.vms[0];
    // A subscription keeps the credential's watchers reading the event feed.
    const client = wsClient(s);
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const watching = new Promise<void>((resolve) => {
      client.subscribe(
        { query: 'subscription($id: ID!) { vmStatus(id: $id) { state } }', variables: { id: vm.id } },
        { next: () => first(), error: () => resolve(), complete: () => resolve() },
      );
    });
    // The first status comes after the watchers' first look at the feed: from here on, events are news.
    await started;
    try {
      await gql(s, DASHBOARD);
      // Another client of the engine (the admin portal, a script) changes the VM.
      const put = await api(s.sim, 'PUT', `/vms/${vm.id}`, { body: '<vm><description>changed elsewhere</description></vm>' });
      expect(put.status).toBe(200);
      const seen = await until(async () => {
        const r = await gql(s, DASHBOARD);
        return r.data.vms.find((v: any) => v.name === vm.name)?.description === 'changed elsewhere';
      }, 10_000);
      expect(seen).toBe(true);
    } finally {
      await client.dispose();
      await watching;
    }
  });
});

describe('freshness window: expiry and off', () => {
  it('a short window ends: after it, the same query asks the engine again', async () => {
    const s = await stack({ vms: 20 }, { freshnessMs: 200 });
    try {
      await gql(s, DASHBOARD);
      expect((await countRequests(s, () => gql(s, DASHBOARD))).total).toBe(0);
      await new Promise((r) => setTimeout(r, 400));
      expect((await countRequests(s, () => gql(s, DASHBOARD))).total).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('when a window ends, one query refreshes the answer while the others are given the expiring one, never after a change', async () => {
    const window = 400;
    const s = await stack({ vms: 20 }, { freshnessMs: window });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** A leader started past the window (the engine slowed, so its refresh takes long), then five more of the same. */
    const refresh = async () => {
      s.sim.configure({ latencyMs: 1000 });
      let leaderDone = false;
      const leader = gql(s, DASHBOARD).then((a) => {
        leaderDone = true;
        return a;
      });
      const asked = async () => ((await (await fetch(`${s.sim.url}/__simulator/stats`)).json()) as { requests: number }).requests > 0;
      await until(asked, 10_000, 'the leader asked the engine');
      const before = await shared(s, 'expiring');
      const others = await Promise.all(Array.from({ length: 5 }, () => gql(s, DASHBOARD)));
      const served = (await shared(s, 'expiring')) - before;
      const othersFirst = !leaderDone;
      s.sim.configure({ latencyMs: 0 });
      const led = await leader;
      return { served, othersFirst, others, led };
    };
    try {
      // Asked twice, so that its answer is kept (shared-answers.ts).
      await gql(s, DASHBOARD);
      await gql(s, DASHBOARD);
      await sleep(window + 50);
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      const r = await refresh();
      expect(r.served).toBe(5);
      expect(r.othersFirst).toBe(true);
      expect(r.others.every((a) => !a.errors && a.data.vms.length >= 20)).toBe(true);
      expect(r.led.errors).toBeUndefined();
      // After a change made through the server, the expired answer is not served: the others wait for the refresh.
      const vm = r.led.data.vms[0].name;
      const id = (await gql(s, `{ vms(search: "name=${vm}") { id } }`)).data.vms[0].id;
      const changed = await gql(s, 'mutation($id: ID!) { updateVm(id: $id, input: { description: "changed" }) { description } }', { id });
      expect(changed.errors).toBeUndefined();
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      const afterChange = await refresh();
      expect(afterChange.served).toBe(0);
      expect(afterChange.others.every((a) => a.data.vms.find((v: { name: string }) => v.name === vm).description === 'changed')).toBe(true);
      // A window past its grace (one more window) serves nothing expiring either.
      await sleep(2 * window + 50);
      await fetch(`${s.sim.url}/__simulator/reset`, { method: 'POST' });
      expect((await refresh()).served).toBe(0);
    } finally {
      await s.close();
    }
  }, 30_000);

  it('a shared answer is as old as the engine data it was built from, not as its execution', async () => {
    const s = await stack({ vms: 20 }, { freshnessMs: 1000 });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await gql(s, DASHBOARD); // t = 0: the engine is asked
      await sleep(600);
      const built = await countRequests(s, () => gql(s, `${DASHBOARD} # later`)); // t = 600: built from t = 0's data
      expect(built.total).toBe(0);
      await sleep(600);
      // t = 1,200: its data was asked for 1,200 ms ago, past the 1,000 ms window, so it is not served again.
      expect((await countRequests(s, () => gql(s, `${DASHBOARD} # later`))).total).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('a caller who leaves while waiting for a leader that failed is executed with its signal ended, and nothing rejects unhandled', async () => {
    // The leader's search is refused by the engine (an answer with errors is shared with nobody), so the
    // caller waiting on it executes afterwards, by which time it has closed its connection: its root field
    // starts with the operation's signal already aborted. The engine request that field starts is cancelled,
    // and its rejection must still be handled (it once took the server process down).
    const s = await stack({ vms: 20, latencyMs: 300 }, { freshnessMs: 60_000 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await gql(s, '{ api { time } }');
      const q = '{ vms(search: "no_such_field = 1") { name } }';
      const leader = gql(s, q);
      await new Promise((r) => setTimeout(r, 100));
      const leaving = new AbortController();
      const follower = fetch(s.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q }),
        signal: leaving.signal,
      }).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 50));
      leaving.abort();
      expect((await leader).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await follower).toBeInstanceOf(Error);
      await new Promise((r) => setTimeout(r, 500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await s.close();
    }
  });

  it('0 turns sharing off: every query costs its own requests', async () => {
    const s = await stack({ vms: 20 }, { freshnessMs: 0 });
    try {
      await gql(s, DASHBOARD); // the connection's first request logs in and reads the entry point
      const one = await countRequests(s, () => gql(s, DASHBOARD));
      const ten = await countRequests(s, async () => {
        for (let i = 0; i < 10; i++) await gql(s, DASHBOARD);
      });
      expect(ten.total).toBe(10 * one.total);
      expect(await shared(s)).toBe(0);
    } finally {
      await s.close();
    }
  });
});
