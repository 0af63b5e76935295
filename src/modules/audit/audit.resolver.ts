import { IsOptional } from "class-validator";
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { parseId } from "../../db/parse-id.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { countAudit, countDecisions, listAudit, listDecisions } from "./audit.repository.js";

@ObjectType({ description: "One unmasked read of personal information." })
export class AuditEntry {
  @Field(() => ID, { description: "The entry's id." }) id!: string;
  @Field({ description: "When." }) at!: Date;
  @Field({ description: "Who read (`role:user id`)." }) actor!: string;
  @Field({ description: "The reader's role: a Role name, or ANONYMOUS." }) actorRole!: string;
  @Field(() => ID, { description: "Whose data: the person's id — or the mentor's, for fields named `Mentor.…`." }) personId!: string;
  @Field(() => [String], { description: "What was read unmasked: a person's `idNumber`, `phone`, `birthDate` or `povertyHouseholdNo`, or `Mentor.phone`." }) fields!: string[];
  @Field({ description: "The purpose the reader stated." }) purpose!: string;
  @Field({ description: "The request's id (its X-Request-Id), to find it in the logs." }) requestId!: string;
}

@InputType({ description: "Which reads to list." })
export class AuditFilter {
  @Field(() => ID, { nullable: true, description: "Only reads of this person's (or mentor's) data." }) personId?: string;
  @Field({ nullable: true, description: "Only this reader (`role:user id`, exactly)." }) @IsOptional() actor?: string;
  @Field({ nullable: true, description: "From this moment (inclusive)." }) from?: Date;
  @Field({ nullable: true, description: "Up to this moment (inclusive)." }) to?: Date;
}

const AuditConnection = connectionType("AuditEntry", AuditEntry);

@ObjectType({ description: "One decision about who may do what (issue 22): a partner–employer link requested, decided or ended, a partner-claimed employer taken over, a held posting approved, a seeker's consent to a partner site given or revoked." })
export class DecisionEntry {
  @Field(() => ID, { description: "The entry's id." }) id!: string;
  @Field({ description: "When." }) at!: Date;
  @Field({ description: "Who decided (`role:user id`, or `partner:…`)." }) actor!: string;
  @Field({ description: "Their role: a Role name." }) actorRole!: string;
  @Field({ description: "What was decided: LINK_REQUESTED, LINK_ACTIVATED, LINK_DECLINED, LINK_REVOKED, EMPLOYER_TAKEN_OVER, POSTING_APPROVED, POSTING_BLOCKED, SCREENING_RULE_SAVED, CONSENT_GRANTED, CONSENT_REVOKED." }) action!: string;
  @Field(() => ID, { nullable: true, description: "The partner site concerned." }) partnerId!: string | null;
  @Field(() => ID, { nullable: true, description: "The employer concerned." }) employerId!: string | null;
  @Field(() => ID, { nullable: true, description: "The posting concerned." }) postingId!: string | null;
  @Field(() => ID, { nullable: true, description: "The person concerned (a consent): an id only, never their data." }) personId!: string | null;
  @Field(() => String, { description: "What changed, as JSON text (statuses, the old and the new name …); never personal data." }) detail!: string;
}

@InputType({ description: "Which decisions to list." })
export class DecisionFilter {
  @Field(() => ID, { nullable: true, description: "Only decisions about this partner site." }) partnerId?: string;
  @Field(() => ID, { nullable: true, description: "Only decisions about this employer." }) employerId?: string;
  @Field({ nullable: true, description: "Only this action (e.g. EMPLOYER_TAKEN_OVER)." }) @IsOptional() action?: string;
  @Field({ nullable: true, description: "From this moment (inclusive)." }) from?: Date;
  @Field({ nullable: true, description: "Up to this moment (inclusive)." }) to?: Date;
}

const DecisionConnection = connectionType("DecisionEntry", DecisionEntry);

@Resolver()
export class AuditResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AuditConnection, { description: "Unmasked reads of personal information, newest first." })
  async auditLog(@Arg("filter", () => AuditFilter, { nullable: true, description: "Narrow the list (default: every read)." }) filter: AuditFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    const q = {
      ...(filter?.personId ? { personId: parseId(filter.personId, "filter.personId") } : {}),
      ...(filter?.actor ? { actor: filter.actor } : {}),
      ...(filter?.from ? { from: filter.from } : {}),
      ...(filter?.to ? { to: filter.to } : {}),
    };
    const keyset = keysetOf(page);
    const rows = await listAudit(ctx.db, q, keyset);
    return pageFromRows(rows, keyset, () => countAudit(ctx.db, q));
  }

  @Authorized(Role.ADMIN)
  @Query(() => DecisionConnection, { description: "Decisions about who may do what (links, takeovers, approvals, consents), newest first." })
  async decisionLog(@Arg("filter", () => DecisionFilter, { nullable: true, description: "Narrow the list (default: every decision)." }) filter: DecisionFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    const q = {
      ...(filter?.partnerId ? { partnerId: parseId(filter.partnerId, "filter.partnerId") } : {}),
      ...(filter?.employerId ? { employerId: parseId(filter.employerId, "filter.employerId") } : {}),
      ...(filter?.action ? { action: filter.action } : {}),
      ...(filter?.from ? { from: filter.from } : {}),
      ...(filter?.to ? { to: filter.to } : {}),
    };
    const keyset = keysetOf(page);
    const rows = (await listDecisions(ctx.db, q, keyset)).map((r) => ({ ...r, detail: JSON.stringify(r.detail) }));
    return pageFromRows(rows, keyset, () => countDecisions(ctx.db, q));
  }
}
