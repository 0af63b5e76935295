/**
 * Synonym groups for common job terms: a search for any word of a group finds the others. Data,
 * not logic — both engines are given the same groups (Meilisearch as its `synonyms` setting, the
 * embedded engine by expanding the query).
 */
export const SYNONYM_GROUPS: string[][] = [
  ["会计", "财务", "出纳", "记账"],
  ["程序员", "开发工程师", "软件工程师", "研发工程师"],
  ["前端", "web前端", "前端开发"],
  ["测试", "软件测试", "测试工程师", "qa"],
  ["护士", "护理"],
  ["教师", "老师", "讲师"],
  ["销售", "业务员", "营销"],
  ["客服", "客户服务"],
  ["司机", "驾驶员"],
  ["普工", "操作工", "生产工人"],
  ["保洁", "保洁员", "清洁工"],
  ["厨师", "厨工"],
  ["电商", "电子商务", "网店运营"],
  ["行政", "文员", "行政助理"],
  ["人力资源", "hr", "人事"],
];

/** Each word's group, both ways, as Meilisearch's synonyms setting expects. */
export function synonymMap(groups: string[][] = SYNONYM_GROUPS): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const group of groups) for (const word of group) map[word] = group.filter((w) => w !== word);
  return map;
}

/** A query's tokens with each token's synonyms added (for an engine without a synonym setting). */
export function expandSynonyms(tokens: string[], groups: string[][] = SYNONYM_GROUPS): string[] {
  const map = synonymMap(groups);
  const out = new Set(tokens);
  for (const t of tokens) for (const s of map[t] ?? []) out.add(s);
  return [...out];
}
