import { describe, expect, it } from "vitest";
import { serviceToday } from "../../src/dates.js";

describe("serviceToday", () => {
  it("is Fujian's date: the day turns at 16:00 UTC, whatever was asked before (a later instant, then an earlier one)", () => {
    expect(serviceToday(new Date("2026-12-07T15:59:59.999Z"))).toBe("2026-12-07");
    expect(serviceToday(new Date("2026-12-07T16:00:00.000Z"))).toBe("2026-12-08");
    expect(serviceToday(new Date("2026-12-07T16:00:59.999Z"))).toBe("2026-12-08");
    expect(serviceToday(new Date("2026-12-07T15:59:00.000Z"))).toBe("2026-12-07");
    expect(serviceToday(new Date("2026-12-31T16:00:00.000Z"))).toBe("2027-01-01");
    expect(serviceToday(new Date("1960-06-01T15:59:30.000Z"))).toBe("1960-06-01");
    expect(serviceToday(new Date("1960-06-01T16:00:30.000Z"))).toBe("1960-06-02");
  });
});
