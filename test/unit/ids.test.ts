import { describe, expect, it, vi } from "vitest";
import { version } from "uuid";
import { isUuid, newId } from "../../src/db/ids.js";

describe("newId", () => {
  it("gives valid UUID v7s, each new, ascending in the order made, time-stamped now", () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, newId);
    const after = Date.now();
    expect(ids.every((id) => isUuid(id) && version(id) === 7 && /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Within a millisecond too (20,000 ids take a few): string order is creation order.
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const msecs = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(msecs(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(msecs(ids.at(-1)!)).toBeLessThanOrEqual(after + 1);
  });

  it("draws different random bits for ids of different milliseconds (not a fixed tail)", async () => {
    const a = newId();
    await new Promise((resolve) => setTimeout(resolve, 3));
    const b = newId();
    expect(a.slice(-12)).not.toBe(b.slice(-12));
  });

  it("ascend within one millisecond however many are made, and when the clock goes back (the counter goes on from the last id's time)", () => {
    const msecs = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    const now = vi.spyOn(Date, "now");
    try {
      const t = Date.UTC(2031, 0, 1);
      now.mockReturnValue(t);
      const same = Array.from({ length: 5_000 }, newId);
      now.mockReturnValue(t - 60_000);
      const back = Array.from({ length: 100 }, newId);
      now.mockReturnValue(t + 1);
      const later = newId();
      const ids = [...same, ...back, later];
      for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
      expect(new Set([...same, ...back].map(msecs))).toEqual(new Set([t]));
      expect(msecs(later)).toBe(t + 1);
    } finally {
      now.mockRestore();
    }
  });
});
