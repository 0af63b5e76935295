import { serviceToday } from "../src/dates.js";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import { newId } from "../src/db/ids.js";
import { institutions } from "../src/modules/institutions/institution.table.js";
import { syntheticResidentId } from "../src/pii/resident-id.js";
import { PAIRED_PREFECTURES } from "./policy.js";
import { seededRandom } from "./random.js";

/**
 * Institutions for the demo: real names of Fujian universities, colleges and technical schools, and
 * of schools in the paired regions. The codes are the demo's own (DEMO-…), not the Ministry's.
 */
export const DEMO_INSTITUTIONS: { code: string; name: string; kind: "UNIVERSITY" | "VOCATIONAL_COLLEGE" | "TECHNICAL_SCHOOL"; regionCode: string }[] = [
  { code: "DEMO-FJ-001", name: "福州大学", kind: "UNIVERSITY", regionCode: "350121" },
  { code: "DEMO-FJ-002", name: "厦门大学", kind: "UNIVERSITY", regionCode: "350203" },
  { code: "DEMO-FJ-003", name: "福建师范大学", kind: "UNIVERSITY", regionCode: "350121" },
  { code: "DEMO-FJ-004", name: "福建农林大学", kind: "UNIVERSITY", regionCode: "350104" },
  { code: "DEMO-FJ-005", name: "集美大学", kind: "UNIVERSITY", regionCode: "350211" },
  { code: "DEMO-FJ-006", name: "福建医科大学", kind: "UNIVERSITY", regionCode: "350121" },
  { code: "DEMO-FJ-007", name: "闽南师范大学", kind: "UNIVERSITY", regionCode: "350602" },
  { code: "DEMO-FJ-008", name: "龙岩学院", kind: "UNIVERSITY", regionCode: "350802" },
  { code: "DEMO-FJ-009", name: "三明学院", kind: "UNIVERSITY", regionCode: "350404" },
  { code: "DEMO-FJ-010", name: "福建船政交通职业学院", kind: "VOCATIONAL_COLLEGE", regionCode: "350104" },
  { code: "DEMO-FJ-011", name: "漳州职业技术学院", kind: "VOCATIONAL_COLLEGE", regionCode: "350602" },
  { code: "DEMO-FJ-012", name: "闽西职业技术学院", kind: "VOCATIONAL_COLLEGE", regionCode: "350802" },
  { code: "DEMO-FJ-013", name: "福建工业学校", kind: "TECHNICAL_SCHOOL", regionCode: "350111" },
  { code: "DEMO-NX-001", name: "宁夏大学", kind: "UNIVERSITY", regionCode: "640106" },
  { code: "DEMO-GS-001", name: "定西师范高等专科学校", kind: "VOCATIONAL_COLLEGE", regionCode: "621102" },
];

const SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢郭洪曾邱廖赖周徐苏叶庄江何罗高游钟施马卢詹朱".split("");
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰晓婷雪梅慧鑫宇浩然子涵欣怡思远嘉琪俊杰梓轩雨萱".split("");
const MAJORS: Record<string, string[]> = {
  UNIVERSITY: ["计算机科学与技术", "软件工程", "会计学", "市场营销", "汉语言文学", "英语", "法学", "临床医学", "护理学", "电子商务", "农学", "食品科学与工程"],
  VOCATIONAL_COLLEGE: ["电子商务", "会计", "护理", "物流管理", "机电一体化技术", "旅游管理", "学前教育", "计算机应用技术"],
  TECHNICAL_SCHOOL: ["数控加工", "汽车维修", "电气自动化", "烹饪"],
};
const KEYWORDS = ["软件开发", "会计", "销售", "电商运营", "教师", "护士", "行政", "物流", "质检", "导游", "客服", "设计"];
const LABOUR_SKILLS = ["普工", "电焊", "厨师", "保洁", "家政", "育婴", "驾驶", "茶叶加工", "种植", "养殖", "缝纫", "建筑"];
const TRAINING = ["电工", "育婴员", "中式烹调师", "电子商务", "养老护理员", "叉车"];

export const PEOPLE_CSV_HEADER =
  "name,idNumber,phone,householdRegionCode,originRegionCode,registeredPoverty,povertyHouseholdNo,minimumLiving,zeroEmployment,disabled,institutionCode,major,degreeLevel,graduationDate,leaveSchoolDate,employmentStatus,employmentStatusSince,willingToRelocate,intentionKeywords,intentionRegionCodes,intentionMinSalary,skills,trainingWishes";

export async function ensureDemoInstitutions(db: Database): Promise<void> {
  await db
    .insert(institutions)
    .values(DEMO_INSTITUTIONS.map((i) => ({ id: newId(), ...i })))
    .onConflictDoNothing();
}

export interface GeneratorRegions {
  fujianCounties: string[];
  pairedCounties: string[];
  poverty52Counties: string[];
  hubeiCounties: string[];
}

export async function generatorRegions(db: Database): Promise<GeneratorRegions> {
  return regionsForGenerator(await queryRows<{ code: string; poverty52: boolean }>(db, sql`select code, poverty52 from regions where level = 'COUNTY'`));
}

/** The county lists the generator draws from, out of every county and its 52-county flag. */
export function regionsForGenerator(rows: { code: string; poverty52: boolean }[]): GeneratorRegions {
  const paired = new Set(PAIRED_PREFECTURES);
  return {
    fujianCounties: rows.filter((r) => r.code.startsWith("35")).map((r) => r.code),
    pairedCounties: rows.filter((r) => paired.has(r.code.slice(0, 4))).map((r) => r.code),
    poverty52Counties: rows.filter((r) => r.poverty52).map((r) => r.code),
    hubeiCounties: rows.filter((r) => r.code.startsWith("42")).map((r) => r.code),
  };
}

const csvCell = (v: string | number | boolean | null | undefined) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Realistic people as CSV, deterministic for a seed: Fujian-origin graduates of Fujian institutions,
 * graduates from the paired regions and the 52 counties, Hubei-origin 2020 graduates, and registered
 * poverty labourers across Fujian's counties. Yields chunks of up to 1,000 lines after the header.
 * Graduates leave school in `cohortYear` (most) or the year before; the demo passes the current campaign's.
 */
export async function* generatePeopleCsv(count: number, regions: GeneratorRegions, seed = 2020, cohortYear = 2020): AsyncGenerator<string> {
  const shift = cohortYear - 2020;
  const today = serviceToday();
  const random = seededRandom(seed);
  const perDay = new Map<string, number>();
  // Different seeds start the ID sequence numbers elsewhere, so two generated populations rarely share IDs.
  const seqOffset = (seed * 97) % 400;
  const fujianSchools = DEMO_INSTITUTIONS.filter((i) => i.code.startsWith("DEMO-FJ"));
  const pairedSchools = DEMO_INSTITUTIONS.filter((i) => !i.code.startsWith("DEMO-FJ"));
  let lines: string[] = [PEOPLE_CSV_HEADER];
  for (let n = 0; n < count; n++) {
    const roll = random.next();
    const kind = roll < 0.55 ? "fujian" : roll < 0.65 ? "paired" : roll < 0.72 ? "poverty52" : roll < 0.77 ? "hubei" : "labourer";
    const gender = random.chance(0.5) ? "MALE" : "FEMALE";
    const graduate = kind !== "labourer";
    const cohort = kind === "hubei" || random.chance(0.7) ? cohortYear : cohortYear - 1;
    const birthYear = graduate ? cohort - random.int(21, 24) : random.int(1962, 2002) + shift;
    const birthDate = `${birthYear}-${String(random.int(1, 12)).padStart(2, "0")}-${String(random.int(1, 28)).padStart(2, "0")}`;
    const origin =
      kind === "fujian" || kind === "labourer"
        ? random.pick(regions.fujianCounties)
        : kind === "paired"
          ? random.pick(regions.pairedCounties)
          : kind === "poverty52"
            ? random.pick(regions.poverty52Counties)
            : random.pick(regions.hubeiCounties);
    // The same county and birthday share 500 sequence numbers per gender: count them to stay unique.
    const dayKey = `${origin}|${birthDate}|${gender}`;
    const seq = perDay.get(dayKey) ?? 0;
    perDay.set(dayKey, seq + 1);
    const idNumber = syntheticResidentId(origin, birthDate, (seq + seqOffset) % 500, gender);
    const poverty = kind === "labourer" ? true : random.chance(kind === "paired" || kind === "poverty52" ? 0.3 : 0.08);
    const school = graduate ? (kind === "paired" && random.chance(0.3) ? random.pick(pairedSchools) : random.pick(fujianSchools)) : undefined;
    const degree = school ? (school.kind === "UNIVERSITY" ? (random.chance(0.1) ? "MASTER" : "BACHELOR") : school.kind === "VOCATIONAL_COLLEGE" ? "ASSOCIATE" : "HIGH_SCHOOL") : "";
    const leave = graduate ? `${cohort}-07-01` : "";
    const status = graduate
      ? random.pick(["UNEMPLOYED", "UNEMPLOYED", "UNEMPLOYED", "UNEMPLOYED", "EMPLOYED", "EMPLOYED", "EMPLOYED", "FURTHER_STUDY", "SELF_EMPLOYED", "UNEMPLOYED"])
      : random.pick(["UNEMPLOYED", "UNEMPLOYED", "UNEMPLOYED", "EMPLOYED", "PUBLIC_WELFARE_POST"]);
    const stated = status === "UNEMPLOYED" ? leave || `${cohortYear}-03-01` : `${graduate ? cohort : cohortYear}-${String(random.int(8, 11)).padStart(2, "0")}-15`;
    // This year's cohort found work in August–November: never a day still to come.
    const since = stated > today ? today : stated;
    const wantsFujian = kind === "fujian" || kind === "labourer" || random.chance(kind === "hubei" ? 0.8 : 0.6);
    // Intention regions are Fujian places; a graduate going back home outside Fujian states none.
    const intentionRegions = wantsFujian ? [random.chance(0.5) && origin.startsWith("35") ? `${origin.slice(0, 4)}00` : "350000"] : [];
    const name = random.pick(SURNAMES) + random.pick(GIVEN) + (random.chance(0.6) ? random.pick(GIVEN) : "");
    const row = [
      name,
      idNumber,
      `1${random.pick([3, 5, 7, 8, 9])}${String(random.int(0, 999_999_999)).padStart(9, "0")}`,
      origin,
      origin,
      poverty,
      poverty && random.chance(0.7) ? `${origin}${String(n).padStart(6, "0")}` : "",
      random.chance(0.05),
      random.chance(0.02),
      random.chance(0.01),
      school?.code ?? "",
      school ? random.pick(MAJORS[school.kind]!) : "",
      degree,
      graduate ? `${cohort}-06-30` : "",
      leave,
      status,
      since,
      graduate ? random.chance(0.3) : random.chance(0.45),
      graduate ? [random.pick(KEYWORDS), random.pick(KEYWORDS)].join(";") : random.pick(LABOUR_SKILLS),
      intentionRegions.join(";"),
      random.chance(0.6) ? random.int(25, 80) * 100 : "",
      graduate ? "" : [random.pick(LABOUR_SKILLS)].join(";"),
      random.chance(0.3) ? random.pick(TRAINING) : "",
    ];
    lines.push(row.map(csvCell).join(","));
    if (lines.length >= 1000) {
      yield lines.join("\n") + "\n";
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join("\n") + "\n";
}
