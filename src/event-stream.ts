/**
 * One subscriber's stream of live events (a fair's, a person's notifications): events pushed by the
 * process's hub are handed to a waiting `next()` or buffered; `return()` ends it and tells the hub.
 * A subscriber too slow to keep up is given what `overflow` makes of its full buffer (drop the
 * oldest, or replace everything with one "re-read" event) rather than growing without bound.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private done = false;

  constructor(
    private readonly onEnd: (stream: EventStream<T>) => void,
    private readonly maxBuffered: number,
    /** What a full buffer becomes when `event` arrives (it is changed in place). */
    private readonly overflow: (buffer: T[], event: T) => void,
  ) {}

  push(event: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else if (this.buffer.length >= this.maxBuffered) this.overflow(this.buffer, event);
    else this.buffer.push(event);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.buffer.length = 0;
      this.onEnd(this);
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
