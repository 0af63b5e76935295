import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { PostingFilter } from "../postings/posting.inputs.js";
import { PostingConnection } from "../postings/posting.resolver.js";
import { employerPostingsPage } from "../postings/posting.service.js";
import { Region } from "../regions/region.type.js";
import { EmployerFilter, RegisterEmployerInput } from "./employer.inputs.js";
import { getEmployer, registerEmployer, requestEmployerRegistration, searchEmployers, verifyEmployer } from "./employer.service.js";
import { employers, type EmployerRow } from "./employer.table.js";
import { Employer } from "./employer.type.js";
import { nodeType } from "../../graphql/node.js";

const EmployerConnection = connectionType("Employer", Employer);

nodeType("Employer", { rootField: "Query.employer", table: employers, fetch: (ctx, id) => ctx.loaders.employerById.load(id) });

@Resolver(() => Employer)
export class EmployerResolver {
  @Query(() => Employer, { nullable: true, description: "An employer (public registry data)." })
  employer(@Arg("id", () => ID, { description: "The employer's id." }) id: string, @Ctx() ctx: Context) {
    return getEmployer(ctx.db, id);
  }

  @Query(() => EmployerConnection, { description: "Employers, newest first (public registry data)." })
  employers(@Arg("filter", () => EmployerFilter, { nullable: true, description: "Narrow the list (default: all)." }) filter: EmployerFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return searchEmployers(ctx.db, filter ?? undefined, page);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Employer, { description: "Register an employer (verified: an official checked its licence)." })
  registerEmployer(@Arg("input", () => RegisterEmployerInput, { description: "The employer." }) input: RegisterEmployerInput, @Ctx() ctx: Context) {
    return registerEmployer(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.EMPLOYER)
  @Mutation(() => Employer, {
    description:
      "Sign your employer up (a company user whose token names no employer yet): it is registered unverified and linked to your account, so your tokens need not carry employerId. You may draft postings at once; they are published once a caseworker of its region has verified it (verifyEmployer). A credit code already registered is CONFLICT, without saying by whom. `isPovertyWorkshop` is not taken from a sign-up (the status earns subsidies): an official records it.",
  })
  requestEmployerRegistration(@Arg("input", () => RegisterEmployerInput, { description: "Your employer." }) input: RegisterEmployerInput, @Ctx() ctx: Context) {
    return requestEmployerRegistration(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Employer, { description: "Mark an employer as checked by an official (caseworkers, administrators)." })
  verifyEmployer(@Arg("id", () => ID, { description: "The employer's id." }) id: string, @Ctx() ctx: Context) {
    return verifyEmployer(ctx.db, ctx.viewer, id);
  }

  @FieldResolver(() => Region, { description: "The county where it is registered." })
  region(@Root() employer: EmployerRow, @Ctx() ctx: Context) {
    return ctx.loaders.regionOf(employer.regionCode);
  }

  @FieldResolver(() => PostingConnection, { description: "This employer's postings, newest first (OPEN only unless `filter.status` says otherwise)." })
  postings(
    @Root() employer: EmployerRow,
    @Arg("filter", () => PostingFilter, { nullable: true, description: "Narrow the list (default: OPEN postings)." }) filter: PostingFilter | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return employerPostingsPage(ctx.loaders, ctx.viewer, employer.id, filter, page);
  }
}
