import { describe, expect, it } from "vitest";
import { ScopedStorage } from "../../src/scoped-storage.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("a storage held only while its scopes run", () => {
  it("gives each scope its own store across awaits, also when scopes overlap", async () => {
    const storage = new ScopedStorage<string>();
    const seen: string[] = [];
    const scope = (name: string, ms: number) =>
      storage.run(name, async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        seen.push(`${name}:${storage.getStore()}`);
        await tick();
        return storage.getStore();
      });
    expect(await Promise.all([scope("a", 5), scope("b", 1), scope("c", 3)])).toEqual(["a", "b", "c"]);
    expect(seen.sort()).toEqual(["a:a", "b:b", "c:c"]);
  });

  it("has no store outside its scopes, before, between and after them", async () => {
    const storage = new ScopedStorage<string>();
    expect(storage.getStore()).toBeUndefined();
    await storage.run("first", async () => tick());
    expect(storage.getStore()).toBeUndefined();
    await tick();
    expect(storage.getStore()).toBeUndefined();
    // A scope opened again after the storage was let go sees its store again.
    expect(await storage.run("again", async () => (await tick(), storage.getStore()))).toBe("again");
    expect(storage.getStore()).toBeUndefined();
  });

  it("ends a scope whose work throws or rejects, and gives the error back as it was", async () => {
    const storage = new ScopedStorage<string>();
    const boom = new Error("boom");
    expect(() =>
      storage.run("sync", () => {
        throw boom;
      }),
    ).toThrow(boom);
    await expect(storage.run("async", async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(storage.getStore()).toBeUndefined();
    expect(await storage.run("after", async () => (await tick(), storage.getStore()))).toBe("after");
  });

  it("answers at once when the work is not asynchronous", () => {
    const storage = new ScopedStorage<number>();
    expect(storage.run(7, () => (storage.getStore() ?? 0) * 6)).toBe(42);
    expect(storage.getStore()).toBeUndefined();
  });
});
