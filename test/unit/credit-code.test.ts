import { describe, expect, it } from "vitest";
import { creditCodeCheckCharacter, creditCodeProblem, isValidCreditCode, syntheticCreditCode } from "../../src/modules/employers/credit-code.js";

describe("unified social credit code (GB 32100)", () => {
  it.each(["91110108551385082Q", "9144030071526726XG", "91350100M000100Y43", "911100001000013129"])("accepts the real code %s", (code) => {
    expect(creditCodeProblem(code)).toBeNull();
  });

  it("refuses a wrong check character, a wrong length and forbidden letters", () => {
    expect(creditCodeProblem("91110108551385082R")).toMatch(/check character/);
    expect(creditCodeProblem("9111010855138508")).toMatch(/18 characters/);
    expect(creditCodeProblem("91110108551385O82Q")).toMatch(/characters outside/); // the letter O
    expect(creditCodeProblem("9111A108551385082Q")).toMatch(/characters outside/); // region must be digits
  });

  it("computes check characters that may be letters or zero", () => {
    expect(creditCodeCheckCharacter("9144030071526726X")).toBe("G");
    expect(creditCodeCheckCharacter("91110000100001312")).toBe("9");
  });

  it("makes valid synthetic codes for many serials", () => {
    for (let serial = 0; serial < 2000; serial += 37) expect(isValidCreditCode(syntheticCreditCode("350102", serial))).toBe(true);
    expect(syntheticCreditCode("350102", 1)).not.toBe(syntheticCreditCode("350102", 2));
  });
});
