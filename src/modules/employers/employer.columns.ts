import type { EmployerRow } from "./employer.table.js";

/** An employer's columns, by name. */
export type EmployerColumn = keyof EmployerRow;

/**
 * The columns each field of Employer reads: its own, or what its resolver needs. A field not named
 * here — another module's (`applicants`, `subsidies` …) — reads the whole row.
 */
const FIELD_COLUMNS: Readonly<Record<string, readonly EmployerColumn[]>> = {
  __typename: [],
  id: ["id"],
  name: ["name"],
  creditCode: ["creditCode"],
  regionCode: ["regionCode"],
  isPovertyWorkshop: ["isPovertyWorkshop"],
  verified: ["verified"],
  createdAt: ["createdAt"],
  region: ["regionCode"],
  postings: ["id"],
};

/**
 * The columns to read of an employer for the Employer fields a request selects (a page of postings
 * naming each one's employer need not read and decode its timestamps); undefined — the whole row —
 * when a field is selected whose needs are not known here. The id is always read.
 */
export function employerColumnsFor(fields: Iterable<string>): EmployerColumn[] | undefined {
  const columns = new Set<EmployerColumn>(["id"]);
  for (const field of fields) {
    const needs = Object.hasOwn(FIELD_COLUMNS, field) ? FIELD_COLUMNS[field] : undefined;
    if (!needs) return undefined;
    for (const column of needs) columns.add(column);
  }
  return [...columns].sort();
}
