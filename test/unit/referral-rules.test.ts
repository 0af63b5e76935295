import { describe, expect, it } from "vitest";
import { mayMove } from "../../src/modules/referrals/referral-rules.js";
import { referralStatus } from "../../src/modules/referrals/referral.table.js";

describe("the referral funnel's ends", () => {
  // The progress figures read a past day's HIRED and WITHDRAWN from the status now (progress.repository.ts):
  // exact only while both end a referral.
  it("nothing moves out of HIRED or WITHDRAWN", () => {
    for (const end of ["HIRED", "WITHDRAWN"] as const) {
      expect(referralStatus.enumValues.filter((to) => mayMove(end, to)), end).toEqual([]);
    }
  });
});
