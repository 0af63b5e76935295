import { describe, expect, it } from "vitest";
import { maskPhone, maskResidentId, parseMobilePhone, parseResidentId, residentIdCheckCharacter, syntheticResidentId } from "../../src/pii/resident-id.js";

describe("resident ID numbers (GB 11643)", () => {
  it("accepts a valid number, with an X check character, and derives birth date and gender", () => {
    // 11010519491231002X is the standard's worked example.
    const r = parseResidentId("11010519491231002x", new Date("2026-01-01"));
    expect(r).toEqual({ ok: true, value: { idNumber: "11010519491231002X", birthDate: "1949-12-31", gender: "FEMALE", registrationRegion: "110105" } });
    const male = syntheticResidentId("350102", "1998-05-17", 3, "MALE");
    expect(parseResidentId(male)).toMatchObject({ ok: true, value: { gender: "MALE", birthDate: "1998-05-17" } });
  });

  it("refuses a wrong check digit, an impossible or future birth date, and a wrong shape", () => {
    expect(parseResidentId("110105194912310021")).toMatchObject({ ok: false, problem: expect.stringMatching(/check digit/) });
    const feb30 = "35010219980230123";
    expect(parseResidentId(feb30 + residentIdCheckCharacter(feb30))).toMatchObject({ ok: false, problem: expect.stringMatching(/birth date/) });
    const future = "35010220990101123";
    expect(parseResidentId(future + residentIdCheckCharacter(future), new Date("2026-01-01"))).toMatchObject({ ok: false, problem: expect.stringMatching(/future/) });
    expect(parseResidentId("3501021998")).toMatchObject({ ok: false, problem: expect.stringMatching(/18 characters/) });
  });

  it("masks ID numbers and phones, and reads mainland mobiles only", () => {
    expect(maskResidentId("350102199805171237")).toBe("350***********1237");
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(parseMobilePhone("+86 138-1234-5678")).toBe("13812345678");
    expect(parseMobilePhone("12812345678")).toBeNull();
    expect(parseMobilePhone("0591-87654321")).toBeNull();
  });
});
