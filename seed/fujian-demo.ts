/**
 * The generated Fujian part of the demo: employers of Fujian's industries (seed/industries.ts), named
 * for them, posting only their industry's occupations. Pure — rows in, rows out — so its properties are
 * unit-tested without a database (test/unit/fujian-demo.test.ts).
 */
import { newId } from "../src/db/ids.js";
import { syntheticCreditCode } from "../src/modules/employers/credit-code.js";
import type { employers } from "../src/modules/employers/employer.table.js";
import type { postings } from "../src/modules/postings/posting.table.js";
import { DEMO_BRANDS, DEMO_TOWNS, FUJIAN_INDUSTRIES, PUBLIC_SERVICE_PER_PREFECTURE, type DemoIndustry, type DemoOccupation } from "./industries.js";
import type { seededRandom } from "./random.js";

const DAY = 86_400_000;
const SEED_ACTOR = "seed:demo";
/** Half the employers of a workshop industry are poverty-alleviation workshops: about a fifth of all. */
const WORKSHOP_SHARE = 0.5;
/** Ordinary postings flagged for key groups; traineeships, grassroots, public-welfare and workshop jobs always are. */
const KEY_GROUP_SHARE = 0.1;
const RESERVED_FOR_KEY_GROUPS = new Set(["TRAINEESHIP", "GRASSROOTS", "PUBLIC_WELFARE"]);

type Random = ReturnType<typeof seededRandom>;
export interface FujianCounty {
  code: string;
  name: string;
}
export interface GeneratedEmployer {
  row: typeof employers.$inferInsert;
  industry: DemoIndustry;
  county: FujianCounty;
  workshop: boolean;
}
export interface GeneratedPosting {
  row: typeof postings.$inferInsert;
  employer: GeneratedEmployer;
  occupation: DemoOccupation;
}

const prefectureOf = (county: FujianCounty) => county.code.slice(0, 4);

/** An industry drawn by weight: Fujian's mix of employers, public service apart. */
function drawIndustry(random: Random): DemoIndustry {
  const weighted = FUJIAN_INDUSTRIES.filter((industry) => industry.weight > 0);
  let ticket = random.next() * weighted.reduce((sum, industry) => sum + industry.weight, 0);
  for (const industry of weighted) {
    ticket -= industry.weight;
    if (ticket < 0) return industry;
  }
  return weighted[weighted.length - 1]!;
}

/** The occupations an employer may post: a workshop only its industry's workshop jobs. */
export function occupationsOf(industry: DemoIndustry, workshop: boolean): readonly DemoOccupation[] {
  return workshop ? industry.occupations.filter((occupation) => occupation.workshop) : industry.occupations;
}

/**
 * `count` Fujian employers: a few public-service bodies (乡镇/街道/村委) in every prefecture, the rest
 * drawn by industry weight in the industry's prefectures; half of a workshop industry's are 扶贫车间.
 */
export function generateFujianEmployers(random: Random, counties: readonly FujianCounty[], count: number, nextSerial: () => number): GeneratedEmployer[] {
  const out: GeneratedEmployer[] = [];
  const taken = new Set<string>();
  const add = (industry: DemoIndustry, county: FujianCounty, workshop: boolean) => {
    const name = uniqueName(random, taken, county, (workshop ? industry.workshopNames : undefined) ?? industry.names);
    const publicBody = industry.publicService === true || industry.key === "hospitals" || industry.key === "schools";
    out.push({
      industry,
      county,
      workshop,
      row: {
        id: newId(),
        name,
        creditCode: syntheticCreditCode(county.code, nextSerial()),
        regionCode: county.code,
        isPovertyWorkshop: workshop,
        // Public bodies are known to the bureau; a few firms are still waiting for verification.
        verified: publicBody || out.length % 7 !== 3,
        createdBy: SEED_ACTOR,
      },
    });
  };
  const publicService = FUJIAN_INDUSTRIES.find((industry) => industry.publicService)!;
  const prefectures = [...new Set(counties.map(prefectureOf))].sort();
  for (const prefecture of prefectures) {
    const inPrefecture = counties.filter((county) => prefectureOf(county) === prefecture);
    for (let i = 0; i < PUBLIC_SERVICE_PER_PREFECTURE && out.length < count; i++) add(publicService, random.pick(inPrefecture), false);
  }
  while (out.length < count) {
    const industry = drawIndustry(random);
    const where = industry.prefectures === undefined ? counties : counties.filter((county) => industry.prefectures!.includes(prefectureOf(county)));
    const workshop = industry.workshopNames !== undefined && random.chance(WORKSHOP_SHARE);
    add(industry, random.pick(where.length > 0 ? where : counties), workshop);
  }
  return out;
}

/** A name not yet used by another generated employer ("安溪闽兴茶业有限公司"). */
function uniqueName(random: Random, taken: Set<string>, county: FujianCounty, patterns: DemoIndustry["names"]): string {
  const place = county.name.length > 2 ? county.name.replace(/(市|县|区)$/, "") : county.name;
  let name = "";
  for (let attempt = 0; attempt < 10 && (name === "" || taken.has(name)); attempt++) {
    name = random.pick(patterns)(place, random.pick(DEMO_BRANDS), random.pick(DEMO_TOWNS), county.name);
  }
  for (let branch = 2; taken.has(name); branch++) name = `${name.replace(/（\d+）$/, "")}（${branch}）`;
  taken.add(name);
  return name;
}

/** A range inside the occupation's: the floor from its lower half, the ceiling from its upper half, in hundreds. */
function salaryWithin(random: Random, [low, high]: readonly [number, number]): { salaryMin: number; salaryMax: number } {
  const middle = (low + high) / 2;
  return {
    salaryMin: low + 100 * random.int(0, Math.floor((middle - low) / 100)),
    salaryMax: high - 100 * random.int(0, Math.floor((high - middle) / 100)),
  };
}

/** `count` postings, each by a generated employer and one of the occupations it may post. */
export function generateFujianPostings(random: Random, employersList: readonly GeneratedEmployer[], count: number, now: Date): GeneratedPosting[] {
  const out: GeneratedPosting[] = [];
  for (let i = 0; i < count; i++) {
    const employer = random.pick(employersList);
    const occupation = random.pick(occupationsOf(employer.industry, employer.workshop));
    const status = random.chance(0.9) ? "OPEN" : random.pick(["DRAFT", "CLOSED"] as const);
    out.push({
      employer,
      occupation,
      row: {
        id: newId(),
        employerId: employer.row.id!,
        title: occupation.title,
        description: `${employer.row.name}招聘${occupation.title}，工作地点在${employer.county.name}。要求：${occupation.skills.join("、")}。`,
        occupation: occupation.occupation,
        skills: occupation.skills,
        majors: occupation.majors,
        minEducation: occupation.minEducation,
        regionCode: employer.county.code,
        ...salaryWithin(random, occupation.salary),
        headcount: random.int(1, occupation.workshop ? 30 : 10),
        kind: occupation.kind,
        forKeyGroups: RESERVED_FOR_KEY_GROUPS.has(occupation.kind) || employer.workshop || random.chance(KEY_GROUP_SHARE),
        status,
        validUntil: new Date(now.getTime() + random.int(15, 120) * DAY),
        publishedAt: status === "DRAFT" ? null : new Date(now.getTime() - random.int(0, 30) * DAY),
        closedAt: status === "CLOSED" ? now : null,
        source: "EMPLOYER",
        createdBy: SEED_ACTOR,
      },
    });
  }
  return out;
}
