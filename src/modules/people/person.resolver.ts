import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { serviceToday } from "../../dates.js";
import { maskHouseholdNo, maskResidentId } from "../../pii/resident-id.js";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { LocalDate } from "../../graphql/scalars.js";
import { Institution } from "../institutions/institution.type.js";
import { Region } from "../regions/region.type.js";
import { revealPersonField } from "./person-pii.js";
import { importPeopleInline } from "./person-import.service.js";
import { encodingOf, ImportPeopleInput, ImportReport } from "./person-import.type.js";
import { PeopleFilter, PersonFieldsInput, RegisterPersonInput } from "./person.inputs.js";
import { getPerson, recordEmploymentStatus, registerPerson, searchPeople, updatePerson } from "./person.service.js";
import { people, type PersonRow } from "./person.table.js";
import { getRegistration } from "./registration.service.js";
import { RegisterPersonPayload } from "./registration.type.js";
import { CategoryMembership, EmploymentHistoryEntry, EmploymentStatusEnum, JobIntention, Person } from "./person.type.js";
import { nodeType } from "../../graphql/node.js";
import { personScope, personWithinScope } from "./person.access.js";

const PersonConnection = connectionType("Person", Person);
const LEDGER_READERS = [Role.ADMIN, Role.CASEWORKER, Role.MENTOR, Role.SEEKER];

nodeType("Person", { rootField: "Query.person", table: people, // As getPerson, through the request's loader: `nodes` of many people is one statement.
  fetch: async (ctx, id) => {
    const person = await ctx.loaders.personById.load(id);
    return person && personWithinScope(personScope(ctx.viewer), person) ? person : null;
  },
});

@Resolver(() => Person)
export class PersonResolver {
  @Authorized(...LEDGER_READERS)
  @Query(() => Person, { nullable: true, description: "A person within your scope." })
  person(@Arg("id", () => ID, { description: "The person's id." }) id: string, @Ctx() ctx: Context) {
    return getPerson(ctx, ctx.viewer, id);
  }

  @Authorized(...LEDGER_READERS)
  @Query(() => PersonConnection, { description: "The ledger within your scope, newest first." })
  people(@Arg("filter", () => PeopleFilter, { nullable: true, description: "Narrow the list (default: everyone in your scope)." }) filter: PeopleFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return searchPeople(ctx, ctx.viewer, filter, page);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => RegisterPersonPayload, {
    description:
      "Register a person in the ledger (one per ID number). A number you can see already registered is a CONFLICT naming them; one held outside your scope comes back PENDING, for the holding region to decide (you are not told where).",
  })
  async registerPerson(@Arg("input", () => RegisterPersonInput, { description: "The person." }) input: RegisterPersonInput, @Ctx() ctx: Context) {
    const done = await registerPerson(ctx, ctx.viewer, input, ctx.config.registrationPendingCap);
    if (done.status === "REGISTERED") return { status: done.status, person: done.person, registration: null };
    return { status: done.status, person: null, registration: await getRegistration(ctx.db, ctx.viewer, done.registrationId) };
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Person, { description: "Correct or complete a record (not the ID number; not the employment status)." })
  updatePerson(@Arg("id", () => ID, { description: "The person's id." }) id: string, @Arg("input", () => PersonFieldsInput, { description: "The fields to change (those left out stay)." }) input: PersonFieldsInput, @Ctx() ctx: Context) {
    return updatePerson(ctx, ctx.viewer, id, input);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Person, { description: "Record a change of employment status, dated and attributed." })
  recordEmploymentStatus(
    @Arg("personId", () => ID, { description: "The person's id." }) personId: string,
    @Arg("status", () => EmploymentStatusEnum, { description: "The new status." }) status: EmploymentStatusEnum,
    @Arg("since", () => LocalDate, { nullable: true, description: "Default today." }) since: string | null,
    @Arg("note", () => String, { nullable: true, description: "A note (optional)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return recordEmploymentStatus(ctx, ctx.viewer, personId, { status, since, note });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => ImportReport, { description: "Import people from a CSV (columns in the README): every bad row reported, no good row lost; idempotent by ID number." })
  importPeople(@Arg("input", () => ImportPeopleInput, { validate: false, description: "The CSV." }) input: ImportPeopleInput, @Ctx() ctx: Context) {
    return importPeopleInline(ctx, ctx.viewer, { ...input, encoding: encodingOf(input.encoding) }, { log: ctx.log, maxRowChars: ctx.config.importMaxRowChars, pendingCap: ctx.config.registrationPendingCap });
  }

  @FieldResolver(() => String, { description: "Masked (350***********1234) unless `unmasked` with a `purpose`: then audited." })
  idNumber(
    @Root() person: PersonRow,
    @Arg("unmasked", () => Boolean, { defaultValue: false, description: "Ask for the whole value (default false: masked)." }) unmasked: boolean,
    @Arg("purpose", () => String, { nullable: true, description: "Why you need the unmasked value (2–200 characters; required with `unmasked`; audited)." }) purpose: string | null,
    @Ctx() ctx: Context,
  ) {
    // The mask is made from the sealed number: no plain column keeps its digits.
    if (!unmasked) return maskResidentId(ctx.pii.decrypt(person.idNumberSealed));
    return revealPersonField({ viewer: ctx.viewer, pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, person, "idNumber", purpose);
  }

  @FieldResolver(() => String, { nullable: true, description: "Masked (138****5678) unless `unmasked` with a `purpose`: then audited." })
  phone(
    @Root() person: PersonRow,
    @Arg("unmasked", () => Boolean, { defaultValue: false, description: "Ask for the whole value (default false: masked)." }) unmasked: boolean,
    @Arg("purpose", () => String, { nullable: true, description: "Why you need the unmasked value (2–200 characters; required with `unmasked`; audited)." }) purpose: string | null,
    @Ctx() ctx: Context,
  ) {
    if (!unmasked) return person.phoneMasked;
    return revealPersonField({ viewer: ctx.viewer, pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, person, "phone", purpose);
  }

  @FieldResolver(() => String, { nullable: true, description: "建档立卡户编号. Masked (35**********45) unless `unmasked` with a `purpose`: then audited." })
  povertyHouseholdNo(
    @Root() person: PersonRow,
    @Arg("unmasked", () => Boolean, { defaultValue: false, description: "Ask for the whole value (default false: masked)." }) unmasked: boolean,
    @Arg("purpose", () => String, { nullable: true, description: "Why you need the unmasked value (2–200 characters; required with `unmasked`; audited)." }) purpose: string | null,
    @Ctx() ctx: Context,
  ) {
    if (!unmasked) return person.povertyHouseholdNo === null ? null : maskHouseholdNo(person.povertyHouseholdNo);
    return revealPersonField({ viewer: ctx.viewer, pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, person, "povertyHouseholdNo", purpose);
  }

  @FieldResolver(() => Int, { description: "From the ID number." })
  birthYear(@Root() person: PersonRow): number {
    return Number(person.birthDate.slice(0, 4));
  }

  @FieldResolver(() => Int, { description: "Whole years, today in Fujian." })
  age(@Root() person: PersonRow): number {
    const today = serviceToday();
    const years = Number(today.slice(0, 4)) - Number(person.birthDate.slice(0, 4));
    return today.slice(5) < person.birthDate.slice(5) ? years - 1 : years;
  }

  @FieldResolver(() => String, {
    description: "Masked (1998-**-**) unless `unmasked` with a `purpose`: then audited. With the masked ID number it would otherwise rebuild the full number.",
  })
  birthDate(
    @Root() person: PersonRow,
    @Arg("unmasked", () => Boolean, { defaultValue: false, description: "Ask for the whole value (default false: masked)." }) unmasked: boolean,
    @Arg("purpose", () => String, { nullable: true, description: "Why you need the unmasked value (2–200 characters; required with `unmasked`; audited)." }) purpose: string | null,
    @Ctx() ctx: Context,
  ) {
    if (!unmasked) return `${person.birthDate.slice(0, 4)}-**-**`;
    return revealPersonField({ viewer: ctx.viewer, pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, person, "birthDate", purpose);
  }

  @FieldResolver(() => Region, { description: "Their 户籍 county." })
  householdRegion(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.regionOf(person.householdRegionCode);
  }

  @FieldResolver(() => Region, { description: "Their 生源地 county." })
  originRegion(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.regionOf(person.originRegionCode);
  }

  @FieldResolver(() => Institution, { nullable: true, description: "Their institution (graduates), if any." })
  institution(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return person.institutionId ? ctx.loaders.institutionById.load(person.institutionId) : null;
  }

  @FieldResolver(() => JobIntention, { description: "Where and what they want to work at." })
  intention(@Root() person: PersonRow): JobIntention {
    return {
      keywords: person.intentionKeywords,
      regionCodes: person.intentionRegionCodes,
      minSalary: person.intentionMinSalary,
      willingToRelocate: person.willingToRelocate,
      openToLabourCooperation: person.openToLabourCooperation,
    };
  }

  @FieldResolver(() => [EmploymentHistoryEntry], { description: "Newest first." })
  employmentHistory(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.employmentHistory.load(person.id);
  }

  @FieldResolver(() => [CategoryMembership], { description: "Decided by the category rules in force; never typed by hand." })
  async targetCategories(@Root() person: PersonRow, @Ctx() ctx: Context) {
    const memberships = await ctx.loaders.memberships.load(person.id);
    return Promise.all(
      memberships.map(async (m) => ({ category: await ctx.loaders.categoryById.load(m.categoryId), ruleVersion: m.ruleVersion, decidedAt: m.decidedAt })),
    );
  }
}
