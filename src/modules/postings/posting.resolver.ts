import type { FieldNode, GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { countEngineCall } from "../../graphql/engine-calls.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { Employer } from "../employers/employer.type.js";
import { Region } from "../regions/region.type.js";
import { CreatePostingInput, PartnerPostingInput, PostingFilter, PostingSort, UpdatePostingInput } from "./posting.inputs.js";
import {
  blockPosting,
  closePosting,
  createPosting,
  getPosting,
  listVisiblePostings,
  publishPosting,
  unblockPosting,
  updatePosting,
} from "./posting.service.js";
import { canManagePosting } from "./posting.access.js";
import { upsertPartnerPostings } from "./posting-partner.service.js";
import { approvePosting, postingEmployerVerified } from "./posting-review.service.js";
import { postings, type PostingRow } from "./posting.table.js";
import { JobPosting, PartnerUpsertResult, UpsertOutcome } from "./posting.type.js";
import { selectedFieldNames, selectedFieldNamesAt } from "../../graphql/selection.js";
import { postingColumnsFor } from "./posting.columns.js";
import { employerColumnsFor, type EmployerColumn } from "../employers/employer.columns.js";
import { PostingSearchFilterInput, SearchSort } from "./posting-search.inputs.js";
import { searchPublicPostings } from "./posting-search.service.js";
import { PostingSearchConnection } from "./posting-search.type.js";
import { nodeType } from "../../graphql/node.js";
import { canSee } from "./posting.access.js";

export const PostingConnection = connectionType("JobPosting", JobPosting);

nodeType("JobPosting", { rootField: "Query.posting", table: postings, // As getPosting, through the request's loader: `nodes` of many postings is one statement.
  fetch: async (ctx, id) => {
    const posting = await ctx.loaders.postingById.load(id);
    return posting && canSee(ctx.viewer, posting) ? posting : null;
  },
});

@Resolver(() => JobPosting)
export class PostingResolver {
  @Query(() => JobPosting, { nullable: true, description: "A posting; drafts and blocked ones only for those who manage them." })
  posting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Ctx() ctx: Context) {
    return getPosting(ctx.db, ctx.viewer, id);
  }

  @Query(() => PostingConnection, { description: "Postings, newest first (or by update: `sort`). OPEN only unless `filter.status` says otherwise." })
  postings(
    @Arg("filter", () => PostingFilter, { nullable: true, description: "Narrow the list (default: OPEN postings everywhere)." }) filter: PostingFilter | null,
    @Arg("sort", () => PostingSort, { nullable: true, description: "The order (default NEWEST). UPDATED: oldest change first, for a partner's resync with `filter.updatedSince`." }) sort: PostingSort | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    // Each posting's columns as far as the selected fields need them.
    return listVisiblePostings(ctx.db, ctx.viewer, filter, page, sort ?? PostingSort.NEWEST, postingColumnsFor(selectedFieldNamesAt(info, ["edges", "node"])));
  }

  @Query(() => PostingSearchConnection, {
    description: "Full-text search over open postings (Chinese segmented with jieba; synonyms), for the portal and partner sites. Public fields only.",
  })
  searchPostings(
    @Arg("query", () => String, { nullable: true, description: "Words to look for: a posting holds every one of them, or a synonym of it. Never parsed as a filter." }) query: string | null,
    @Arg("filter", () => PostingSearchFilterInput, { nullable: true, description: "Structured filters, applied to the words' matches." }) filter: PostingSearchFilterInput | null,
    @Arg("sort", () => SearchSort, { nullable: true, description: "The order (default: RELEVANCE with a query, NEWEST without)." }) sort: SearchSort | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    countEngineCall(ctx.engineCalls);
    // Totals and facets cost the engine every match: computed only when the query asks for them.
    const selected = selectedFieldNames(info);
    return searchPublicPostings(
      { db: ctx.db, search: ctx.search, countEngineCall: () => countEngineCall(ctx.engineCalls), loadPostings: (ids) => ctx.loaders.postingById.loadMany(ids).then((r) => r.map((x) => (x instanceof Error ? null : x))) },
      { query, filter, sort, page, want: { totalCount: selected.has("totalCount"), facets: selected.has("facets") } },
    );
  }

  @Authorized(Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, { description: "Create a DRAFT posting." })
  createPosting(@Arg("input", () => CreatePostingInput, { description: "The posting." }) input: CreatePostingInput, @Ctx() ctx: Context) {
    return createPosting(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, { description: "Change a posting's fields (those who manage it; not a BLOCKED one)." })
  updatePosting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Arg("input", () => UpdatePostingInput, { description: "The fields to change." }) input: UpdatePostingInput, @Ctx() ctx: Context) {
    return updatePosting(ctx.db, ctx.viewer, id, input);
  }

  @Authorized(Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, { description: "DRAFT, CLOSED or EXPIRED → OPEN. Optionally sets a new validUntil." })
  publishPosting(
    @Arg("id", () => ID, { description: "The posting's id." }) id: string,
    @Arg("validUntil", () => Date, { nullable: true, description: "A new end date (must be in the future)." }) validUntil: Date | null,
    @Ctx() ctx: Context,
  ) {
    return publishPosting(ctx.db, ctx.viewer, id, validUntil);
  }

  @Authorized(Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, { description: "Close a posting (a DRAFT is discarded; closing twice is harmless; a BLOCKED one is CONFLICT): its open referrals end (POSTING_CLOSED) and it leaves every fair booth." })
  closePosting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Ctx() ctx: Context) {
    return closePosting(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => JobPosting, { description: "Withdraw a false or discriminatory posting (虚假招聘、就业歧视)." })
  blockPosting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Arg("reason", () => String, { description: "Why, for the record (shown to those who manage the posting)." }) reason: string, @Ctx() ctx: Context) {
    return blockPosting(ctx.db, ctx.viewer, id, reason);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => JobPosting, { description: "BLOCKED → DRAFT." })
  unblockPosting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Ctx() ctx: Context) {
    return unblockPosting(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, {
    description:
      "Release a held posting (PENDING_REVIEW → OPEN): a caseworker whose region holds it, or an administrator; audited. Not held: CONFLICT; closed by its partner while held: CONFLICT; past validUntil: BAD_USER_INPUT. A later re-push that changes it while its employer is still unlinked holds it again.",
  })
  approvePosting(@Arg("id", () => ID, { description: "The posting's id." }) id: string, @Ctx() ctx: Context) {
    return approvePosting(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.PARTNER)
  @Mutation(() => PartnerUpsertResult, {
    description: "Push a batch of postings; idempotent by (partner, externalId). One result per item: bad items are reported, good ones land.",
  })
  async upsertPartnerPostings(
    // Validated per item by the service, so that one bad item does not refuse the batch.
    @Arg("postings", () => [PartnerPostingInput], { validate: false, description: "The postings, at most MAX_PARTNER_BATCH (500 by default) per call." }) items: PartnerPostingInput[],
    @Ctx() ctx: Context,
  ) {
    const results = await upsertPartnerPostings(ctx.db, ctx.viewer, items, { maxBatch: ctx.config.maxPartnerBatch, log: ctx.log });
    const count = (outcome: UpsertOutcome) => results.filter((r) => r.outcome === outcome).length;
    return {
      created: count(UpsertOutcome.CREATED),
      updated: count(UpsertOutcome.UPDATED),
      unchanged: count(UpsertOutcome.UNCHANGED),
      rejected: count(UpsertOutcome.REJECTED),
      items: results,
    };
  }

  @FieldResolver(() => Employer, { description: "The employer offering the job." })
  employer(@Root() posting: PostingRow, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const columns = employerColumnsAt(info);
    return columns ? ctx.loaders.employerColumnsById(columns).load(posting.employerId) : ctx.loaders.employerById.load(posting.employerId);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether the employer named on it is verified for this posting: true only when an official verified the employer and the posting is the employer's own (source EMPLOYER) or its partner site is linked to the employer. A partner's copy never borrows the employer's verification.",
  })
  employerVerified(@Root() posting: PostingRow, @Ctx() ctx: Context) {
    return postingEmployerVerified(ctx.loaders, posting);
  }

  @FieldResolver(() => Region, { description: "The county where the work is." })
  region(@Root() posting: PostingRow, @Ctx() ctx: Context) {
    return ctx.loaders.regionOf(posting.regionCode);
  }

  @FieldResolver(() => String, { nullable: true, description: "Why an administrator blocked it; only for those who manage the posting." })
  blockedReason(@Root() posting: PostingRow, @Ctx() ctx: Context) {
    return canManagePosting(ctx.viewer, posting) ? posting.blockedReason : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The partner's own id; only for that partner and administrators." })
  externalId(@Root() posting: PostingRow, @Ctx() ctx: Context) {
    const v = ctx.viewer;
    const mayRead = (v.kind === "partner" && v.partnerId === posting.partnerId) || (v.kind === "user" && v.role === Role.ADMIN);
    return mayRead ? posting.externalId : null;
  }
}

/** The employer columns a request's `employer { … }` reads (null: the whole row), worked out once per field of the request, not per posting. */
const employerColumnsOf = new WeakMap<readonly FieldNode[], EmployerColumn[] | null>();
function employerColumnsAt(info: GraphQLResolveInfo): EmployerColumn[] | null {
  let columns = employerColumnsOf.get(info.fieldNodes);
  if (columns === undefined) employerColumnsOf.set(info.fieldNodes, (columns = employerColumnsFor(selectedFieldNames(info)) ?? null));
  return columns;
}
