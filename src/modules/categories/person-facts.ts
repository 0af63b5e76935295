import { serviceToday } from "../../dates.js";
import type { CampaignRow } from "./category.table.js";

/** What a category rule may read about a person (the names rules use with `{"var": …}`). */
export interface PersonFactsInput {
  birthDate: string;
  gender: "MALE" | "FEMALE";
  householdRegionCode: string;
  originRegionCode: string;
  registeredPoverty: boolean;
  minimumLiving: boolean;
  zeroEmployment: boolean;
  disabled: boolean;
  institutionId: string | null;
  graduationDate: string | null;
  leaveSchoolDate: string | null;
  employmentStatus: string;
  employmentStatusSince: string;
  ableToWork: boolean;
  seekingWork: boolean;
  intentionRegionCodes: string[];
  willingToRelocate: boolean;
  openToLabourCooperation: boolean;
}

export interface FactsContext {
  asOf: Date;
  campaign: CampaignRow | null;
  poverty52: ReadonlySet<string>;
  institutionRegion: (institutionId: string) => { regionCode: string; kind: string } | undefined;
}

const regionFacts = (code: string) => ({ county: code, prefecture: code.slice(0, 4), province: code.slice(0, 2) });

function wholeYearsBetween(from: string, to: Date): number {
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  let years = to.getUTCFullYear() - y;
  if (to.getUTCMonth() + 1 < m || (to.getUTCMonth() + 1 === m && to.getUTCDate() < d)) years--;
  return years;
}

function wholeMonthsBetween(from: string, to: Date): number {
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  let months = (to.getUTCFullYear() - y) * 12 + (to.getUTCMonth() + 1 - m);
  if (to.getUTCDate() < d) months--;
  return months;
}

/** The facts of one person as of `ctx.asOf`: plain data, so rules stay data and never reach code. */
export function personFacts(p: PersonFactsInput, ctx: FactsContext) {
  // Fujian's date (not UTC's: from midnight to 8 a.m. there, UTC is still on the day before).
  const asOfDay = serviceToday(ctx.asOf);
  const asOfDate = new Date(`${asOfDay}T00:00:00Z`);
  const institution = p.institutionId ? ctx.institutionRegion(p.institutionId) : undefined;
  const left = p.leaveSchoolDate !== null && p.leaveSchoolDate <= asOfDay;
  const intentionProvinces = [...new Set(p.intentionRegionCodes.map((c) => c.slice(0, 2)))];
  return {
    age: wholeYearsBetween(p.birthDate, asOfDate),
    gender: p.gender,
    household: {
      ...regionFacts(p.householdRegionCode),
      registeredPoverty: p.registeredPoverty,
      minimumLiving: p.minimumLiving,
      zeroEmployment: p.zeroEmployment,
      disabled: p.disabled,
    },
    origin: { ...regionFacts(p.originRegionCode), poverty52: ctx.poverty52.has(p.originRegionCode) },
    institution: institution ? { ...regionFacts(institution.regionCode), kind: institution.kind } : null,
    isGraduate: institution !== undefined && p.graduationDate !== null,
    graduationYear: p.graduationDate ? Number(p.graduationDate.slice(0, 4)) : null,
    leftSchool: left,
    monthsSinceLeavingSchool: left ? wholeMonthsBetween(p.leaveSchoolDate!, asOfDate) : null,
    employmentStatus: p.employmentStatus,
    unemployed: p.employmentStatus === "UNEMPLOYED",
    ableToWork: p.ableToWork,
    seekingWork: p.seekingWork,
    intention: {
      provinces: intentionProvinces,
      fujian: intentionProvinces.includes("35"),
      willingToRelocate: p.willingToRelocate,
      openToLabourCooperation: p.openToLabourCooperation,
    },
    campaign: ctx.campaign ? { code: ctx.campaign.code, cohortYear: ctx.campaign.cohortYear } : null,
  };
}

export type PersonFacts = ReturnType<typeof personFacts>;

/**
 * The date categories are decided at: today, held inside the active campaign's window (a past
 * campaign is judged as at its end, a future one as at its start).
 */
export function evaluationDate(campaign: CampaignRow | null, today = new Date()): Date {
  if (!campaign) return today;
  // The campaign's days are Fujian's.
  const start = new Date(`${campaign.startsOn}T00:00:00+08:00`);
  const end = new Date(`${campaign.endsOn}T23:59:59+08:00`);
  return today < start ? start : today > end ? end : today;
}
