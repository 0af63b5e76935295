import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRegionsCsv } from "../../seed/51job/region-parser.js";
import { generateFujianEmployers, generateFujianPostings, occupationsOf } from "../../seed/fujian-demo.js";
import { FUJIAN_INDUSTRIES } from "../../seed/industries.js";
import { seededRandom } from "../../seed/random.js";

/* Issue #24 item 4: the generated demo looks like Fujian — employers of an industry post that industry's jobs. */

const regions = parseRegionsCsv(readFileSync(fileURLToPath(new URL("../../seed/data/regions-cn-2023.csv", import.meta.url)), "utf8"));
const counties = regions.filter((r) => r.level === "county" && r.code.startsWith("35"));
const now = new Date("2026-12-05T02:00:00Z");

function generate(seed: number, employers = 160, postings = 1500) {
  const random = seededRandom(seed);
  let serial = 1;
  const made = generateFujianEmployers(random, counties, employers, () => serial++);
  return { employers: made, postings: generateFujianPostings(random, made, postings, now) };
}

describe.each([20201001, 7, 2024])("the generated Fujian demo (seed %i)", (seed) => {
  const { employers, postings } = generate(seed);

  it("keeps the demo's size", () => {
    expect(employers).toHaveLength(160);
    expect(postings).toHaveLength(1500);
    expect(new Set(employers.map((e) => e.row.name)).size).toBe(160);
  });

  it("every posting's title is one of its employer's industry's occupations, with that occupation's fields", () => {
    for (const { row, employer } of postings) {
      const occupation = employer.industry.occupations.find((o) => o.title === row.title);
      expect(occupation, `${employer.row.name} (${employer.industry.key}) posted ${row.title}`).toBeDefined();
      expect(row).toMatchObject({ occupation: occupation!.occupation, kind: occupation!.kind, minEducation: occupation!.minEducation, majors: occupation!.majors, employerId: employer.row.id, regionCode: employer.row.regionCode });
    }
  });

  it("salaries lie within the occupation's range", () => {
    for (const { row, occupation } of postings) {
      const [low, high] = occupation.salary;
      expect(row.salaryMin!, row.title).toBeGreaterThanOrEqual(low);
      expect(row.salaryMin!, row.title).toBeLessThanOrEqual(row.salaryMax!);
      expect(row.salaryMax!, row.title).toBeLessThanOrEqual(high);
    }
  });

  it("workshops are in workshop industries, named 扶贫车间, and post only workshop jobs — never software or nursing", () => {
    const workshops = employers.filter((e) => e.row.isPovertyWorkshop);
    expect(workshops.length).toBeGreaterThan(15);
    for (const e of workshops) {
      expect(e.industry.workshopNames, e.industry.key).toBeDefined();
      expect(e.row.name).toContain("扶贫车间");
    }
    const atWorkshops = postings.filter((p) => p.employer.row.isPovertyWorkshop);
    expect(atWorkshops.length).toBeGreaterThan(100);
    for (const { row, occupation } of atWorkshops) {
      expect(occupation.workshop, row.title).toBe(true);
      expect(row.title).not.toMatch(/软件|护士|教师|医生/);
      expect(["NONE", "JUNIOR_HIGH"]).toContain(row.minEducation);
      expect(row.forKeyGroups).toBe(true);
    }
    // Elsewhere, names say no 扶贫车间 they are not.
    for (const e of employers.filter((x) => !x.row.isPovertyWorkshop)) expect(e.row.name).not.toContain("扶贫车间");
  });

  it("PUBLIC_WELFARE jobs are posted only by public service (乡镇/街道/村委), which every prefecture has", () => {
    const welfare = postings.filter((p) => p.row.kind === "PUBLIC_WELFARE");
    expect(welfare.length).toBeGreaterThan(20);
    for (const { employer } of welfare) {
      expect(employer.industry.publicService).toBe(true);
      expect(employer.row.name).toMatch(/(镇人民政府|街道办事处|村民委员会)$/);
    }
    const prefecturesWithPublicService = new Set(employers.filter((e) => e.industry.publicService).map((e) => e.row.regionCode!.slice(0, 4)));
    expect(prefecturesWithPublicService).toEqual(new Set(counties.map((c) => c.code.slice(0, 4))));
  });

  it("traineeships, grassroots and public-welfare posts are reserved for key groups; only a small share of others", () => {
    for (const { row } of postings.filter((p) => ["TRAINEESHIP", "GRASSROOTS", "PUBLIC_WELFARE"].includes(p.row.kind!))) expect(row.forKeyGroups).toBe(true);
    const ordinary = postings.filter((p) => p.row.kind === "REGULAR" && !p.employer.workshop);
    const flagged = ordinary.filter((p) => p.row.forKeyGroups).length / ordinary.length;
    expect(flagged).toBeGreaterThan(0.03);
    expect(flagged).toBeLessThan(0.2);
  });

  it("software firms sit in Fuzhou or Xiamen; industries are drawn roughly by weight", () => {
    for (const e of employers.filter((x) => x.industry.key === "software")) expect(["3501", "3502"]).toContain(e.row.regionCode!.slice(0, 4));
    const count = (key: string) => employers.filter((e) => e.industry.key === key).length;
    expect(count("manufacturing") + count("garments-shoes")).toBeGreaterThan(count("hospitals") + count("schools") + count("software"));
  });
});

describe("the industries table", () => {
  it("has workshop jobs in every industry with workshops, and none elsewhere", () => {
    for (const industry of FUJIAN_INDUSTRIES) {
      expect(occupationsOf(industry, true).length > 0, industry.key).toBe(industry.workshopNames !== undefined);
      for (const o of industry.occupations) expect(o.salary[0], o.title).toBeLessThan(o.salary[1]);
    }
    for (const industry of FUJIAN_INDUSTRIES.filter((i) => !i.publicService)) {
      expect(industry.occupations.some((o) => o.kind === "PUBLIC_WELFARE"), industry.key).toBe(false);
    }
  });

  it("is deterministic for a seed", () => {
    const names = (seed: number) => generate(seed, 160, 50).postings.map((p) => `${p.employer.row.name}:${p.row.title}:${p.row.salaryMin}-${p.row.salaryMax}`);
    expect(names(20201001)).toEqual(names(20201001));
    expect(names(20201001)).not.toEqual(names(7));
  });
});
