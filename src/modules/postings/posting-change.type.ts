import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum PostingChangeType {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  CLOSED = "CLOSED",
  EXPIRED = "EXPIRED",
  REMOVED = "REMOVED",
}
registerEnumType(PostingChangeType, {
  name: "PostingChangeType",
  description: "What happened to a public posting.",
  valuesConfig: {
    CREATED: { description: "It became public (published, or back after a block or a review)." },
    UPDATED: { description: "Public fields changed (`changedFields` names them)." },
    CLOSED: { description: "It was closed." },
    EXPIRED: { description: "It passed its validUntil (written by the expiry sweep)." },
    REMOVED: { description: "It is no longer public (blocked, withdrawn, held for review): drop it. Id only." },
  },
});

/** One event of the feed as read from the log (the resolver finds `posting` through the request's loader). */
export interface PostingChangeRow {
  cursor: string;
  type: PostingChangeType;
  postingId: string;
  changedFields: string[] | null;
  at: Date;
}

@ObjectType({ description: "One event of the partner change feed: a public posting created, changed, closed, expired or removed." })
export class PostingChange {
  @Field({ description: "This event's place in the feed: pass as `after` to read on from here." }) cursor!: string;
  @Field(() => PostingChangeType, { description: "What happened." }) type!: PostingChangeType;
  @Field(() => ID, { description: "The posting's id." }) postingId!: string;
  @Field(() => [String], { nullable: true, description: "UPDATED, CLOSED, EXPIRED: the JobPosting fields that changed (`title`, `salaryMin`, `status`, `employer` …); null for CREATED and REMOVED." })
  changedFields!: string[] | null;
  @Field({ description: "When the change was written." }) at!: Date;
}

@ObjectType({ description: "A page of the partner change feed, in commit order." })
export class PostingChangeFeed {
  @Field(() => [PostingChange], { description: "The events, oldest first." }) changes!: PostingChangeRow[];
  @Field({ description: "Where to read on from (`after`): past this page's last event, or — when the feed is caught up — the log's committed head, so an empty page still moves. Never null." })
  endCursor!: string;
  @Field({ description: "More events are readable now: read again at once. False: caught up; poll again later (a few seconds)." }) hasNextPage!: boolean;
}
