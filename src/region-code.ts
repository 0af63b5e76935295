/**
 * Region codes (GB/T 2260, six digits) and region-code prefixes (2 digits: a province, 4: a
 * prefecture, 6: a county). One parser for every place that accepts a prefix: GraphQL inputs, token
 * claims, search filters and SQL scopes.
 */
const PREFIX = /^(\d{2}|\d{4}|\d{6})$/;

/** 35, 3501 or 350102 — a province, prefecture or county as a prefix of region codes. */
export function isRegionPrefix(value: unknown): value is string {
  return typeof value === "string" && PREFIX.test(value);
}

/** A region code as the prefix it stands for: 350000 → 35, 350100 → 3501, 350102 → 350102. */
export function prefixOfRegionCode(code: string): string {
  return code.endsWith("0000") ? code.slice(0, 2) : code.endsWith("00") ? code.slice(0, 4) : code;
}

export const REGION_PREFIX_RULE = "A region code prefix is 2, 4 or 6 digits (35, 3501, 350102)";
