import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { asc, eq } from "drizzle-orm";
import { Role } from "../../auth/viewer.js";
import { parseId } from "../../db/parse-id.js";
import type { Context } from "../../graphql/context.js";
import { addFairSession, bookInterview, cancelBooking, checkIn, createJobFair, mayOrganise, moveSession, recordFairOutcome, registerBooth, registerForFair, setJobFairStatus } from "./fair.service.js";
import { fairSessions, jobFairs, type FairBookingRow, type JobFairRow } from "./fair.table.js";
import { AddFairSessionInput, CreateJobFairInput, FairBooking, FairBooth, FairOutcome, FairRegistration, FairSession, FairStatus, JobFair } from "./fair.type.js";

@Resolver(() => JobFair)
export class JobFairResolver {
  @Query(() => JobFair, { nullable: true, description: "A fair: public once open (fairs are advertised); a draft only to its organiser." })
  async jobFair(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const [fair] = await ctx.db.select().from(jobFairs).where(eq(jobFairs.id, parseId(id, "id")));
    if (!fair || (fair.status === "DRAFT" && !mayOrganise(ctx.viewer, fair))) return null;
    return fair;
  }

  @FieldResolver(() => [FairSession], { description: "Its sessions, by start time." })
  sessions(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    return ctx.db.select().from(fairSessions).where(eq(fairSessions.fairId, fair.id)).orderBy(asc(fairSessions.startsAt), asc(fairSessions.id));
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => JobFair, { description: "Create a fair (DRAFT): caseworkers organise for their institution or, without one, as their region's HR bureau." })
  createJobFair(@Arg("input", () => CreateJobFairInput) input: CreateJobFairInput, @Ctx() ctx: Context) {
    return createJobFair(ctx.db, ctx.viewer, { ...input, kind: input.kind, audience: input.audience ? { categoryCodes: input.audience.categoryCodes ?? [], populations: input.audience.populations ?? [], regionPrefixes: input.audience.regionPrefixes ?? [] } : null });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => JobFair, { description: "Move a fair along DRAFT → OPEN → LIVE → CLOSED (its organiser); a CLOSED fair changes no more." })
  setJobFairStatus(@Arg("id", () => ID) id: string, @Arg("status", () => FairStatus) status: FairStatus, @Ctx() ctx: Context) {
    return setJobFairStatus(ctx.db, ctx.viewer, id, status);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "Add a session inside the fair's window (the organiser, or an employer with a booth for itself). One employer's sessions never overlap." })
  addFairSession(@Arg("input", () => AddFairSessionInput) input: AddFairSessionInput, @Ctx() ctx: Context) {
    return addFairSession(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.EMPLOYER)
  @Mutation(() => FairBooth, { description: "Register your booth at a fair with some of your OPEN postings (replacing those it had). A posting that closes leaves every booth." })
  registerBooth(@Arg("fairId", () => ID) fairId: string, @Arg("postingIds", () => [ID]) postingIds: string[], @Ctx() ctx: Context) {
    return registerBooth(ctx.db, ctx.viewer, { fairId, postingIds });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @Mutation(() => FairRegistration, { description: "Register a person for a fair that is OPEN or LIVE: within its audience, or invited by its organiser (`invite: true`)." })
  registerForFair(@Arg("fairId", () => ID) fairId: string, @Arg("personId", () => ID) personId: string, @Arg("invite", () => Boolean, { nullable: true }) invite: boolean | null, @Ctx() ctx: Context) {
    return registerForFair(ctx.db, ctx.viewer, { fairId, personId, invite });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @Mutation(() => FairBooking, {
    description: "Book a seat in a session (an interview slot needs the posting) for a registered person: never past its capacity, never twice in one session, never two overlapping bookings for a person.",
  })
  bookInterview(@Arg("slotId", () => ID) slotId: string, @Arg("personId", () => ID) personId: string, @Arg("postingId", () => ID, { nullable: true }) postingId: string | null, @Ctx() ctx: Context) {
    return bookInterview(ctx.db, ctx.viewer, { slotId, personId, postingId });
  }

  @Authorized()
  @Mutation(() => FairBooking, { description: "Cancel a booking (the person, a caseworker in scope, the organiser) and free its seat." })
  cancelBooking(@Arg("bookingId", () => ID) bookingId: string, @Ctx() ctx: Context) {
    return cancelBooking(ctx.db, ctx.viewer, bookingId);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairBooking, { description: "Check a registered person in to their booked session (the organiser or the session's employer, while the fair is live)." })
  checkIn(@Arg("sessionId", () => ID) sessionId: string, @Arg("personId", () => ID) personId: string, @Ctx() ctx: Context) {
    return checkIn(ctx.db, ctx.viewer, { sessionId, personId });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "SCHEDULED → LIVE." })
  startSession(@Arg("sessionId", () => ID) sessionId: string, @Ctx() ctx: Context) {
    return moveSession(ctx.db, ctx.viewer, sessionId, "LIVE");
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "LIVE → ENDED." })
  endSession(@Arg("sessionId", () => ID) sessionId: string, @Ctx() ctx: Context) {
    return moveSession(ctx.db, ctx.viewer, sessionId, "ENDED");
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairBooking, { description: "What came of a booking (the session's employer or the organiser): all but NO_SHOW create or advance the person's referral, source JOB_FAIR; HIRED records employment." })
  recordFairOutcome(@Arg("bookingId", () => ID) bookingId: string, @Arg("outcome", () => FairOutcome) outcome: FairOutcome, @Ctx() ctx: Context) {
    return recordFairOutcome(ctx.db, ctx.viewer, { bookingId, outcome });
  }
}

@Resolver(() => FairBooking)
export class FairBookingResolver {
  @FieldResolver(() => ID, { nullable: true, description: "Who booked — null for employers, who meet people at the fair, not in the ledger." })
  personId(@Root() booking: FairBookingRow, @Ctx() ctx: Context) {
    return ctx.viewer.kind === "user" && ctx.viewer.role === Role.EMPLOYER ? null : booking.personId;
  }
}
