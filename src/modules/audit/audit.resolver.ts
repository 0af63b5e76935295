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
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field() actor!: string;
  @Field() actorRole!: string;
  @Field(() => ID, { description: "Whose data: the person's id — or the mentor's, for fields named `Mentor.…`." }) personId!: string;
  @Field(() => [String]) fields!: string[];
  @Field() purpose!: string;
  @Field() requestId!: string;
}

@InputType()
export class AuditFilter {
  @Field(() => ID, { nullable: true }) personId?: string;
  @Field({ nullable: true }) @IsOptional() actor?: string;
  @Field({ nullable: true }) from?: Date;
  @Field({ nullable: true }) to?: Date;
}

const AuditConnection = connectionType("AuditEntry", AuditEntry);

@Resolver()
export class AuditResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AuditConnection, { description: "Unmasked reads of personal information, newest first." })
  async auditLog(@Arg("filter", () => AuditFilter, { nullable: true }) filter: AuditFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
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
