import { LocalDate } from "../../graphql/scalars.js";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { PageArgs } from "../../graphql/relay.js";
import { Person } from "../people/person.type.js";
import type { PersonRow } from "../people/person.table.js";
import { mayViewMentee } from "./mentor.access.js";
import { revealMentorPhone } from "./mentor-pii.js";
import { mentorCoverage } from "./mentor-coverage.service.js";
import { activeMentoringPolicy, isOverdue, setMentoringPolicy } from "./mentor-policy.service.js";
import { assignMentor, createMentor, deactivateMentor, getMentor, listMentors, logFollowUp, setMentorCapacity } from "./mentor.service.js";
import { mentors, type MentorRow, type MentorshipRow } from "./mentor.table.js";
import {
  CreateMentorInput,
  FollowUp,
  FollowUpChannel,
  FollowUpOutcome,
  Mentor,
  MentorConnection,
  MentorCoverage,
  MentorCoverageFilter,
  MentorDeactivation,
  MentorFilter,
  MentoringPolicy,
  Mentorship,
} from "./mentor.type.js";
import { nodeType } from "../../graphql/node.js";
import { maySeeMentor } from "./mentor.access.js";

/** A mentee as the viewer may see them (the rule: `mayViewMentee`), or null; read through the request's one `personById`. */
async function menteeFor(ctx: Context, personId: string, mentorId: string): Promise<PersonRow | null> {
  const person = await ctx.loaders.personById.load(personId);
  if (!person) return null;
  return (await mayViewMentee(ctx.viewer, person, () => ctx.loaders.mentorById.load(mentorId))) ? person : null;
}

nodeType("Mentor", { rootField: "Query.mentor", table: mentors, // As getMentor, through the request's loader.
  fetch: async (ctx, id) => {
    const mentor = await ctx.loaders.mentorById.load(id);
    return mentor && maySeeMentor(ctx.viewer, mentor) ? mentor : null;
  },
});

@Resolver(() => Mentor)
export class MentorResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.MENTOR)
  @Query(() => Mentor, { nullable: true, description: "A mentor: administrators any; caseworkers those of their region or institution; a mentor themself." })
  mentor(@Arg("id", () => ID, { description: "The mentor's id." }) id: string, @Ctx() ctx: Context) {
    return getMentor(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.MENTOR)
  @Query(() => MentorConnection, { description: "Mentors within your scope, oldest record first." })
  mentors(@Arg("filter", () => MentorFilter, { nullable: true, description: "Narrow the list (default: every mentor in your scope)." }) filter: MentorFilter | null, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return listMentors(ctx.db, ctx.viewer, filter ?? {}, page);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Mentor, { description: "Register a mentor (caseworkers: within their region or institution). Capacity 1–100." })
  createMentor(@Arg("input", () => CreateMentorInput, { description: "The mentor to register." }) input: CreateMentorInput, @Ctx() ctx: Context) {
    return createMentor(ctx, ctx.viewer, input);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Mentor, { description: "Change a mentor's capacity (never below the mentees they have now)." })
  setMentorCapacity(@Arg("id", () => ID, { description: "The mentor's id." }) id: string, @Arg("capacity", () => Int, { description: "The new capacity (1–100, not below the mentees they have now)." }) capacity: number, @Ctx() ctx: Context) {
    return setMentorCapacity(ctx.db, ctx.viewer, id, capacity);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => Mentorship, {
    description:
      "Pair a person with a mentor: the one named (a person with a mentor is moved; the old pairing ends REASSIGNED), or without one the nearest with room — same institution, then county, then prefecture, lowest load first. Only for people the policy makes eligible, unless an administrator gives overrideReason. Never past a mentor's capacity.",
  })
  assignMentor(
    @Arg("personId", () => ID, { description: "The person to pair." }) personId: string,
    @Arg("mentorId", () => ID, { nullable: true, description: "The mentor to pair with (default: chosen automatically)." }) mentorId: string | null,
    @Arg("overrideReason", () => String, { nullable: true, description: "Administrators: why to pair someone the policy does not make eligible." }) overrideReason: string | null,
    @Ctx() ctx: Context,
  ) {
    return assignMentor(ctx.db, ctx.viewer, { personId, mentorId, overrideReason });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => MentorDeactivation, { description: "A mentor leaves: their mentees are paired again by the automatic rules; those nobody within reach can take are listed with the reason." })
  deactivateMentor(@Arg("id", () => ID, { description: "The mentor's id." }) id: string, @Ctx() ctx: Context) {
    return deactivateMentor(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.MENTOR)
  @Mutation(() => FollowUp, { description: "Log a contact with your mentee (mentors only, for their own mentees): when (default now; not in the future, not before the pairing), how, and what came of it." })
  logFollowUp(
    @Arg("personId", () => ID, { description: "Your mentee." }) personId: string,
    @Arg("channel", () => FollowUpChannel, { description: "How you got in touch." }) channel: FollowUpChannel,
    @Arg("outcome", () => FollowUpOutcome, { description: "What came of it." }) outcome: FollowUpOutcome,
    @Arg("note", () => String, { nullable: true, description: "A note (optional)." }) note: string | null,
    @Arg("at", () => Date, { nullable: true, description: "When the contact happened (default now; not in the future, not before the pairing)." }) at: Date | null,
    @Ctx() ctx: Context,
  ) {
    return logFollowUp(ctx.db, ctx.viewer, { personId, channel, outcome, note, at });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => MentorCoverage, { description: "Mentoring coverage within your scope: eligible, assigned, unassigned, overdue for a contact." })
  mentorCoverage(@Arg("filter", () => MentorCoverageFilter, { nullable: true, description: "Narrow the count (default: your whole scope)." }) filter: MentorCoverageFilter | null, @Ctx() ctx: Context) {
    return mentorCoverage(ctx.db, ctx.viewer, filter ?? {});
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.MENTOR)
  @Query(() => MentoringPolicy, { description: "The mentoring policy in force on a day (default today)." })
  mentoringPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context): Promise<MentoringPolicy> {
    return activeMentoringPolicy(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MentoringPolicy, { description: "A new version of the mentoring policy: the days (1–365) without contact that make a mentee overdue, in force from `effectiveFrom` (default today; never a past day)." })
  setMentoringPolicy(
    @Arg("followUpDays", () => Int, { description: "Days without contact that make a mentee overdue (1–365)." }) days: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setMentoringPolicy(ctx.db, ctx.viewer, days, effectiveFrom);
  }

  @FieldResolver(() => String, { nullable: true, description: "Masked (139****1234) unless `unmasked` with a `purpose` (those who manage the mentor, and the mentor themself): then audited." })
  phone(
    @Root() mentor: MentorRow,
    @Arg("unmasked", () => Boolean, { defaultValue: false, description: "Ask for the whole number (default false: masked)." }) unmasked: boolean,
    @Arg("purpose", () => String, { nullable: true, description: "Why you need the unmasked number (2–200 characters; required with `unmasked`; audited)." }) purpose: string | null,
    @Ctx() ctx: Context,
  ) {
    if (!unmasked) return mentor.phoneMasked;
    return revealMentorPhone({ viewer: ctx.viewer, pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, mentor, purpose);
  }

  @FieldResolver(() => [Person], { description: "The people this mentor has now (caseworkers see those within their own scope)." })
  async mentees(@Root() mentor: MentorRow, @Ctx() ctx: Context) {
    const current = await ctx.loaders.activeMentorshipsForMentor.load(mentor.id);
    const people = await Promise.all(current.map((m) => menteeFor(ctx, m.personId, mentor.id)));
    return people.filter((p): p is PersonRow => p !== null);
  }

  @FieldResolver(() => [Mentorship], { description: "This mentor's current pairings (with people you may see: caseworkers those in their scope, the mentor all)." })
  async mentorships(@Root() mentor: MentorRow, @Ctx() ctx: Context) {
    const current = await ctx.loaders.activeMentorshipsForMentor.load(mentor.id);
    const visible = await Promise.all(current.map((m) => menteeFor(ctx, m.personId, mentor.id)));
    return current.filter((_, i) => visible[i] !== null);
  }
}

@Resolver(() => Mentorship)
export class MentorshipResolver {
  @FieldResolver(() => [FollowUp], { description: "Contacts logged, oldest first." })
  followUps(@Root() mentorship: MentorshipRow, @Ctx() ctx: Context) {
    return ctx.loaders.followUpsForMentorship.load(mentorship.id);
  }

  @FieldResolver(() => Date, { nullable: true, description: "The latest contact." })
  async lastContactAt(@Root() mentorship: MentorshipRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.lastContact.load(mentorship.id))?.at ?? null;
  }

  @FieldResolver(() => Boolean, { description: "An active pairing with no contact for the policy's days (counted from its start when there has been none)." })
  async overdue(@Root() mentorship: MentorshipRow, @Ctx() ctx: Context) {
    if (mentorship.endedAt !== null) return false;
    const [last, days] = await Promise.all([ctx.loaders.lastContact.load(mentorship.id), ctx.loaders.followUpDays.load("active")]);
    return isOverdue(mentorship, last?.at ?? null, days);
  }

  @FieldResolver(() => Mentor, { description: "The mentor." })
  async mentor(@Root() mentorship: MentorshipRow, @Ctx() ctx: Context) {
    return ctx.loaders.mentorById.load(mentorship.mentorId);
  }

  @FieldResolver(() => Person, { nullable: true, description: "Null where the person is outside your scope." })
  person(@Root() mentorship: MentorshipRow, @Ctx() ctx: Context) {
    return menteeFor(ctx, mentorship.personId, mentorship.mentorId);
  }
}

@Resolver(() => Person)
export class PersonMentorResolver {
  @FieldResolver(() => Mentor, { nullable: true, description: "The person's 红娘 mentor now, if any." })
  async mentor(@Root() person: PersonRow, @Ctx() ctx: Context) {
    const current = (await ctx.loaders.mentorshipsForPerson.load(person.id)).find((m) => m.endedAt === null);
    return current ? ctx.loaders.mentorById.load(current.mentorId) : null;
  }

  @FieldResolver(() => [Mentorship], { description: "Every pairing the person has had, oldest first: who, from, until, why it ended." })
  mentorships(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.mentorshipsForPerson.load(person.id);
  }
}
