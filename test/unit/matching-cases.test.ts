import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRegionsCsv } from "../../seed/51job/region-parser.js";
import { buildLabelledSet, Geography, type FitCounter, type PostingSpec } from "../eval/matching-cases.js";

/* The labelled set's people are people the registry could hold (issue #24: intention regions that are not Fujian codes are refused at registration). */

const regions = parseRegionsCsv(readFileSync(fileURLToPath(new URL("../../seed/data/regions-cn-2023.csv", import.meta.url)), "utf8"));
const places = new Map(regions.map((r) => [r.code, { code: r.code, name: r.name, lng: r.lng, lat: r.lat }]));
const options = { seed: 2020, postingsPerFamily: 10, people: 20, casePeople: 20 };
const set = await buildLabelledSet(options, new Geography(places), 30);
const HILL = ["3504", "3507", "3508", "3509"];

describe("the labelled set's people", () => {
  it("state only Fujian intention regions, in every case family", () => {
    const outside = set.people.filter((c) => c.person.intentionRegionCodes.some((code) => !code.startsWith("35")));
    expect(outside.map((c) => `${c.caseFamily}: ${c.person.intentionRegionCodes.join(",")}`)).toEqual([]);
  });

  it("poverty-graduate-fallback: a registered-poverty graduate of a hill prefecture who wants to work in their own county and will not move", () => {
    const fallback = set.people.filter((c) => c.caseFamily === "poverty-graduate-fallback");
    expect(fallback).toHaveLength(options.casePeople);
    for (const { person } of fallback) {
      expect(HILL).toContain(person.householdRegionCode.slice(0, 4));
      expect(person.intentionRegionCodes).toEqual([person.householdRegionCode]);
      expect([person.willingToRelocate, person.registeredPoverty]).toEqual([false, true]);
    }
  });

  it("poverty-graduate-fallback: a county where the count finds them at their minimum is passed over, and only their county changes", async () => {
    // A count that finds 3 market fits for anyone living in 明溪县 (350421): nobody is planted there.
    const added = new Map<number, PostingSpec>();
    const counter: FitCounter = {
      add: async (ps) => ps.forEach(([i, p]) => added.set(i, p)),
      remove: async (is) => is.forEach((i) => added.delete(i)),
      count: async (person) => (person.householdRegionCode === "350421" ? 3 : 0),
    };
    const steered = await buildLabelledSet(options, new Geography(places), 30, counter);
    const homes = (s: typeof set) => s.people.filter((c) => c.caseFamily === "poverty-graduate-fallback").map((c) => c.person.householdRegionCode);
    expect(homes(set)).toContain("350421");
    expect(homes(steered)).not.toContain("350421");
    // The counter was handed exactly the postings the set keeps (those of counties passed over taken back).
    expect(added.size).toBe(steered.postings.length);
    expect([...added.keys()].every((i) => added.get(i) === steered.postings[i])).toBe(true);
    const words = (s: typeof set) => s.people.filter((c) => c.caseFamily === "poverty-graduate-fallback").map((c) => `${c.truth.family}:${c.words}`);
    expect(words(steered)).toEqual(words(set));
  });
});
