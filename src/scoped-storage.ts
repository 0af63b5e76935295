import { AsyncLocalStorage } from "node:async_hooks";

/**
 * An AsyncLocalStorage whose async hooks run only while one of its scopes does. On Node 20 the
 * first `run` of any AsyncLocalStorage turns on promise hooks for every promise of the process, for
 * good: measured on the postings page, about half of the server's CPU (issue 25). A request in the
 * default language with no statement count needs no store, so each storage is turned off again
 * when its last scope has ended (its promise settled). Work a scope starts and does not wait for
 * sees no store once the scope has ended.
 */
export class ScopedStorage<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private scopes = 0;

  getStore(): T | undefined {
    return this.storage.getStore();
  }

  /** Runs `work` with `store`; a promise it returns ends the scope when it settles. */
  run<R>(store: T, work: () => R): R {
    this.scopes++;
    let result: R;
    try {
      result = this.storage.run(store, work);
    } catch (error) {
      this.end();
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.end();
      return result;
    }
    return result.then(
      (value: unknown) => {
        this.end();
        return value;
      },
      (error: unknown) => {
        this.end();
        throw error;
      },
    ) as R;
  }

  private end(): void {
    if (--this.scopes === 0) this.storage.disable();
  }
}
