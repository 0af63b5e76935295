import { msg, type Message } from "../../i18n.js";

/** The two populations the policy serves (target categories belong to one); people in neither are "others". */
export type MatchPopulation = "KEY_GROUP_GRADUATE" | "POVERTY_LABOURER";
export const MATCH_POPULATIONS: readonly MatchPopulation[] = ["KEY_GROUP_GRADUATE", "POVERTY_LABOURER"];

/**
 * The matching policy's rules beside its weights (policy data, versioned with them): where a person
 * who does not want to move for work will commute, how far a boost may reorder, how near-duplicates fold.
 */
export interface MatchRules {
  /**
   * How far (km, from the home county by the region coordinates) a person of a population who does
   * not want to move for work and states no intention region commutes — the 2018 plan's 就近就地.
   * A population without an entry (and people in no population) are offered their household and
   * origin prefectures instead; a person in several populations gets the widest.
   */
  commuteRadii: { population: MatchPopulation; km: number }[];
  /**
   * The margin of fit within which a boost (key group, workshop, headcount) may reorder postings:
   * the boosts together add at most this much, so a posting whose fit is better by more than it
   * always stays above.
   */
  boostMargin: number;
  /**
   * Each further near-duplicate of a posting already listed — the same title in the same county, or
   * the same title from the same employer — is multiplied by this (below the employer damping):
   * copies fold so they cannot fill the top of a list.
   */
  nearDuplicateDamping: number;
}

/** The rules of the matching policy's first versions (migration 0039 writes the same). */
export const DEFAULT_MATCH_RULES: MatchRules = {
  commuteRadii: [{ population: "POVERTY_LABOURER", km: 30 }],
  boostMargin: 0.02,
  nearDuplicateDamping: 0.5,
};

/** The bounds an official may set (the table's check says the same). */
export const RULE_BOUNDS = { radiusKm: [1, 300], boostMargin: [0, 0.2], nearDuplicateDamping: [0.05, 1] } as const;

/** Every problem with a set of rules, by field (under `rules.`). */
export function ruleProblems(rules: MatchRules): { field: string; message: Message }[] {
  const problems: { field: string; message: Message }[] = [];
  const [minKm, maxKm] = RULE_BOUNDS.radiusKm;
  const seen = new Set<string>();
  rules.commuteRadii.forEach((r, i) => {
    if (!MATCH_POPULATIONS.includes(r.population)) problems.push({ field: `rules.commuteRadii.${i}.population`, message: msg(`未知的人群 ${r.population}`, `Unknown population ${r.population}`) });
    else if (seen.has(r.population)) problems.push({ field: `rules.commuteRadii.${i}.population`, message: msg(`${r.population} 的通勤半径重复`, `${r.population} has two commuting radii`) });
    seen.add(r.population);
    if (!Number.isInteger(r.km) || r.km < minKm || r.km > maxKm)
      problems.push({
        field: `rules.commuteRadii.${i}.km`,
        message: msg(`通勤半径须为 ${minKm} 至 ${maxKm} 公里之间的整数（只限本县时不设半径之外的人群，本县始终可接受）`, `A commuting radius is a whole number of km from ${minKm} to ${maxKm} (the person's own county is always acceptable)`),
      });
  });
  const [minMargin, maxMargin] = RULE_BOUNDS.boostMargin;
  if (!Number.isFinite(rules.boostMargin) || rules.boostMargin < minMargin || rules.boostMargin > maxMargin)
    problems.push({ field: "rules.boostMargin", message: msg(`boostMargin 是加分可调整排序的匹配度差距，须在 ${minMargin} 至 ${maxMargin} 之间`, `boostMargin is the fit margin a boost may reorder within, from ${minMargin} to ${maxMargin}`) });
  const [minDamping, maxDamping] = RULE_BOUNDS.nearDuplicateDamping;
  if (!Number.isFinite(rules.nearDuplicateDamping) || rules.nearDuplicateDamping < minDamping || rules.nearDuplicateDamping > maxDamping)
    problems.push({ field: "rules.nearDuplicateDamping", message: msg(`nearDuplicateDamping 须在 ${minDamping} 至 ${maxDamping} 之间`, `nearDuplicateDamping is from ${minDamping} to ${maxDamping}`) });
  return problems;
}

/** The commuting radius (km) for a person of these populations, or null: no radius (their prefectures). The widest of their populations'. */
export function commuteRadiusFor(rules: MatchRules, populations: ReadonlySet<string>): number | null {
  if (populations.size === 0) return null;
  let widest = 0;
  for (const p of populations) {
    const r = rules.commuteRadii.find((c) => c.population === p);
    if (!r) return null; // a population offered its prefectures: the widest there is
    widest = Math.max(widest, r.km);
  }
  return widest;
}
