import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRegionsCsv } from "../../seed/51job/region-parser.js";
import { buildLabelledSet, Geography } from "../eval/matching-cases.js";

/* The labelled set's people are people the registry could hold (issue #24: intention regions that are not Fujian codes are refused at registration). */

const regions = parseRegionsCsv(readFileSync(fileURLToPath(new URL("../../seed/data/regions-cn-2023.csv", import.meta.url)), "utf8"));
const places = new Map(regions.map((r) => [r.code, { code: r.code, name: r.name, lng: r.lng, lat: r.lat }]));
const set = buildLabelledSet({ seed: 2020, postingsPerFamily: 10, people: 20, casePeople: 20 }, new Geography(places), 30);

describe("the labelled set's people", () => {
  // KNOWN BUG (review rev2): poverty-graduate-fallback draws its people from the 52 counties that left
  // poverty last — none of them in Fujian (广西, 四川, 贵州, 云南, 甘肃, 宁夏, 新疆) — and has them state
  // that county as their intention region. Registration refuses such a person, and no posting of the demo
  // is within their places, so "with the demo's postings competing" this family competes with nothing
  // (its figures are identical in both runs). `it.fails` until the family is drawn from Fujian counties.
  it.fails("state only Fujian intention regions, in every case family", () => {
    const outside = set.people.filter((c) => c.person.intentionRegionCodes.some((code) => !code.startsWith("35")));
    expect(outside.map((c) => `${c.caseFamily}: ${c.person.intentionRegionCodes.join(",")}`)).toEqual([]);
  });

  it("every case family but the fallback's states Fujian intention regions only", () => {
    const outside = set.people.filter((c) => c.caseFamily !== "poverty-graduate-fallback" && c.person.intentionRegionCodes.some((code) => !code.startsWith("35")));
    expect(outside.map((c) => `${c.caseFamily}: ${c.person.intentionRegionCodes.join(",")}`)).toEqual([]);
  });
});
