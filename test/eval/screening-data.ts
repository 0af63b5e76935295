import { readFileSync } from "node:fs";
import { join } from "node:path";
import { v5 as uuidv5 } from "uuid";
import { parse51jobCsv, type Parsed51jobPosting } from "../../seed/51job/posting-parser.js";
import { parseRegionsCsv } from "../../seed/51job/region-parser.js";
import { SEED_SCREENING_RULES, type SeedScreeningRule } from "../../seed/screening-rules.js";
import { migrationsFolder, seedDataFolder } from "../../src/paths.js";
import type { OccupationSalary } from "../../src/modules/screening/screening-rules.js";
import type { ScreeningRuleRow } from "../../src/modules/screening/screening.table.js";

/**
 * The screening data's one source of truth is migrations/0038_screening.sql (what the database gets):
 * its `-- [engine]` block holds the seed rules (from seed/screening-rules.ts) and the occupation salary
 * references (computed here from the 51job postings). `npx tsx test/eval/screening-salaries.ts --write`
 * renders the block; the eval reads the rules back from the SQL (`readMigrationScreeningData`).
 */
export const MIGRATION_FILE = join(migrationsFolder, "0038_screening.sql");
const BLOCK_START = "-- [engine]";
const BLOCK_END = "-- [/engine]";
const CREATED_BY = "migration:0038";
const RULE_ID_NAMESPACE = "5d0b8f1e-3c2a-4e57-9d3b-2f1a0c4e6b23";

/**
 * Occupation words whose pay the salary rule compares against: the common occupation words of the
 * 51job titles and of Fujian's postings (a keyword is matched as a substring of the occupation or title).
 */
export const SALARY_KEYWORDS = [
  "会计", "出纳", "财务", "审计", "司机", "驾驶员", "销售", "客服", "软件", "开发", "工程师", "测试", "运维", "算法", "数据分析",
  "数据", "前端", "后端", "java", "python", "嵌入式", "硬件", "普工", "操作工", "技术员", "护士", "医生", "教师", "老师",
  "讲师", "助教", "文员", "行政", "人事", "厨师", "服务员", "保安", "电工", "设计", "运营", "产品经理", "项目经理", "经理", "总监",
  "架构师", "研究员", "实习", "助理", "专员", "顾问", "分析师", "爬虫", "大数据", "人工智能", "深度学习", "机器学习", "视觉", "图像",
];
/** Fewer postings than this give no reference (a 90th percentile of three figures says little). */
export const SALARY_MIN_SAMPLE = 5;

export function load51jobPostings(): Parsed51jobPosting[] {
  const regions = parseRegionsCsv(readFileSync(join(seedDataFolder, "regions-cn-2023.csv"), "utf8"));
  return parse51jobCsv(readFileSync(join(seedDataFolder, "postings-51job-2023.csv"), "utf8"), regions).postings;
}

/** For each keyword: the 90th percentile (nearest rank) of monthly salaryMax among the postings whose title holds it. */
export function computeOccupationSalaries(postings: readonly Parsed51jobPosting[]): (OccupationSalary & { sample: number })[] {
  const out: (OccupationSalary & { sample: number })[] = [];
  for (const keyword of SALARY_KEYWORDS) {
    const maxima = postings.filter((p) => p.title.toLowerCase().includes(keyword)).map((p) => p.salaryMax).sort((a, b) => a - b);
    if (maxima.length < SALARY_MIN_SAMPLE) continue;
    out.push({ keyword, p90Max: maxima[Math.ceil(maxima.length * 0.9) - 1]!, sample: maxima.length });
  }
  return out;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function renderEngineBlock(rules: readonly SeedScreeningRule[], salaries: readonly (OccupationSalary & { sample: number })[]): string {
  const ruleRows = rules.map(
    (r) =>
      `(${quote(uuidv5(`screening_rules:${r.code}:1`, RULE_ID_NAMESPACE))}, ${quote(r.code)}, 1, ${quote(r.description)}, ${quote(r.severity)}, ${quote(JSON.stringify(r.matcher))}::jsonb, true, ${quote(CREATED_BY)})`,
  );
  const salaryRows = salaries.map((s) => `(${quote(s.keyword)}, ${s.p90Max}, ${s.sample})`);
  return [
    `${BLOCK_START} The seed screening rules (seed/screening-rules.ts) and the occupation salary references (the 90th percentile of`,
    `-- monthly salaryMax among the 51job postings whose title holds the keyword, ${SALARY_MIN_SAMPLE}+ postings). Generated: npx tsx test/eval/screening-salaries.ts --write`,
    `INSERT INTO "screening_rules" ("id", "code", "version", "description", "severity", "matcher", "active", "created_by") VALUES`,
    `${ruleRows.join(",\n")};`,
    "--> statement-breakpoint",
    `INSERT INTO "occupation_salaries" ("keyword", "p90_max", "sample") VALUES`,
    `${salaryRows.join(",\n")};`,
    BLOCK_END,
  ].join("\n");
}

/** The migration text with the engine block replaced (or appended after a statement breakpoint). */
export function withEngineBlock(migration: string, block: string): string {
  const start = migration.indexOf(BLOCK_START);
  if (start >= 0) {
    const end = migration.indexOf(BLOCK_END, start);
    if (end < 0) throw new Error(`${MIGRATION_FILE}: ${BLOCK_START} without ${BLOCK_END}`);
    return migration.slice(0, start) + block + migration.slice(end + BLOCK_END.length);
  }
  return `${migration.trimEnd()}--> statement-breakpoint\n${block}\n`;
}

export function currentEngineBlock(): string {
  return renderEngineBlock(SEED_SCREENING_RULES, computeOccupationSalaries(load51jobPostings()));
}

const RULE_ROW = /^\('([0-9a-f-]{36})', '([A-Z0-9_]+)', (\d+), '((?:[^']|'')*)', '(HIGH|LOW)', '((?:[^']|'')*)'::jsonb, (true|false), '((?:[^']|'')*)'\)[,;]$/;
const SALARY_ROW = /^\('((?:[^']|'')*)', (\d+), (\d+)\)[,;]$/;
const unquote = (text: string) => text.replace(/''/g, "'");

/** The rules and salary references exactly as the migration inserts them. */
export function readMigrationScreeningData(sqlText = readFileSync(MIGRATION_FILE, "utf8")): { rules: ScreeningRuleRow[]; salaries: OccupationSalary[] } {
  const start = sqlText.indexOf(BLOCK_START);
  const end = sqlText.indexOf(BLOCK_END, start);
  if (start < 0 || end < 0) throw new Error(`${MIGRATION_FILE}: no ${BLOCK_START} block`);
  const rules: ScreeningRuleRow[] = [];
  const salaries: OccupationSalary[] = [];
  for (const line of sqlText.slice(start, end).split("\n")) {
    const rule = RULE_ROW.exec(line);
    if (rule !== null) {
      const [, id, code, version, description, severity, matcher, active, createdBy] = rule;
      rules.push({
        id: id!, code: code!, version: Number(version), description: unquote(description!), severity: severity!,
        matcher: JSON.parse(unquote(matcher!)) as unknown, active: active === "true", createdAt: new Date(0), createdBy: unquote(createdBy!),
      });
      continue;
    }
    const salary = SALARY_ROW.exec(line);
    if (salary !== null) salaries.push({ keyword: unquote(salary[1]!), p90Max: Number(salary[2]) });
  }
  return { rules, salaries };
}
