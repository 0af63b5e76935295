import { Arg, Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars.js";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { campaignReportLinks } from "./report.service.js";

@ObjectType({ description: "One sheet of a campaign's report as CSV." })
export class ReportSheetLink {
  @Field({ description: "summary, prefecture, county, institution, category, below, mentors or fairs." }) sheet!: string;
  @Field({ description: "The sheet's Chinese title (as in the workbook)." }) title!: string;
  @Field({ description: "A path on this server: GET it (no header needed) until expiresAt." }) url!: string;
}

@ObjectType({ description: "Signed links to a campaign's report, for a browser: each opens the report you would get with your token, until it expires." })
export class CampaignReportLinks {
  @Field({ description: "The page of charts (HTML, printable to A4)." }) page!: string;
  @Field({ description: "The whole workbook (.xlsx)." }) xlsx!: string;
  @Field(() => [ReportSheetLink]) csv!: ReportSheetLink[];
  @Field(() => DateTimeISO) expiresAt!: Date;
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
    @Arg("campaignId", () => ID) campaignId: string,
    @Arg("region", () => String, { nullable: true, description: "Narrow the report to a region prefix (a caseworker's within their own region)." }) region: string | null,
    @Ctx() ctx: Context,
  ) {
    return campaignReportLinks(ctx.db, { jwtSecret: ctx.config.auth.jwtSecret, ttlSeconds: ctx.config.reports.linkTtlSeconds }, ctx.viewer, campaignId, region ?? null);
  }
}
