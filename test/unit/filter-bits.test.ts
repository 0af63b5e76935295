import { describe, expect, it } from "vitest";
import { FilterBits, FilterColumns } from "../../src/search/embedded-columns.js";
import type { EngineFilter, PostingDocument } from "../../src/search/search-port.js";

const COUNTIES = ["350102", "350104", "350121", "350203", "350602", "350624", "360102", "110101"];

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function doc(i: number, county: string, rnd: () => number): PostingDocument {
  return {
    id: `p${i}`,
    title: "",
    searchText: "",
    matchText: "",
    majors: [],
    employerId: "e",
    employerName: "",
    employerVerified: rnd() < 0.5,
    povertyWorkshop: rnd() < 0.2,
    regionCode: county,
    regionPath: [],
    regionPrefecture: `${county.slice(0, 4)}00`,
    educationRank: Math.floor(rnd() * 7),
    salaryMin: null,
    salaryMax: null,
    salaryBand: "",
    kind: rnd() < 0.7 ? "FULL_TIME" : "PART_TIME",
    forKeyGroups: rnd() < 0.3,
    status: rnd() < 0.8 ? "OPEN" : "FILLED",
    validUntil: 0,
    publishedAt: i,
    headcount: 1,
  };
}

/**
 * A place's filter bits are its counties' positions found in one pass: they must be exactly the
 * positions the slot-by-slot test passes, for prefixes of 2, 4 and 6 digits, codes no posting has,
 * strings that are no prefix, in any order of positions and after documents change.
 */
describe("FilterBits for places", () => {
  const PREFIXES: string[][] = [["35"], ["3501"], ["350102"], ["3501", "3506"], ["350102", "36"], ["3599"], ["999999"], ["11", "350624", "3502"], ["35x"], ["3501", "350"], ["350"], ["36", "3"]];

  it("give the same positions as testing each slot, in slot order and in another order of the slots, as documents change", () => {
    const rnd = random(7);
    const columns = new FilterColumns();
    const slots = 300;
    for (let i = 0; i < slots; i++) columns.set(i, doc(i, COUNTIES[Math.floor(rnd() * COUNTIES.length)]!, rnd));
    // Another order of the slots (as the recency order is), and the identity.
    const order = Array.from({ length: slots }, (_, i) => i).sort(() => rnd() - 0.5);
    for (const slotAt of [(p: number) => p, (p: number) => order[p]!]) {
      const bits = new FilterBits(columns, slotAt);
      const check = (positions: number) => {
        for (const regionPrefixes of PREFIXES)
          for (const extra of [{}, { educationAtMost: 3 }, { statuses: ["OPEN", "FILLED"], employerVerified: false }] as EngineFilter[]) {
            const f: EngineFilter = { regionPrefixes, ...extra };
            const fixed = columns.compileFixed(f);
            const all = bits.all(f, positions);
            for (let position = 0; position < positions; position++) {
              const bit = (all[position >>> 5]! >>> (position & 31)) & 1;
              expect([f, position, bit]).toEqual([f, position, fixed(slotAt(position)) ? 1 : 0]);
            }
          }
      };
      check(200);
      check(slots);
      // A document moves to another county and one is removed: the places are judged again.
      columns.set(order[5]!, doc(order[5]!, "360102", rnd));
      columns.clear(order[9]!);
      bits.forget();
      check(slots);
    }
  });
});
