import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { badInput } from "../../errors.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { msg } from "../../i18n.js";
import { Employer } from "../employers/employer.type.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { Person } from "../people/person.type.js";
import type { PersonRow } from "../people/person.table.js";
import { ApplyForSubsidyInput, SubsidyClaimFilter, SubsidySchemeInput } from "./subsidy.inputs.js";
import { applyForSubsidy, approveSubsidyClaim, consentToSubsidyDisclosure, recordSubsidyPayment, rejectSubsidyClaim, subsidyClaims, withdrawSubsidyDisclosure } from "./subsidy-claim.service.js";
import { isOfficial } from "./subsidy.access.js";
import { claimPerson, claimPersonId, claimPersonName, employerSubsidies, hiringClaimsNaming, personSubsidies, subsidyFigures } from "./subsidy-read.service.js";
import { listSubsidySchemes, publishSubsidyScheme } from "./subsidy-scheme.service.js";
import type { SubsidyClaimRow, SubsidySchemeRow } from "./subsidy.table.js";
import { EmployerSubsidies, SubsidyClaim, SubsidyDisclosurePolicy, SubsidyFigure, SubsidyScheme } from "./subsidy.type.js";
import { disclosurePolicyInForce, setSubsidyDisclosurePolicy } from "./subsidy-disclosure.service.js";
import { LocalDate } from "../../graphql/scalars.js";

const SubsidyClaimConnection = connectionType("SubsidyClaim", SubsidyClaim);

@Resolver(() => SubsidyScheme)
export class SubsidySchemeResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.MENTOR)
  @Query(() => [SubsidyScheme], { description: "Every version of every subsidy scheme (policy data)." })
  subsidySchemes(@Ctx() ctx: Context) {
    return listSubsidySchemes(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SubsidyScheme, { description: "Publish a new version of a subsidy scheme; everyone's eligibility is re-decided in the background (`categoryReevaluations`, reason SUBSIDY_PUBLISHED)." })
  publishSubsidyScheme(@Arg("input", () => SubsidySchemeInput, { description: "The new version." }) input: SubsidySchemeInput, @Ctx() ctx: Context) {
    let rule: unknown;
    try {
      rule = JSON.parse(input.ruleJson);
    } catch {
      throw badInput("input.ruleJson", msg("ruleJson 不是有效的 JSON", "ruleJson is not valid JSON"));
    }
    return publishSubsidyScheme(ctx.db, ctx.viewer, { ...input, rule });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => SubsidyDisclosurePolicy, { description: "The subsidy disclosure policy in force: the smallest count of claims naming people who did not consent that an employer sees." })
  subsidyDisclosurePolicy(@Ctx() ctx: Context) {
    return disclosurePolicyInForce(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SubsidyDisclosurePolicy, { description: "A new version of the subsidy disclosure policy." })
  setSubsidyDisclosurePolicy(
    @Arg("minCount", () => Int, { description: "The smallest count an employer sees (1–1000; 1: every count)." }) minCount: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "Its first day (default today; not in the past)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setSubsidyDisclosurePolicy(ctx.db, ctx.viewer, minCount, effectiveFrom);
  }

  @FieldResolver(() => String)
  ruleJson(@Root() scheme: SubsidySchemeRow): string {
    return JSON.stringify(scheme.rule);
  }
}

@Resolver(() => SubsidyClaim)
export class SubsidyClaimResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => SubsidyClaimConnection, { description: "Subsidy claims in your scope, newest first." })
  subsidyClaims(@Arg("filter", () => SubsidyClaimFilter, { nullable: true, description: "Narrow the list." }) filter: SubsidyClaimFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return subsidyClaims(ctx.db, ctx.viewer, filter, page);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => [SubsidyFigure], { description: "Subsidy figures by scheme and prefecture in your scope (the campaign report's subsidy sheet): eligible, applied, approved, recorded paid." })
  subsidyFigures(@Arg("regionCode", () => String, { nullable: true, description: "Narrow to a region prefix." }) regionCode: string | null, @Ctx() ctx: Context) {
    return subsidyFigures(ctx.db, ctx.viewer, regionCode);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => SubsidyClaim, { description: "Record an application for an ELIGIBLE claim, with every document the scheme asks for (APPLIED)." })
  applyForSubsidy(@Arg("input", () => ApplyForSubsidyInput, { description: "The application." }) input: ApplyForSubsidyInput, @Ctx() ctx: Context) {
    return applyForSubsidy(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => SubsidyClaim, { description: "Approve an APPLIED claim for an amount no higher than the scheme's cap (a FIXED or PER_PERSON scheme: its sum exactly)." })
  approveSubsidyClaim(@Arg("claimId", () => ID, { description: "The claim." }) claimId: string, @Arg("amountYuan", () => Int, { description: "The amount approved (yuan)." }) amountYuan: number, @Ctx() ctx: Context) {
    return approveSubsidyClaim(ctx.db, ctx.viewer, claimId, amountYuan);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => SubsidyClaim, { description: "Reject an APPLIED claim, with the reason." })
  rejectSubsidyClaim(@Arg("claimId", () => ID, { description: "The claim." }) claimId: string, @Arg("reason", { description: "Why (2–500 characters)." }) reason: string, @Ctx() ctx: Context) {
    return rejectSubsidyClaim(ctx.db, ctx.viewer, claimId, reason);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => SubsidyClaim, { description: "Record the payment of an APPROVED claim, made elsewhere, by its reference (PAID_RECORDED). Nothing is paid here." })
  recordSubsidyPayment(@Arg("claimId", () => ID, { description: "The claim." }) claimId: string, @Arg("paymentReference", { description: "The payment's reference (2–100 characters)." }) paymentReference: string, @Ctx() ctx: Context) {
    return recordSubsidyPayment(ctx.db, ctx.viewer, claimId, paymentReference);
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => SubsidyClaim, { description: "Let the employer that hired you see that its subsidy claim names you (it reveals your household's poverty status)." })
  consentToSubsidyDisclosure(@Arg("claimId", () => ID, { description: "The employer's claim for hiring you." }) claimId: string, @Ctx() ctx: Context) {
    return consentToSubsidyDisclosure(ctx.db, ctx.viewer, claimId);
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => SubsidyClaim, { description: "Take back your consent: the employer's claim no longer names you to it (it sees the claim counted, as before)." })
  withdrawSubsidyDisclosure(@Arg("claimId", () => ID, { description: "The employer's claim for hiring you." }) claimId: string, @Ctx() ctx: Context) {
    return withdrawSubsidyDisclosure(ctx.db, ctx.viewer, claimId);
  }

  @FieldResolver(() => String, { nullable: true, description: "Who recorded the application: to officials (the person and the employer see the step's time, not who took it)." })
  appliedBy(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context): string | null {
    return isOfficial(ctx.viewer) ? claim.appliedBy : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "Who approved or rejected it: to officials." })
  reviewedBy(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context): string | null {
    return isOfficial(ctx.viewer) ? claim.reviewedBy : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "Who recorded the payment: to officials." })
  paidRecordedBy(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context): string | null {
    return isOfficial(ctx.viewer) ? claim.paidRecordedBy : null;
  }

  @FieldResolver(() => SubsidyScheme, { description: "The scheme version that decided it." })
  scheme(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context) {
    return ctx.loaders.subsidySchemeById.load(claim.schemeId);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description:
      "The person's id, to apply for the claim (applyForSubsidy names the person): to officials who see the claim (an employer's claim is handled by officials of its county, whether or not the person is in their scope), to the person themself, and to the employer once the person consented; null for anyone else.",
  })
  personId(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context): string | null {
    return claimPersonId(ctx.viewer, claim);
  }

  @FieldResolver(() => Person, { nullable: true, description: "The person (for an employer's claim, the person hired): officials in scope and the person themself; null for anyone else." })
  person(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context) {
    return claimPerson(ctx.loaders, ctx.viewer, claim);
  }

  @FieldResolver(() => String, { nullable: true, description: "The person's name: as `person`, and to the employer once the person consented." })
  personName(@Root() claim: SubsidyClaimRow, @Ctx() ctx: Context) {
    return claimPersonName(ctx.loaders, ctx.viewer, claim);
  }

  @FieldResolver(() => Boolean, { description: "For an employer's claim: whether the person consented to be named to the employer." })
  personConsented(@Root() claim: SubsidyClaimRow): boolean {
    return claim.personConsentedAt !== null;
  }
}

@Resolver(() => Person)
export class PersonSubsidiesResolver {
  @FieldResolver(() => [SubsidyClaim], { nullable: true, description: "The person's subsidies (eligible and claimed): officials in scope and the person themself; null for anyone else." })
  subsidies(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return personSubsidies(ctx.loaders, ctx.viewer, person);
  }

  @FieldResolver(() => [SubsidyClaim], {
    nullable: true,
    description:
      "Employers' subsidy claims for hiring the person (each reveals their household's poverty status to the employer only once they consent: consentToSubsidyDisclosure / withdrawSubsidyDisclosure): the person themself and officials in scope; null for anyone else.",
  })
  hiringSubsidyClaims(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return hiringClaimsNaming(ctx.loaders, ctx.viewer, person);
  }
}

@Resolver(() => Employer)
export class EmployerSubsidiesResolver {
  @FieldResolver(() => EmployerSubsidies, { nullable: true, description: "The employer's subsidy claims: officials in scope, and the employer itself (naming a hired person only once they consented; otherwise counted). Null for anyone else." })
  subsidies(@Root() employer: EmployerRow, @Ctx() ctx: Context) {
    return employerSubsidies(ctx.loaders, ctx.viewer, employer);
  }
}
