import { describe, expect, it } from "vitest";
import { evaluationDate, personFacts, type PersonFactsInput } from "../../src/modules/categories/person-facts.js";
import type { CampaignRow } from "../../src/modules/categories/category.table.js";

const person: PersonFactsInput = {
  birthDate: "2000-11-23", gender: "FEMALE", householdRegionCode: "350102", originRegionCode: "350102", registeredPoverty: false, minimumLiving: false,
  zeroEmployment: false, disabled: false, institutionId: null, graduationDate: "2026-06-30", leaveSchoolDate: "2026-11-23", employmentStatus: "UNEMPLOYED",
  employmentStatusSince: "2026-11-23", ableToWork: true, seekingWork: true, intentionRegionCodes: [], willingToRelocate: false, openToLabourCooperation: false,
};
const ctx = (asOf: Date) => ({ asOf, campaign: null, poverty52: new Set<string>(), institutionRegion: () => undefined });

describe("category facts are as of Fujian's date, not UTC's", () => {
  // 01:00 on 23 November in Fujian is still 22 November in UTC.
  const earlyMorning = new Date("2026-11-22T17:00:00Z");

  it("a person who left school on Fujian's today has left; one born on it has had the birthday", () => {
    const facts = personFacts(person, ctx(earlyMorning));
    expect(facts.leftSchool).toBe(true);
    expect(facts.monthsSinceLeavingSchool).toBe(0);
    expect(facts.age).toBe(26);
    // The evening before in Fujian (UTC afternoon of the 22nd): not yet.
    const evening = personFacts(person, ctx(new Date("2026-11-22T15:00:00Z")));
    expect(evening.leftSchool).toBe(false);
    expect(evening.age).toBe(25);
  });

  it("a campaign's first and last days are Fujian's days", () => {
    const campaign = { startsOn: "2026-11-23", endsOn: "2026-12-31" } as CampaignRow;
    // 01:00 on the first day in Fujian is inside the campaign (not clamped to its start).
    expect(evaluationDate(campaign, earlyMorning)).toEqual(earlyMorning);
    // Past the last day in Fujian: clamped to its end, which is still that day there.
    const after = evaluationDate(campaign, new Date("2027-01-01T03:00:00Z"));
    expect(after.toISOString()).toBe("2026-12-31T15:59:59.000Z");
  });
});
