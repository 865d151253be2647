/**
 * The bridge between a poller that pushes and a subscription that pulls.
 *
 * The watcher learns of a status when its poll or the event feed says so;
 * graphql-ws asks for the next event when it is ready to send one. This queue
 * sits between them, for one subscriber:
 *
 * 1. push() hands the event to a pull that is waiting, or keeps it in order.
 * 2. fail() does the same with an error: a waiting pull rejects, else the next
 *    pull does (after the events kept before it).
 * 3. The last event (push with `last`), a failure, return() or throw() finish
 *    the queue once: `onFinish` runs (the watcher forgets the subscriber) and
 *    later pushes are dropped. Events kept before finishing are still pulled;
 *    then every pull is done.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly kept: T[] = [];
  private waiting?: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void };
  private error?: Error;
  private finished = false;

  constructor(private readonly onFinish: () => void) {}

  push(value: T, last = false): void {
    if (this.finished) return;
    const w = this.take();
    if (w) w.resolve({ value, done: false });
    else this.kept.push(value);
    if (last) this.finish();
  }

  fail(error: Error): void {
    if (this.finished) return;
    const w = this.take();
    if (w) w.reject(error);
    else this.error = error;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.kept.length) return Promise.resolve({ value: this.kept.shift()!, done: false });
    if (this.error) {
      const e = this.error;
      this.error = undefined;
      return Promise.reject(e);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The subscriber left (graphql-ws `complete`, or the socket closed). */
  return(): Promise<IteratorResult<T>> {
    this.finish();
    this.take()?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e: unknown): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinish();
  }

  private take() {
    const w = this.waiting;
    this.waiting = undefined;
    return w;
  }
}
