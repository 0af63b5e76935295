import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { cursorKey } from "./posting-change.cursor.js";
import { PostingChangeFilter } from "./posting-change.inputs.js";
import { postingChangesHead, postingOfChange, readPostingChanges } from "./posting-change.service.js";
import { PostingChange, PostingChangeFeed, type PostingChangeRow } from "./posting-change.type.js";
import { JobPosting } from "./posting.type.js";

@Resolver(() => PostingChange)
export class PostingChangeResolver {
  @Authorized(Role.PARTNER, Role.ADMIN, Role.CASEWORKER)
  @Query(() => PostingChangeFeed, {
    description:
      "The partner change feed: every public posting event (CREATED, UPDATED, CLOSED, EXPIRED, REMOVED) after `after`, in commit order. Partner keys with postings:read, administrators, caseworkers. A cursor older than the log's retention is RESYNC_REQUIRED.",
  })
  postingChanges(
    @Arg("after", () => String, { nullable: true, description: "Read on after this cursor (a page's `endCursor`, an event's `cursor`, or `postingChangesHead`); none: from the oldest event the log still holds." }) after: string | null,
    @Arg("first", () => Int, { nullable: true, description: "How many events, 1–1000 (default 100)." }) first: number | null,
    @Arg("filter", () => PostingChangeFilter, { nullable: true, description: "Only these postings' events; a cursor is valid only with the filter it was read with." }) filter: PostingChangeFilter | null,
    @Ctx() ctx: Context,
  ) {
    return readPostingChanges(ctx.db, ctx.viewer, cursorKey(ctx.config.pii.key), { after, first, filter });
  }

  @Authorized(Role.PARTNER, Role.ADMIN, Role.CASEWORKER)
  @Query(() => String, { description: "A change-feed cursor at the log's head now: take it, copy the postings (`postings`), then follow `postingChanges` from it." })
  postingChangesHead(@Arg("filter", () => PostingChangeFilter, { nullable: true, description: "The filter the feed will be read with." }) filter: PostingChangeFilter | null, @Ctx() ctx: Context) {
    return postingChangesHead(ctx.db, ctx.viewer, cursorKey(ctx.config.pii.key), filter);
  }

  @FieldResolver(() => JobPosting, { nullable: true, description: "The posting as it is now, while it is public (null for REMOVED, and when it is no longer public: a later event says so)." })
  posting(@Root() change: PostingChangeRow, @Ctx() ctx: Context) {
    return postingOfChange(change, (id) => ctx.loaders.postingById.load(id));
  }
}
