/**
 * The push-to-pull queue between a watcher and a subscription, abused: pulls
 * before pushes, pushes after the end, failures with and without a waiting
 * pull, and leaving while a pull waits.
 */
import { describe, expect, it } from 'vitest';
import { PushQueue } from '../../src/subscriptions/queue.ts';

describe('PushQueue', () => {
  it('hands a push to a pull that waits, and keeps pushes in order for later pulls', async () => {
    const q = new PushQueue<number>(() => {});
    const early = q.next();
    q.push(1);
    q.push(2);
    q.push(3);
    expect(await early).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    expect(await q.next()).toEqual({ value: 3, done: false });
  });

  it('finishes once on the last event, drops later pushes, and still gives what it kept', async () => {
    let finished = 0;
    const q = new PushQueue<string>(() => finished++);
    q.push('a');
    q.push('b', true);
    q.push('c');
    q.fail(new Error('late'));
    await q.return();
    expect(finished).toBe(1);
    expect(await q.next()).toEqual({ value: 'a', done: false });
    expect(await q.next()).toEqual({ value: 'b', done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting pull on failure, or the next pull after the kept events', async () => {
    const waiting = new PushQueue<number>(() => {});
    const pull = waiting.next();
    waiting.fail(new Error('gone'));
    await expect(pull).rejects.toThrow('gone');
    expect(await waiting.next()).toEqual({ value: undefined, done: true });

    const later = new PushQueue<number>(() => {});
    later.push(7);
    later.fail(new Error('timeout'));
    expect(await later.next()).toEqual({ value: 7, done: false });
    await expect(later.next()).rejects.toThrow('timeout');
    expect(await later.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a waiting pull when the subscriber leaves, and runs onFinish once however it ends', async () => {
    let finished = 0;
    const q = new PushQueue<number>(() => finished++);
    const pull = q.next();
    await q.return();
    expect(await pull).toEqual({ value: undefined, done: true });
    await expect(q.throw(new Error('x'))).rejects.toThrow('x');
    q.fail(new Error('after'));
    expect(finished).toBe(1);
    expect(q[Symbol.asyncIterator]()).toBe(q);
  });
});
