/**
 * Lists the engine sends again unchanged (src/rhev/unchanged.ts): the same
 * bytes give back the document read before, whatever chunks they came in;
 * an answer that differs anywhere, by a byte, by ending early or by going
 * on, is read whole, as the reader alone reads it, cut at every byte offset
 * (a multi-byte character split included); and what is kept stays under its
 * bounds. Then a connection against the simulator, its requests counted
 * there: the engine is asked as often as before, and only an unchanged
 * answer is served as the objects made before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledV4Model } from '../../src/model/index.ts';
import { answerReading } from '../../src/rhev/answers.ts';
import type { AnswerReading } from '../../src/rhev/body.ts';
import { AnswerBudget, Connection, UnchangedAnswers } from '../../src/rhev/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { simulator, stats } from '../helpers.ts';

const XML = 'application/xml';
const xsd = bundledV4Model();

const vms = (...names: string[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<vms>${names
    .map((n, i) => `<vm href="/ovirt-engine/api/vms/${i}" id="${i}"><name>${n}</name><memory>${1024 * (i + 1)}</memory></vm>`)
    .join('')}</vms>`;

const A = vms('caf\u00e9', 'two', 'three');
/** Differs from A by one byte inside a two-byte character (é is c3 a9; è is c3 a8). */
const ONE_BYTE = vms('caf\u00e8', 'two', 'three');
const LONGER = vms('caf\u00e9', 'two', 'three', 'four');
/** A cut short: no document. */
const SHORTER = A.slice(0, A.indexOf('</vms>'));

/** A fresh reader of v4 lists of VMs, as a connection makes for each request. */
const reading = (): AnswerReading => answerReading(xsd, 'xml', 'v4', { item: 'vm' });

/** Reads `text` through `store`'s reading of `key`, in chunks cut at `cuts` (byte offsets). */
function read(store: UnchangedAnswers<string>, key: string, text: string, cuts: number[] = []): unknown {
  const bytes = Buffer.from(text);
  const reader = store.reading(key, reading()).readerFor(XML)!;
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    reader.write(bytes.subarray(from, at));
    from = at;
  }
  return reader.end();
}

/** The document the reader alone reads from `text`. */
function alone(text: string): unknown {
  const reader = reading().readerFor(XML)!;
  reader.write(Buffer.from(text));
  return reader.end();
}

describe('UnchangedAnswers', () => {
  it('gives back the document read before when the same bytes come again, in any two chunks', () => {
    const bytes = Buffer.byteLength(A);
    for (let cut = 0; cut <= bytes; cut++) {
      const store = new UnchangedAnswers<string>(1 << 20, 60_000);
      const first = read(store, 'vms', A);
      expect(read(store, 'vms', A, [cut])).toBe(first);
      expect([store.same, store.read]).toEqual([1, 1]);
    }
  });

  it('reads an answer that differs as the reader alone would, wherever it is cut, and keeps it for the next time', () => {
    const pairs = [
      [A, ONE_BYTE],
      [A, LONGER],
      [A, vms('caf\u00e9', 'two')],
      [`${A}\n`, A], // ends where the kept bytes go on
      [A, `${A}\n`], // goes on where the kept bytes end
    ];
    for (const [kept, other] of pairs) {
      const expected = alone(other);
      const bytes = Buffer.byteLength(other);
      for (let cut = 0; cut <= bytes; cut++) {
        const store = new UnchangedAnswers<string>(1 << 20, 60_000);
        const first = read(store, 'vms', kept);
        const second = read(store, 'vms', other, [cut]);
        expect(second).not.toBe(first);
        expect(second).toEqual(expected);
        expect(read(store, 'vms', other)).toBe(second);
        expect([store.same, store.read]).toEqual([1, 2]);
      }
    }
  });

  it('reads an answer that stops where the kept one goes on, and refuses it as the reader alone does', () => {
    const store = new UnchangedAnswers<string>(1 << 20, 60_000);
    read(store, 'vms', A);
    expect(() => read(store, 'vms', SHORTER, [10])).toThrow(/Could not parse the engine's answer/);
    // The refused answer is not kept: the next good one is read, and the one after it matched.
    const again = read(store, 'vms', A);
    expect(read(store, 'vms', A)).toBe(again);
  });

  it('holds nothing of an answer larger than its bound, and drops the least recently used past it', () => {
    const size = Buffer.byteLength(A);
    const small = new UnchangedAnswers<string>(size - 1, 60_000);
    const first = read(small, 'vms', A);
    expect(small.size).toBe(0);
    expect(read(small, 'vms', A)).not.toBe(first);

    const two = new UnchangedAnswers<string>(2 * size + 10, 60_000);
    read(two, 'a', A);
    const b = read(two, 'b', A);
    const a = read(two, 'a', A); // a used last: c pushes b out
    read(two, 'c', A);
    expect(two.size).toBe(2);
    expect(two.keptBytes).toBe(2 * size);
    expect(read(two, 'a', A)).toBe(a);
    expect(read(two, 'b', A)).not.toBe(b);
  });

  it('compares only answers of the same content type', () => {
    const store = new UnchangedAnswers<string>(1 << 20, 60_000);
    const first = read(store, 'vms', A);
    const reader = store.reading('vms', reading()).readerFor('text/xml')!;
    reader.write(Buffer.from(A));
    expect(reader.end()).not.toBe(first);
  });

  it('lets go of an entry not used for keepMs', () => {
    let now = 1000;
    const store = new UnchangedAnswers<string>(1 << 20, 500, undefined, undefined, () => now);
    read(store, 'a', A);
    read(store, 'b', A);
    now += 300;
    read(store, 'a', A);
    now += 199;
    store.sweep();
    expect(store.size).toBe(2);
    now += 1; // b unused for 500 ms, a for 200
    store.sweep();
    expect(store.size).toBe(1);
    expect(store.keptBytes).toBe(Buffer.byteLength(A));
    store.clear();
    expect([store.size, store.keptBytes]).toEqual([0, 0]);
  });

  it('takes what it collects of an answer in flight from the budget, gives it back however the answer ends, and collects nothing the budget has not got', () => {
    const size = Buffer.byteLength(A);
    const roomy = new AnswerBudget(2 * size);
    const store = new UnchangedAnswers<string>(1 << 20, 60_000, undefined, roomy);
    const reader = store.reading('vms', reading()).readerFor(XML)!;
    reader.write(Buffer.from(A).subarray(0, 100));
    expect(roomy.inFlight).toBe(100);
    reader.release!(); // the answer broke off (AnswerBody.release)
    expect(roomy.inFlight).toBe(0);
    const first = read(store, 'vms', A, [50, 300]);
    expect(roomy.inFlight).toBe(0);
    expect(read(store, 'vms', A)).toBe(first);

    // Collecting takes only what leaves the budget half free for the answers themselves.
    const short = new AnswerBudget(2 * size - 1);
    const poor = new UnchangedAnswers<string>(1 << 20, 60_000, undefined, short);
    const got = read(poor, 'vms', A, [50, 300]);
    const spare = new AnswerBudget(100);
    expect([spare.takeSpare(51), spare.take(60), spare.takeSpare(1), spare.inFlight]).toEqual([false, true, false, 60]);
    expect(got).toEqual(alone(A));
    expect([poor.size, short.inFlight, short.peak]).toEqual([0, 0, 300]);
  });

  it('remembers what a caller made of a document, for the next reader given it', () => {
    const store = new UnchangedAnswers<string>(1 << 20, 60_000);
    const doc = read(store, 'vms', A) as object;
    expect(store.answerFor(doc)).toBeUndefined();
    store.made(doc, 'bound');
    expect(store.answerFor(read(store, 'vms', A) as object)).toBe('bound');
  });
});

describe('a connection with a window, over lists the engine sends again (counted at the simulator)', () => {
  let sim: Simulator;
  /** Long enough that a list read is still kept (two windows) when the next window's read arrives. */
  const WINDOW_MS = 200;
  const requests = async () => (await stats(sim)).requests as number;
  const reset = () => fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
  const connect = (unchangedListBytes?: number) =>
    new Connection({
      url: sim.apiUrl,
      username: 'admin@internal',
      password: 'admin',
      apiVersion: 4,
      freshnessMs: WINDOW_MS,
      unchangedListBytes,
    }).connect();
  const windowEnds = () => new Promise((r) => setTimeout(r, WINDOW_MS + 10));
  const FOLLOW = { follow: 'disk_attachments.disk,nics' };

  beforeAll(async () => {
    sim = await simulator({ vms: 20, dialects: 'v4' });
  });
  afterAll(() => sim.close());

  it('asks the engine once a window as before, and serves an unchanged list as the objects made before', async () => {
    const conn = connect();
    await conn.api();
    await reset();
    const first = await conn.getAll('vms', FOLLOW);
    await windowEnds();
    const second = await conn.getAll('vms', FOLLOW);
    expect(await requests()).toBe(2);
    expect(conn.freshness.unchanged).toBe(1);
    expect(second[0]).toBe(first[0]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    await conn.close();
  });

  it('reads a list again when the engine changed it, and keeps the objects served before as they were', async () => {
    const conn = connect();
    const first = await conn.getAll('vms', FOLLOW);
    const before = JSON.stringify(first);
    const other = new Connection({ url: sim.apiUrl, username: 'admin@internal', password: 'admin', apiVersion: 4 }).connect();
    const vm = (await other.get('vms', { id: first[3].id }))!;
    vm.description = `changed ${Date.now()}`;
    await vm.update();
    await windowEnds();
    const second = await conn.getAll('vms', FOLLOW);
    expect(conn.freshness.unchanged).toBe(0);
    expect(second[3]).not.toBe(first[3]);
    expect(second[3].description).toBe(vm.description);
    expect(JSON.stringify(first)).toBe(before);
    // And the changed list, sent again, is served as what was made of it.
    await windowEnds();
    expect((await conn.getAll('vms', FOLLOW))[3]).toBe(second[3]);
    await Promise.all([conn.close(), other.close()]);
  });

  it('with unchangedListBytes 0 reads every answer', async () => {
    const conn = connect(0);
    const first = await conn.getAll('vms', FOLLOW);
    await windowEnds();
    const second = await conn.getAll('vms', FOLLOW);
    expect(second[0]).not.toBe(first[0]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(conn.freshness.unchanged).toBe(0);
    await conn.close();
  });
});
