import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { actorOf, Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { maskResidentId } from "../../pii/resident-id.js";
import { visiblePerson } from "./person.access.js";
import { getRegistration, listRegistrations, requestedDraft, resolveRegistration, withdrawRegistration } from "./registration.service.js";
import { registrationRequests, type RegistrationRequestRow } from "./registration.table.js";
import { Person } from "./person.type.js";
import { RegistrationDecisionEnum, RegistrationDirectionEnum, RegistrationRequest, RegistrationStatusEnum } from "./registration.type.js";
import { nodeType } from "../../graphql/node.js";

const RegistrationConnection = connectionType("RegistrationRequest", RegistrationRequest);
const OFFICIALS = [Role.ADMIN, Role.CASEWORKER];

nodeType("RegistrationRequest", { rootField: "Query.registration", table: registrationRequests, fetch: (ctx, id) => getRegistration(ctx.db, ctx.viewer, id) });

@Resolver(() => RegistrationRequest)
export class RegistrationResolver {
  @Authorized(...OFFICIALS)
  @Query(() => RegistrationConnection, { description: "Registrations awaiting review: the ones you made, or the ones about people in your scope (for you to decide)." })
  registrations(
    @Arg("direction", () => RegistrationDirectionEnum, { description: "MADE (yours) or RECEIVED (about people in your scope)." }) direction: RegistrationDirectionEnum,
    @Arg("status", () => RegistrationStatusEnum, { nullable: true, description: "Only registrations in this status (default: all)." }) status: RegistrationStatusEnum | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return listRegistrations(ctx.db, ctx.viewer, { direction, status }, page);
  }

  @Authorized(...OFFICIALS)
  @Query(() => RegistrationRequest, { nullable: true, description: "A registration you made or received (else null)." })
  registration(@Arg("id", () => ID, { description: "The registration's id." }) id: string, @Ctx() ctx: Context) {
    return getRegistration(ctx.db, ctx.viewer, id);
  }

  @Authorized(...OFFICIALS)
  @Mutation(() => RegistrationRequest, { description: "Decide a registration about a person in your scope: TRANSFER moves the record to the requested place; REFUSE needs a reason." })
  resolveRegistration(
    @Arg("id", () => ID, { description: "The registration's id." }) id: string,
    @Arg("decision", () => RegistrationDecisionEnum, { description: "TRANSFER or REFUSE." }) decision: RegistrationDecisionEnum,
    @Arg("reason", () => String, { nullable: true, description: "Why (required to REFUSE; the requester reads it)." }) reason: string | null,
    @Ctx() ctx: Context,
  ) {
    return resolveRegistration(ctx, ctx.viewer, id, decision, reason);
  }

  @Authorized(...OFFICIALS)
  @Mutation(() => RegistrationRequest, { description: "Take back a registration you made that is still PENDING." })
  withdrawRegistration(@Arg("id", () => ID, { description: "The registration's id." }) id: string, @Ctx() ctx: Context) {
    return withdrawRegistration(ctx, ctx.viewer, id);
  }

  @FieldResolver(() => String)
  name(@Root() row: RegistrationRequestRow, @Ctx() ctx: Context) {
    return requestedDraft(row, ctx.pii).name ?? "";
  }

  @FieldResolver(() => String)
  idNumber(@Root() row: RegistrationRequestRow, @Ctx() ctx: Context) {
    const typed = requestedDraft(row, ctx.pii).idNumber;
    return typed ? maskResidentId(typed) : "";
  }

  @FieldResolver(() => String, { nullable: true, description: "Who decided. A requester is not told who refused (that would name the holding region); they read the reason." })
  resolvedBy(@Root() row: RegistrationRequestRow, @Ctx() ctx: Context) {
    const requester = row.requestedBy === actorOf(ctx.viewer);
    return requester && row.status === "REFUSED" ? null : row.resolvedBy;
  }

  @FieldResolver(() => Person, { nullable: true })
  async person(@Root() row: RegistrationRequestRow, @Ctx() ctx: Context) {
    return visiblePerson(ctx.viewer, await ctx.loaders.personById.load(row.heldPersonId));
  }
}
