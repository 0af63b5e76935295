import { Arg, Authorized, Ctx, Field, ID, ObjectType, Query, registerEnumType, Resolver } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars.js";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import type { SheetKey } from "./report-tables.js";
import { campaignReportLinks } from "./report.service.js";

/** The report's sheets (report-tables.ts); the value is the CSV's `?sheet=` name. */
export enum ReportSheet {
  SUMMARY = "summary",
  PREFECTURE = "prefecture",
  COUNTY = "county",
  INSTITUTION = "institution",
  CATEGORY = "category",
  BELOW = "below",
  MENTORS = "mentors",
  FAIRS = "fairs",
  SUBSIDIES = "subsidies",
}
registerEnumType(ReportSheet, {
  name: "ReportSheet",
  description: "A sheet of a campaign's report (its CSV's `?sheet=` name is the value in lower case).",
  valuesConfig: {
    SUMMARY: { description: "The cover: what the report is of, as of when, for whom, and its totals." },
    PREFECTURE: { description: "Progress per prefecture (生源地)." },
    COUNTY: { description: "Progress per county (生源地)." },
    INSTITUTION: { description: "Progress per institution." },
    CATEGORY: { description: "Progress per target category (a person in several counts in each)." },
    BELOW: { description: "The people still below their referral minimum, one row each." },
    MENTORS: { description: "红娘 mentor coverage per prefecture: eligible, paired, overdue for contact." },
    FAIRS: { description: "Institutions and HR bureaus short of their yearly job-fair target (招聘会未达标单位)." },
    SUBSIDIES: { description: "The campaign's people's subsidy claims per scheme and 生源地 prefecture (frozen when it closed): eligible, applied, approved, recorded paid (counts and yuan), with the total." },
  },
});
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sheetsInSync: SameSet<`${ReportSheet}`, SheetKey> = true;
void sheetsInSync;

@ObjectType({ description: "One sheet of a campaign's report as CSV." })
export class ReportSheetLink {
  @Field(() => ReportSheet, { description: "Which sheet." }) sheet!: SheetKey;
  @Field({ description: "The sheet's Chinese title (as in the workbook)." }) title!: string;
  @Field({ description: "A path on this server: GET it (no header needed) until expiresAt." }) url!: string;
}

@ObjectType({ description: "Signed links to a campaign's report, for a browser: each opens the report you would get with your token, until it expires." })
export class CampaignReportLinks {
  @Field({ description: "The page of charts (HTML, printable to A4)." }) page!: string;
  @Field({ description: "The whole workbook (.xlsx)." }) xlsx!: string;
  @Field(() => [ReportSheetLink], { description: "One link per sheet, as CSV." }) csv!: ReportSheetLink[];
  @Field(() => DateTimeISO, { description: "When the links stop working (REPORT_LINK_TTL_SECONDS after they were made)." }) expiresAt!: Date;
}

@Resolver()
export class ReportResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => CampaignReportLinks, {
    description:
      "Short-lived signed links (REPORT_LINK_TTL_SECONDS) to GET /reports/campaigns/{id} (page), .xlsx and .csv?sheet=, scoped to you. " +
      "With a token in the Authorization header the same paths need no link.",
  })
  campaignReportLinks(
    @Arg("campaignId", () => ID, { description: "The campaign's id." }) campaignId: string,
    @Arg("region", () => String, { nullable: true, description: "Narrow the report to a region prefix (a caseworker's within their own region)." }) region: string | null,
    @Ctx() ctx: Context,
  ) {
    return campaignReportLinks(ctx.db, { jwtSecret: ctx.config.auth.jwtSecret, ttlSeconds: ctx.config.reports.linkTtlSeconds }, ctx.viewer, campaignId, region ?? null);
  }
}
