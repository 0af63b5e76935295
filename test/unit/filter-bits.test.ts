import { describe, expect, it } from "vitest";
import { FilterBits, FilterColumns, setBit, wordsFor } from "../../src/search/embedded-columns.js";
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

  it("keep within their byte budget, least recently used forgotten first, and answer alike whatever they forgot", () => {
    const rnd = random(11);
    const columns = new FilterColumns();
    const slots = 640; // 20 words: 80 bytes of passing bits a filter, 160 while judged slot by slot
    for (let i = 0; i < slots; i++) columns.set(i, doc(i, COUNTIES[Math.floor(rnd() * COUNTIES.length)]!, rnd));
    const filters: EngineFilter[] = PREFIXES.flatMap((regionPrefixes) => [{ regionPrefixes }, { regionPrefixes, educationAtMost: 2 }, { regionPrefixes, salaryAtLeast: 0 }]);
    const roomy = new FilterBits(columns, (p) => p, 1 << 30);
    const tight = new FilterBits(columns, (p) => p, 400);
    for (let round = 0; round < 3; round++) {
      for (const f of filters) {
        // Whole bitsets, and position by position (a filter judged both ways, in either order).
        expect([f, Array.from(tight.all(f, slots))]).toEqual([f, Array.from(roomy.all(f, slots))]);
        const [t, r] = [tight.test(f, slots), roomy.test(f, slots)];
        for (let position = 0; position < slots; position += 7) expect([f, position, t(position)]).toEqual([f, position, r(position)]);
        expect(tight.kept().bytes).toBeLessThanOrEqual(400);
      }
    }
    // The roomy one kept every filter, whole (no slot-by-slot verdicts left): 80 bytes each.
    expect(roomy.kept()).toEqual({ filters: filters.length, bytes: filters.length * 80 });
    // 400 bytes: room made for a new filter's 160 (judged slot by slot until judged whole) beside three of 80.
    expect(tight.kept()).toEqual({ filters: 4, bytes: 320 });
    // A filter first judged slot by slot holds both arrays until it is judged whole.
    const fresh = new FilterBits(columns);
    fresh.test(filters[0]!, slots)(3);
    expect(fresh.kept()).toEqual({ filters: 1, bytes: 160 });
    fresh.all(filters[0]!, slots);
    expect(fresh.kept()).toEqual({ filters: 1, bytes: 80 });
    fresh.forget();
    expect(fresh.kept()).toEqual({ filters: 0, bytes: 0 });
  });

  it("count exactly the bytes they hold and answer as each slot's test, whatever the order of tests, whole judgements, growth, forgetting and budget", () => {
    const rnd = random(5);
    const columns = new FilterColumns();
    const most = 1500;
    for (let i = 0; i < most; i++) columns.set(i, { ...doc(i, COUNTIES[Math.floor(rnd() * COUNTIES.length)]!, rnd), salaryMax: rnd() < 0.5 ? 8000 : null });
    // Filters of atoms (judged whole in one pass) and not (a salary floor: judged slot by slot).
    const filters: EngineFilter[] = PREFIXES.slice(0, 6).flatMap((regionPrefixes) => [{ regionPrefixes }, { regionPrefixes, educationAtMost: 3 }, { regionPrefixes, salaryAtLeast: 5000 }]);
    for (const budget of [250, 1200, 1 << 30]) {
      const bits = new FilterBits(columns, (p) => p, budget);
      const byKey = (bits as unknown as { byKey: Map<string, { judged: Int32Array | null; passing: Int32Array }> }).byKey;
      const held = () => [...byKey.values()].reduce((n, e) => n + (e.judged?.byteLength ?? 0) + e.passing.byteLength, 0);
      let positions = 90;
      for (let step = 0; step < 600; step++) {
        const f = filters[Math.floor(rnd() * filters.length)]!;
        const fixed = columns.compileFixed(f);
        const r = rnd();
        // More positions (at least a word more), as after a write.
        if (r < 0.03 && positions + 64 <= most) positions += 32 + Math.floor(rnd() * 32);
        else if (r < 0.05) bits.forget();
        else if (r < 0.5) {
          const expected = new Int32Array(wordsFor(positions));
          for (let position = 0; position < positions; position++) if (fixed(position)) setBit(expected, position);
          expect([budget, f, positions, Array.from(bits.all(f, positions).subarray(0, expected.length))]).toEqual([budget, f, positions, Array.from(expected)]);
        } else {
          const test = bits.test(f, positions);
          for (let k = 0; k < 20; k++) {
            const position = Math.floor(rnd() * positions);
            expect([budget, f, position, test(position)]).toEqual([budget, f, position, fixed(position)]);
          }
        }
        expect(bits.kept()).toEqual({ filters: byKey.size, bytes: held() });
        if (byKey.size > 1) expect(bits.kept().bytes).toBeLessThanOrEqual(budget);
      }
    }
  });

  it("judge the positions added since a filter was judged whole, within its last 32-bit word too", () => {
    const rnd = random(3);
    const columns = new FilterColumns();
    for (let i = 0; i < 64; i++) columns.set(i, { ...doc(i, COUNTIES[i % 2]!, rnd), salaryMax: i % 3 === 0 ? null : 8000 });
    // A filter of atoms (judged whole in one pass) and one with a salary floor (slot by slot).
    for (const f of [{ regionPrefixes: ["35"] }, { regionPrefixes: ["35"], salaryAtLeast: 5000 }] as EngineFilter[]) {
      const fixed = columns.compileFixed(f);
      const bits = new FilterBits(columns);
      bits.all(f, 40);
      // Eight more positions, in the same second word of bits.
      const test = bits.test(f, 48);
      for (let position = 0; position < 48; position++) expect([f, position, test(position)]).toEqual([f, position, fixed(position)]);
      const all = bits.all(f, 48);
      for (let position = 0; position < 48; position++) expect([f, position, (all[position >>> 5]! >>> (position & 31)) & 1]).toEqual([f, position, fixed(position) ? 1 : 0]);
    }
  });
});
