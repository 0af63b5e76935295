import { IsOptional } from "class-validator";
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { parseId } from "../../db/parse-id.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { countAudit, listAudit } from "./audit.repository.js";

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
}
