import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { Match } from "../matching/match.type.js";
import { Person } from "../people/person.type.js";
import type { PersonRow } from "../people/person.table.js";
import { fallbackCandidates, fallbackPolicyInForce, placeInFallbackPost, setFallbackPolicy } from "./fallback.service.js";
import { FallbackCandidate, FallbackCandidates, FallbackPlacement, FallbackPolicy } from "./fallback.type.js";

@Resolver(() => FallbackCandidates)
export class FallbackResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FallbackCandidates, { description: "Who the fallback (托底安置) may place in a campaign now, within your scope, each with the public-welfare posts matching's fallback rule offers." })
  async fallbackCandidates(
    @Arg("campaignId", () => ID, { nullable: true, description: "The campaign (default: the one active, or the key-group one)." }) campaignId: string | null,
    @Arg("first", () => Int, { defaultValue: 50, description: "How many people (1–100)." }) first: number,
    @Arg("after", () => ID, { nullable: true, description: "The next page: the candidates after this person id (the last `personId` of the page before; see `hasNextPage`)." }) after: string | null,
    @Ctx() ctx: Context,
  ) {
    const found = await fallbackCandidates(ctx.db, ctx.viewer, campaignId, { first, after });
    const last = found.people.at(-1);
    return { campaignId: found.campaign.id, opensOn: found.opensOn, open: found.open, candidates: found.people, hasNextPage: found.hasNextPage, endCursor: last?.id ?? null };
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FallbackPolicy, { description: "The fallback policy in force." })
  fallbackPolicy(@Ctx() ctx: Context) {
    return fallbackPolicyInForce(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => FallbackPolicy, { description: "A new version of the fallback policy." })
  setFallbackPolicy(
    @Arg("daysBeforeCampaignEnd", () => Int, { description: "Days before a campaign's last day (0–366)." }) days: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "Its first day (default today; not in the past)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setFallbackPolicy(ctx.db, ctx.viewer, days, effectiveFrom);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => FallbackPlacement, { description: "Place a person in a public-welfare post (托底安置): recorded, their status becomes PUBLIC_WELFARE_POST, and the post's subsidies are decided." })
  async placeInFallbackPost(
    @Arg("personId", () => ID, { description: "The person." }) personId: string,
    @Arg("postingId", () => ID, { description: "An OPEN public-welfare post that fits them." }) postingId: string,
    @Arg("campaignId", () => ID, { nullable: true, description: "The campaign it is made in." }) campaignId: string | null,
    @Ctx() ctx: Context,
  ) {
    return (await placeInFallbackPost(ctx.db, ctx.viewer, { personId, postingId, campaignId })).placement;
  }
}

@Resolver(() => FallbackCandidate)
export class FallbackCandidateResolver {
  @FieldResolver(() => Person, { description: "The person." })
  person(@Root() person: PersonRow): PersonRow {
    return person;
  }

  @FieldResolver(() => ID)
  personId(@Root() person: PersonRow): string {
    return person.id;
  }

  @FieldResolver(() => [Match], { description: "The public-welfare posts matching's fallback rule offers them now (none when enough market postings fit them)." })
  async postings(@Root() person: PersonRow, @Ctx() ctx: Context) {
    // The best ten, as Person.matches gives by default: the fallback's posts come after the market's fits.
    const recommendation = await ctx.loaders.recommendations.load({ person, first: 10 });
    return recommendation.items.filter((i) => i.fallback);
  }
}
