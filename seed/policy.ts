/**
 * The policy data the 2020 notice and the 2018 plan define (see the domain notes §1): the 2020
 * campaign and the target categories, each a JSON-logic rule over the facts `personFacts` builds
 * (src/modules/categories/person-facts.ts). Loaded by the migration `0004_policy_2020`; later
 * changes are new versions written through `publishTargetCategory`, never edits of these rows.
 */
type Rule = Record<string, unknown>;

import { PAIRED_PREFECTURES } from "../src/modules/regions/paired-regions.js";

export { PAIRED_PREFECTURES };

const v = (name: string) => ({ var: name });
const isTrue = (name: string) => ({ "==": [v(name), true] });
const graduate = isTrue("isGraduate");
const unemployed = isTrue("unemployed");
const currentCohort = { "==": [v("graduationYear"), v("campaign.cohortYear")] };
const pairedOrigin = { in: [v("origin.prefecture"), PAIRED_PREFECTURES] };
const pairedInstitution = { in: [v("institution.prefecture"), PAIRED_PREFECTURES] };
const wantsFujian = isTrue("intention.fujian");
// 劳动年龄段: 16 to 59 for men, 16 to 54 for women.
const workingAge = { and: [{ ">=": [v("age"), 16] }, { if: [{ "==": [v("gender"), "MALE"] }, { "<": [v("age"), 60] }, { "<": [v("age"), 55] }] }] };
const povertyLabourer = { and: [isTrue("household.registeredPoverty"), workingAge, isTrue("ableToWork"), isTrue("seekingWork")] };

export interface CategoryDefinition {
  code: string;
  name: string;
  description: string;
  population: "KEY_GROUP_GRADUATE" | "POVERTY_LABOURER";
  rule: Rule;
  minReferrals: number;
  mentorEligible: boolean;
}

export const CAMPAIGN_2020 = {
  code: "FJ-2020-KG",
  name: "2020年高校毕业生重点群体就业帮扶专项攻坚行动",
  cohortYear: 2020,
  startsOn: "2020-10-01",
  endsOn: "2020-12-31",
};

export const CATEGORIES_2020: CategoryDefinition[] = [
  {
    code: "KG1_HARDSHIP_HOUSEHOLD",
    name: "建档立卡贫困家庭、城乡低保家庭、零就业家庭和残疾高校毕业生",
    description: "From a registered-poverty, minimum-living-guarantee or zero-employment household, or disabled.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, { or: [isTrue("household.registeredPoverty"), isTrue("household.minimumLiving"), isTrue("household.zeroEmployment"), isTrue("household.disabled")] }] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG2_POVERTY_UNEMPLOYED",
    name: "建档立卡贫困家庭、零就业家庭离校未就业高校毕业生",
    description: "Registered-poverty or zero-employment household graduates who have left school without a job.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, { or: [isTrue("household.registeredPoverty"), isTrue("household.zeroEmployment")] }, isTrue("leftSchool"), unemployed] },
    minReferrals: 3,
    mentorEligible: true,
  },
  {
    code: "KG3_FUJIAN_LONG_UNEMPLOYED",
    name: "福建生源离校1年及以上未就业高校毕业生",
    description: "Fujian-origin graduates still unemployed a year or more after leaving school.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, { "==": [v("origin.province"), "35"] }, { ">=": [v("monthsSinceLeavingSchool"), 12] }, unemployed] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG4_POVERTY52_ORIGIN",
    name: "52个未摘帽贫困县生源高校毕业生",
    description: "Graduates whose origin (生源地) is one of the 52 counties not yet lifted out of poverty in 2020.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, isTrue("origin.poverty52")] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG5_COHORT_UNEMPLOYED",
    name: "当届离校未就业高校毕业生（扫描件缺失，按重建）",
    description: "Reconstructed (text lost in the scan): graduates of the campaign's cohort still unemployed.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, currentCohort, unemployed] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG6_PAIRED_POVERTY",
    name: "对口帮扶地区建档立卡贫困家庭高校毕业生（按重建）",
    description: "Reconstructed: registered-poverty graduates whose origin or school is in a paired region.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, isTrue("household.registeredPoverty"), { or: [pairedOrigin, pairedInstitution] }] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG7_PAIRED_REGION",
    name: "新疆昌吉州、甘肃定西市和临夏州、宁夏、西藏昌都等对口帮扶地区高校毕业生",
    description: "Graduates whose origin is one of Fujian's paired assistance regions.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, pairedOrigin] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG8_PAIRED_COHORT_IN_FUJIAN",
    name: "对口帮扶地区来闽就业的当届高校毕业生",
    description: "Paired-region graduates of the campaign's cohort seeking work in Fujian.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, currentCohort, pairedOrigin, wantsFujian] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "KG9_HUBEI_IN_FUJIAN",
    name: "在闽高校湖北籍当届毕业生留闽就业",
    description: "Graduates of Fujian institutions of the campaign's cohort, of Hubei origin, who want to work in Fujian.",
    population: "KEY_GROUP_GRADUATE",
    rule: { and: [graduate, currentCohort, { "==": [v("institution.province"), "35"] }, { "==": [v("origin.province"), "42"] }, wantsFujian] },
    minReferrals: 3,
    mentorEligible: false,
  },
  {
    code: "PL_POVERTY_LABOURER",
    name: "建档立卡贫困劳动力",
    description: "Working age, able to work and wanting work, from a registered poverty household.",
    population: "POVERTY_LABOURER",
    rule: povertyLabourer,
    minReferrals: 0,
    mentorEligible: false,
  },
  {
    code: "PL_WILLING_TO_RELOCATE",
    name: "有转移就业意愿的建档立卡贫困劳动力",
    description: "Poverty labourers willing to move for work: at least one fitting posting pushed to each.",
    population: "POVERTY_LABOURER",
    rule: { and: [povertyLabourer, isTrue("intention.willingToRelocate")] },
    minReferrals: 1,
    mentorEligible: false,
  },
];

/** The SQL of the policy migration (run once when these definitions first land). */
export function policySql(): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const lines = [
    "-- Policy data: the 2020 campaign and its target categories (version 1). Generated by seed/policy.ts.",
    `INSERT INTO "campaigns" ("id", "code", "name", "cohort_year", "starts_on", "ends_on", "active") VALUES (gen_random_uuid(), ${q(CAMPAIGN_2020.code)}, ${q(CAMPAIGN_2020.name)}, ${CAMPAIGN_2020.cohortYear}, ${q(CAMPAIGN_2020.startsOn)}, ${q(CAMPAIGN_2020.endsOn)}, true);`,
    "--> statement-breakpoint",
    'INSERT INTO "target_categories" ("id", "code", "version", "name", "description", "population", "rule", "min_referrals", "mentor_eligible", "valid_from", "created_by") VALUES',
    CATEGORIES_2020.map(
      (c) =>
        `(gen_random_uuid(), ${q(c.code)}, 1, ${q(c.name)}, ${q(c.description)}, '${c.population}', ${q(JSON.stringify(c.rule))}::jsonb, ${c.minReferrals}, ${c.mentorEligible}, '2020-10-01', 'migration')`,
    ).join(",\n") + ";",
    "--> statement-breakpoint",
    "-- The audit log is append-only (PIPL): no UPDATE, DELETE or TRUNCATE.",
    `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;`,
    "--> statement-breakpoint",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
    "--> statement-breakpoint",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();",
    "",
  ];
  return lines.join("\n");
}
