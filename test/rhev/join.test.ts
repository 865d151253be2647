/**
 * The joining core (src/rhev/join.ts), abused: callers leaving one by one,
 * all at once, before the work starts, after it failed; work that never
 * ends; keys reused while work is torn down.
 */
import { describe, expect, it } from 'vitest';
import { Aborted } from '../../src/rhev/index.ts';
import { Joiner } from '../../src/rhev/join.ts';

/** Work that settles only when told, and records whether it was cancelled. */
function work<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const state = { started: 0, cancelled: 0 };
  const start = (signal: AbortSignal) => {
    state.started++;
    signal.addEventListener('abort', () => {
      state.cancelled++;
    });
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  };
  return { start, state, resolve: (v: T) => resolve(v), reject: (e: unknown) => reject(e) };
}

describe('Joiner', () => {
  it('runs identical keys once and gives every caller the result', async () => {
    const j = new Joiner<number>();
    const w = work<number>();
    const calls = [j.run('k', undefined, w.start), j.run('k', undefined, w.start), j.run('k', undefined, w.start)];
    w.resolve(7);
    expect(await Promise.all(calls)).toEqual([7, 7, 7]);
    expect(w.state.started).toBe(1);
    expect(j.joined).toBe(2);
    expect(j.size).toBe(0);
  });

  it('lets one caller leave without cancelling the work the others wait for', async () => {
    const j = new Joiner<string>();
    const w = work<string>();
    const a = new AbortController();
    const left = j.run('k', a.signal, w.start);
    const stays = j.run('k', undefined, w.start);
    a.abort(new Error('gone'));
    await expect(left).rejects.toBeInstanceOf(Aborted);
    expect(w.state.cancelled).toBe(0);
    w.resolve('done');
    expect(await stays).toBe('done');
  });

  it('cancels the work when the last caller leaves, and forgets the key at once', async () => {
    const j = new Joiner<string>();
    const w = work<string>();
    const a = new AbortController();
    const b = new AbortController();
    const pa = j.run('k', a.signal, w.start);
    const pb = j.run('k', b.signal, w.start);
    a.abort('first');
    expect(w.state.cancelled).toBe(0);
    b.abort('second');
    await expect(pa).rejects.toBeInstanceOf(Aborted);
    await expect(pb).rejects.toBeInstanceOf(Aborted);
    expect(w.state.cancelled).toBe(1);
    expect(j.size).toBe(0);
    // A new caller starts afresh instead of joining the work being torn down.
    const w2 = work<string>();
    const fresh = j.run('k', undefined, w2.start);
    w2.resolve('new');
    expect(await fresh).toBe('new');
    w.resolve('late'); // the torn-down work settling late changes nothing
    expect(j.size).toBe(0);
  });

  it('refuses a caller whose signal has aborted already, without starting anything', async () => {
    const j = new Joiner<number>();
    const w = work<number>();
    await expect(j.run('k', AbortSignal.abort('no'), w.start)).rejects.toBeInstanceOf(Aborted);
    expect(w.state.started).toBe(0);
  });

  it('passes a failure to every caller and forgets the key', async () => {
    const j = new Joiner<number>();
    const w = work<number>();
    const calls = [j.run('k', new AbortController().signal, w.start), j.run('k', undefined, w.start)];
    w.reject(new Error('engine down'));
    for (const c of calls) await expect(c).rejects.toThrow('engine down');
    expect(j.size).toBe(0);
  });

  it('leaves no listener behind on a long-lived signal after thousands of joins', async () => {
    const j = new Joiner<number>();
    const long = new AbortController();
    for (let i = 0; i < 2000; i++) {
      const w = work<number>();
      const p = j.run(`k${i % 3}`, long.signal, w.start);
      w.resolve(i);
      await p;
    }
    // Aborting now must not reach any finished join.
    long.abort();
    expect(j.size).toBe(0);
  });
});
