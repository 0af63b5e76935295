import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../db/parse-id.js";
import { PageArgs } from "../../graphql/relay.js";
import { checkFirst, keysetOf, pageFromRows } from "../../pagination.js";
import { Role } from "../../auth/viewer.js";
import { forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { Context } from "../../graphql/context.js";
import { Person } from "../people/person.type.js";
import { Campaign } from "../categories/campaign.type.js";
import type { PersonRow } from "../people/person.table.js";
import { JobPosting } from "../postings/posting.type.js";
import type { PostingRow } from "../postings/posting.table.js";
import { personApplied } from "./referral-rules.js";
import { recommendPostings, updateReferralStatus } from "./referral.service.js";
import type { ReferralRow } from "./referral.table.js";
import { referralCompliance } from "./referral-compliance.js";
import { BelowMinimum, BelowMinimumConnection, RecommendResult, Referral, ReferralCandidate, ReferralCompliance, ReferralComplianceFilter, ReferralEvent, ReferralProgress, ReferralSource, ReferralStatus } from "./referral.type.js";

const isEmployer = (ctx: Context) => ctx.viewer.kind === "user" && ctx.viewer.role === Role.EMPLOYER;

@Resolver(() => Referral)
export class ReferralResolver {
  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => [RecommendResult], {
    description: "Recommend postings to a person (at most 20): one result per posting — recorded, or refused on its own (NOT_FOUND, BAD_USER_INPUT with the reason it does not fit, CONFLICT if already referred).",
  })
  recommendPostings(
    @Arg("personId", () => ID, { description: "The person's id." }) personId: string,
    @Arg("postingIds", () => [ID], { description: "The postings (at most 20)." }) postingIds: string[],
    @Arg("note", () => String, { nullable: true, description: "A note for the record (optional)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return recommendPostings(ctx.db, ctx.viewer, { personId, postingIds, note });
  }

  @Authorized()
  @Mutation(() => Referral, {
    description: "Move a referral along its funnel. Caseworkers: any legal step; the seeker (own referrals) and the partner that made it: VIEWED, APPLIED; the posting's employer: INTERVIEWED, OFFERED, HIRED, DECLINED. HIRED records the person's employment.",
  })
  updateReferralStatus(
    @Arg("referralId", () => ID, { description: "The referral's id." }) referralId: string,
    @Arg("status", () => ReferralStatus, { description: "The status to move to." }) status: ReferralStatus,
    @Arg("note", () => String, { nullable: true, description: "A note for the step (optional)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return updateReferralStatus(ctx.db, ctx.viewer, { referralId, status, note });
  }

  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Query(() => ReferralCompliance, { description: "Referral minimums within your scope: totals, and the people still below with what they lack." })
  async referralCompliance(
    @Arg("filter", () => ReferralComplianceFilter, { nullable: true, description: "Some of the people within your scope; omitted: all of them." }) filter: ReferralComplianceFilter | null,
    @Arg("campaignId", () => ID, { nullable: true, description: "Default: the only ACTIVE campaign, or with several the key-group graduate one." }) campaignId: string | null,
    @Arg("first", () => Int, { defaultValue: 50, deprecationReason: "Page `belowPeople` instead (a connection).", description: "The size of the deprecated `below` page, 1–100." }) first: number,
    @Arg("after", () => ID, { nullable: true, deprecationReason: "Page `belowPeople` instead (a connection).", description: "The deprecated `below` page starts after this person id (`nextCursor`)." }) after: string | null,
    @Ctx() ctx: Context,
  ) {
    checkFirst(first);
    const legacyPage = { first, after: after ? parseId(after, "after") : null };
    return { ...(await referralCompliance(ctx.db, ctx.viewer, filter ?? {}, campaignId)), legacyPage };
  }

  @FieldResolver(() => JobPosting, { description: "The posting recommended." })
  async posting(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    return ctx.loaders.postingById.load(referral.postingId);
  }

  @FieldResolver(() => ReferralCandidate, { description: "The person as an employer may see them." })
  async candidate(@Root() referral: ReferralRow, @Ctx() ctx: Context): Promise<ReferralCandidate> {
    // Every path that hands an employer a referral checks this already; the name is checked again here.
    if (isEmployer(ctx) && !personApplied(await ctx.loaders.referralEvents.load(referral.id))) throw notFound("Referral", referral.id);
    const person = (await ctx.loaders.personById.load(referral.personId))!;
    return { name: person.name, degreeLevel: person.degreeLevel, major: person.major };
  }

  @FieldResolver(() => [ReferralEvent], { description: "Every step, oldest first. For employers: the statuses and times only." })
  async events(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    const events = await ctx.loaders.referralEvents.load(referral.id);
    // Notes are free text and `by` names caseworkers and campaigns: not for employers.
    return isEmployer(ctx) ? events.map((e) => ({ ...e, by: "", note: null })) : events;
  }

  @FieldResolver(() => ReferralSource, { nullable: true })
  source(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    return isEmployer(ctx) ? null : referral.source;
  }

  @FieldResolver(() => String, { nullable: true })
  madeBy(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    return isEmployer(ctx) ? null : referral.madeBy;
  }

  @FieldResolver(() => Boolean, { nullable: true })
  fitted(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    return isEmployer(ctx) ? null : referral.fitted;
  }

  @FieldResolver(() => String, { nullable: true })
  note(@Root() referral: ReferralRow, @Ctx() ctx: Context) {
    return isEmployer(ctx) ? null : referral.note;
  }
}

@Resolver(() => Person)
export class PersonReferralResolver {
  @FieldResolver(() => [Referral], { description: "Postings recommended to this person, oldest first." })
  referrals(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.referralsForPerson.load(person.id);
  }

  @FieldResolver(() => [ReferralProgress], {
    description: "The person's referral minimum in a campaign and how far they are from it: the campaign named, or every ACTIVE campaign the person has a minimum in (one referral can count in several).",
  })
  async referralProgress(@Root() person: PersonRow, @Arg("campaignId", () => ID, { nullable: true, description: "Only this campaign (default: every ACTIVE campaign the person has a minimum in)." }) campaignId: string | null, @Ctx() ctx: Context): Promise<Omit<ReferralProgress, "campaign">[]> {
    const campaign = campaignId ? parseId(campaignId, "campaignId") : "";
    const rows = await ctx.loaders.referralProgress.load(`${person.id}|${campaign}`);
    if (campaign && rows.length === 0) throw notFound("Campaign", campaign);
    return rows.map((row) => {
      const remaining = Math.max(0, row.required - row.counted);
      return { campaignId: row.campaignId, required: row.required, counted: row.counted, remaining, met: remaining === 0, deadline: row.deadline };
    });
  }
}

@Resolver(() => JobPosting)
export class PostingReferralResolver {
  @Authorized(Role.EMPLOYER, Role.ADMIN)
  @FieldResolver(() => [Referral], {
    nullable: true,
    description: "Referrals to this posting: administrators all; its employer those whose person has applied (a step the employer recorded itself does not count). People appear as `candidate` (no sensitive fields). Null, with a FORBIDDEN error at this path, for any other caller: the rest of the answer stands.",
  })
  async referrals(@Root() posting: PostingRow, @Ctx() ctx: Context) {
    const viewer = ctx.viewer;
    const all = await ctx.loaders.referralsForPosting.load(posting.id);
    if (!(viewer.kind === "user" && viewer.role === Role.EMPLOYER)) return all;
    if (viewer.employerId !== posting.employerId) throw forbidden(msg("只有发布该岗位的用人单位可以查看其推荐记录", "Only the posting's employer sees its referrals"));
    const events = await ctx.loaders.referralEvents.loadMany(all.map((r) => r.id));
    return all.filter((_, i) => {
      const trail = events[i];
      return Array.isArray(trail) && personApplied(trail);
    });
  }
}

@Resolver(() => ReferralProgress)
export class ReferralProgressResolver {
  @FieldResolver(() => Campaign, { description: "The campaign." })
  campaign(@Root() progress: ReferralProgress, @Ctx() ctx: Context) {
    return ctx.loaders.campaignById.load(progress.campaignId);
  }
}

/** The deprecated `below` page and one row more (whether there is a next page): read once for both fields. */
const legacyRows = (report: ReferralCompliance) => {
  const { first, after } = report.legacyPage;
  return (report.legacyRows ??= report.belowPage({ ...(after ? { afterId: after } : {}), limit: first + 1 }));
};

@Resolver(() => ReferralCompliance)
export class ReferralComplianceResolver {
  @FieldResolver(() => BelowMinimumConnection, { description: "The people still below their minimum, by person id, a page at a time (a Relay connection; `totalCount` is `belowMinimum`)." })
  async belowPeople(@Root() report: ReferralCompliance, @Args(() => PageArgs) page: PageArgs) {
    const keyset = keysetOf(page);
    return pageFromRows(await report.belowPage(keyset), keyset, async () => report.belowMinimum);
  }

  @FieldResolver(() => [BelowMinimum], { deprecationReason: "Use `belowPeople` (a connection: `first`/`after`, `last`/`before`).", description: "The people below, by id, as many as referralCompliance's `first`." })
  async below(@Root() report: ReferralCompliance) {
    return (await legacyRows(report)).slice(0, report.legacyPage.first);
  }

  @FieldResolver(() => ID, { nullable: true, deprecationReason: "Use `belowPeople { pageInfo { endCursor hasNextPage } }`.", description: "Pass as referralCompliance's `after` for the next `below` page; null at the end." })
  async nextCursor(@Root() report: ReferralCompliance) {
    const { first } = report.legacyPage;
    const rows = await legacyRows(report);
    return rows.length > first ? rows[first - 1]!.id : null;
  }
}
