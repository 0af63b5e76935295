import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Role, type Viewer } from "../../auth/viewer.js";
import { parseId } from "../../db/parse-id.js";
import type { Context } from "../../graphql/context.js";
import { countEngineCall } from "../../graphql/engine-calls.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { Employer } from "../employers/employer.type.js";
import { PersonMatches } from "../matching/match.type.js";
import { Person } from "../people/person.type.js";
import type { PersonRow } from "../people/person.table.js";
import { JobPosting } from "../postings/posting.type.js";
import { fairCoverage, type EmployerFairStats as EmployerFairStatsRow } from "./fair-report.service.js";
import type { FairEventHub, FairEventMessage } from "./fair-events.js";
import { bookingPersonShown, checkBookingFilter, mayKnowOfBooking } from "./fair.access.js";
import { bookInterview, cancelBooking, checkIn, registerForFair } from "./fair-booking.service.js";
import { recordFairOutcome } from "./fair-outcome.service.js";
import type { BoothAtFair, FairBookingsKey } from "./fair.loaders.js";
import { addFairSession, createJobFair, fairRecommendations, fairToFollow, getJobFair, listJobFairs, moveSession, registerBooth, setJobFairStatus } from "./fair.service.js";
import { jobFairs, type FairBookingRow, type FairSessionRow, type JobFairRow } from "./fair.table.js";
import { AddFairSessionInput, CreateJobFairInput } from "./fair.inputs.js";
import {
  EmployerFairStats,
  FairBooking,
  FairBooth,
  FairBoothView,
  FairCoverage,
  FairEvent,
  FairEventKind,
  FairKind,
  FairOutcome,
  FairRegistration,
  FairSession,
  FairStats,
  FairStatus,
  JobFair,
} from "./fair.type.js";
import { nodeType } from "../../graphql/node.js";

const JobFairConnection = connectionType("JobFair", JobFair);
const FairBookingConnection = connectionType("FairBooking", FairBooking);

@ArgsType()
class FairBookingsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: "Only this person's bookings (not for employers: FORBIDDEN)." }) personId?: string | null;
  @Field(() => ID, { nullable: true, description: "Only this session's bookings." }) sessionId?: string | null;
}

@ArgsType()
class JobFairsArgs extends PageArgs {
  @Field(() => FairStatus, { nullable: true, description: "Only fairs in this status." }) status?: FairStatus | null;
  @Field(() => FairKind, { nullable: true, description: "Only fairs of this kind." }) kind?: FairKind | null;
}

/** The context a subscription runs in: the request's, and the process's event hub. */
export type SubscriptionContext = Context & { fairEvents: FairEventHub };

/** What a subscriber may see of an event: bookings only if theirs, their session's, or as organiser. */
function eventFor(viewer: Viewer, fair: JobFairRow, event: FairEventMessage): FairEvent {
  const mayKnow = mayKnowOfBooking(viewer, fair, event);
  const kind = event.kind === "BOOKING_CONFIRMED" && !mayKnow ? FairEventKind.SLOT_TAKEN : (event.kind as FairEventKind);
  return {
    kind,
    fairId: event.fairId,
    sessionId: event.sessionId,
    seatsLeft: event.seatsLeft,
    fairStatus: event.fairStatus as FairStatus | null,
    bookingId: mayKnow ? event.bookingId : null,
    at: new Date(event.at),
  };
}

/**
 * Events of one fair, each shaped for the subscriber. The fair is read (and refused: NOT_FOUND)
 * before the stream begins, so a refusal is an ordinary GraphQL error.
 */
async function subscribeToFair(ctx: SubscriptionContext, fairId: string): Promise<AsyncIterable<FairEvent>> {
  const fair = await fairToFollow(ctx.db, ctx.viewer, fairId);
  const events = ctx.fairEvents.subscribe(fair.id);
  // Not a generator: one never started would not run its `finally`, and the hub would keep the subscriber.
  const stream: AsyncIterableIterator<FairEvent> = {
    [Symbol.asyncIterator]: () => stream,
    next: async () => {
      const r = await events.next();
      return r.done ? { value: undefined, done: true } : { value: eventFor(ctx.viewer, fair, r.value), done: false };
    },
    return: async () => {
      await events.return?.();
      return { value: undefined, done: true };
    },
  };
  return stream;
}

nodeType("JobFair", { rootField: "Query.jobFair", table: jobFairs, fetch: (ctx, id) => getJobFair(ctx.db, ctx.viewer, id) });

@Resolver(() => JobFair)
export class JobFairResolver {
  @Query(() => JobFair, { nullable: true, description: "A fair: public once open (fairs are advertised); a draft only to its organiser." })
  jobFair(@Arg("id", () => ID, { description: "The fair's id." }) id: string, @Ctx() ctx: Context) {
    return getJobFair(ctx.db, ctx.viewer, id);
  }

  @Query(() => JobFairConnection, { description: "Fairs, newest first: open, live and closed ones are public; drafts only to their organisers." })
  async jobFairs(@Args(() => JobFairsArgs) args: JobFairsArgs, @Ctx() ctx: Context) {
    const keyset = keysetOf(args);
    const { rows, count } = await listJobFairs(ctx.db, ctx.viewer, { status: args.status, kind: args.kind, page: keyset });
    return pageFromRows(rows, keyset, count);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FairCoverage, { description: "The institutions and HR bureaus within your scope that held fewer online fairs for key groups in the year than the policy asks (Fujian's calendar; a fair counts when it went live inside its own window and its audience named key-group graduates)." })
  fairCoverage(@Arg("year", () => Int, { description: "The calendar year (Fujian time)." }) year: number, @Ctx() ctx: Context) {
    return fairCoverage(ctx.db, ctx.viewer, year);
  }

  @Subscription(() => FairEvent, {
    description:
      "Live updates of a fair over graphql-ws (the same endpoint, authenticated like HTTP): fair status, sessions started and ended, seats freed and taken, bookings confirmed (to those who may see them). Sent when the change commits.",
    subscribe: ({ args, context }) => subscribeToFair(context as SubscriptionContext, String(args.fairId)),
  })
  fairEvents(@Root() event: FairEvent, @Arg("fairId", () => ID, { description: "The fair to follow." }) _fairId: string): FairEvent {
    return event;
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @FieldResolver(() => PersonMatches, {
    nullable: true,
    description: "The fair's booth postings ranked for a person by the matching engine (only those that fit them; ones already referred stay — they may meet the employer here). Null, with the error at this path, for a caller who may not see that person's matches.",
  })
  recommendedPostings(@Root() fair: JobFairRow, @Arg("personId", () => ID, { description: "The person to rank the booth postings for (a seeker: themself)." }) personId: string, @Arg("first", () => Int, { defaultValue: 10, description: "How many to return, best first (default 10)." }) first: number, @Ctx() ctx: Context) {
    countEngineCall(ctx.engineCalls);
    return fairRecommendations(ctx, ctx.viewer, fair, personId, first);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @FieldResolver(() => FairStats, {
    nullable: true,
    description: "Registrations by category, sessions and seats, bookings, attendance and outcomes, overall and per employer: for the organiser. Null, with FORBIDDEN at this path, for other callers.",
  })
  stats(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    return ctx.loaders.fairStats.load(fair);
  }

  @FieldResolver(() => [FairBoothView], { description: "Its booths: each employer and the OPEN postings it brought (postings are public)." })
  booths(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    return ctx.loaders.fairBooths.load(fair.id);
  }

  @Authorized()
  @FieldResolver(() => FairBookingConnection, {
    nullable: true,
    description: "Its bookings, newest first, as far as you may see them: the organiser all, a caseworker their people's, a seeker their own, an employer its sessions' (without who; employers may not filter by `personId`: FORBIDDEN). Null, with the error at this path, when refused: the rest of the fair stands.",
  })
  async bookings(@Root() fair: JobFairRow, @Args(() => FairBookingsArgs) args: FairBookingsArgs, @Ctx() ctx: Context) {
    const key: FairBookingsKey = {
      fair,
      personId: args.personId ? parseId(args.personId, "personId") : undefined,
      sessionId: args.sessionId ? parseId(args.sessionId, "sessionId") : undefined,
      keyset: keysetOf(args),
    };
    checkBookingFilter(ctx.viewer, key);
    return pageFromRows(await ctx.loaders.fairBookings.load(key), key.keyset, () => ctx.loaders.fairBookingCount.load(key));
  }

  @FieldResolver(() => [FairSession], { description: "Its sessions, by start time." })
  sessions(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    return ctx.loaders.fairSessions.load(fair.id);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => JobFair, { description: "Create a fair (DRAFT): caseworkers organise for their institution or, without one, as their region's HR bureau." })
  createJobFair(@Arg("input", () => CreateJobFairInput, { description: "The fair to create." }) input: CreateJobFairInput, @Ctx() ctx: Context) {
    return createJobFair(ctx.db, ctx.viewer, { ...input, kind: input.kind, audience: input.audience ? { categoryCodes: input.audience.categoryCodes ?? [], populations: input.audience.populations ?? [], regionPrefixes: input.audience.regionPrefixes ?? [] } : null });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Mutation(() => JobFair, { description: "Move a fair along DRAFT → OPEN → LIVE → CLOSED (its organiser); a CLOSED fair changes no more." })
  setJobFairStatus(@Arg("id", () => ID, { description: "The fair's id." }) id: string, @Arg("status", () => FairStatus, { description: "The next status (only forward; CLOSED from DRAFT or OPEN calls it off)." }) status: FairStatus, @Ctx() ctx: Context) {
    return setJobFairStatus(ctx.db, ctx.viewer, id, status);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "Add a session inside the fair's window (the organiser, or an employer with a booth for itself). One employer's sessions never overlap." })
  addFairSession(@Arg("input", () => AddFairSessionInput, { description: "The session to add." }) input: AddFairSessionInput, @Ctx() ctx: Context) {
    return addFairSession(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.EMPLOYER)
  @Mutation(() => FairBooth, { description: "Register your booth at a fair with some of your OPEN postings (replacing those it had). A posting that closes leaves every booth." })
  registerBooth(@Arg("fairId", () => ID, { description: "The fair's id." }) fairId: string, @Arg("postingIds", () => [ID], { description: "Your OPEN postings to show at the booth (replacing those it had)." }) postingIds: string[], @Ctx() ctx: Context) {
    return registerBooth(ctx.db, ctx.viewer, { fairId, postingIds });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @Mutation(() => FairRegistration, { description: "Register a person for a fair that is OPEN or LIVE: within its audience, or invited by its organiser (`invite: true`)." })
  registerForFair(@Arg("fairId", () => ID, { description: "The fair's id (OPEN or LIVE)." }) fairId: string, @Arg("personId", () => ID, { description: "The person to register (a seeker: themself)." }) personId: string, @Arg("invite", () => Boolean, { nullable: true, description: "The organiser invites the person: the audience need not admit them (organisers only; default false)." }) invite: boolean | null, @Ctx() ctx: Context) {
    return registerForFair(ctx.db, ctx.viewer, { fairId, personId, invite });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @Mutation(() => FairBooking, {
    description: "Book a seat in a session (an interview slot needs the posting) for a registered person: never past its capacity, never twice in one session, never two overlapping bookings for a person.",
  })
  bookInterview(@Arg("slotId", () => ID, { description: "The session to book a seat in." }) slotId: string, @Arg("personId", () => ID, { description: "The registered person (a seeker: themself)." }) personId: string, @Arg("postingId", () => ID, { nullable: true, description: "The booth posting the interview is for (required for an INTERVIEW slot)." }) postingId: string | null, @Ctx() ctx: Context) {
    return bookInterview(ctx.db, ctx.viewer, { slotId, personId, postingId });
  }

  @Authorized()
  @Mutation(() => FairBooking, { description: "Cancel a booking (the person, a caseworker in scope, the organiser) and free its seat." })
  cancelBooking(@Arg("bookingId", () => ID, { description: "The booking's id." }) bookingId: string, @Ctx() ctx: Context) {
    return cancelBooking(ctx.db, ctx.viewer, bookingId);
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairBooking, { description: "Check a registered person in to their booked session (the organiser or the session's employer, while the fair is live)." })
  checkIn(@Arg("sessionId", () => ID, { description: "The session they booked." }) sessionId: string, @Arg("personId", () => ID, { description: "The person who came." }) personId: string, @Ctx() ctx: Context) {
    return checkIn(ctx.db, ctx.viewer, { sessionId, personId });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "SCHEDULED → LIVE." })
  startSession(@Arg("sessionId", () => ID, { description: "The session's id." }) sessionId: string, @Ctx() ctx: Context) {
    return moveSession(ctx.db, ctx.viewer, sessionId, "LIVE");
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER)
  @Mutation(() => FairSession, { description: "LIVE → ENDED." })
  endSession(@Arg("sessionId", () => ID, { description: "The session's id." }) sessionId: string, @Ctx() ctx: Context) {
    return moveSession(ctx.db, ctx.viewer, sessionId, "ENDED");
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER, Role.SEEKER)
  @Mutation(() => FairBooking, {
    description:
      "What came of a booking, once its session has started; each outcome once, only forward, appended to the booking's trail. The person (a seeker, their own booking) says they APPLIED; the session's employer records INTERVIEWED, OFFERED, HIRED (after the person applied) and NO_SHOW; the organiser, for people in scope, any. NO_SHOW only for a person not checked in and without an outcome; the rest only after check-in. All but NO_SHOW create or advance the person's referral, source JOB_FAIR; HIRED records employment.",
  })
  recordFairOutcome(@Arg("bookingId", () => ID, { description: "The booking's id." }) bookingId: string, @Arg("outcome", () => FairOutcome, { description: "What came of it." }) outcome: FairOutcome, @Ctx() ctx: Context) {
    return recordFairOutcome(ctx.db, ctx.viewer, { bookingId, outcome });
  }
}

@Resolver(() => FairBooking)
export class FairBookingResolver {
  @FieldResolver(() => ID, { nullable: true, description: "Who booked — null for employers, who meet people at the fair, not in the ledger." })
  personId(@Root() booking: FairBookingRow, @Ctx() ctx: Context) {
    return bookingPersonShown(ctx.viewer) ? booking.personId : null;
  }
}

@Resolver(() => FairSession)
export class FairSessionResolver {
  @FieldResolver(() => Int, { description: "capacity − booked." })
  seatsLeft(@Root() session: FairSessionRow) {
    return session.capacity - session.booked;
  }
}

@Resolver(() => FairBoothView)
export class FairBoothViewResolver {
  @FieldResolver(() => Employer, { description: "The employer." })
  employer(@Root() booth: BoothAtFair, @Ctx() ctx: Context) {
    return ctx.loaders.employerById.load(booth.employerId);
  }

  @FieldResolver(() => [JobPosting], { description: "Its OPEN postings." })
  async postings(@Root() booth: BoothAtFair, @Ctx() ctx: Context) {
    return (await ctx.loaders.postingById.loadMany(booth.postingIds)).filter((p) => p && !(p instanceof Error));
  }
}

@Resolver(() => EmployerFairStats)
export class EmployerFairStatsResolver {
  @FieldResolver(() => Employer, { description: "The employer." })
  async employer(@Root() row: EmployerFairStatsRow, @Ctx() ctx: Context) {
    return ctx.loaders.employerById.load(row.employerId);
  }
}

@Resolver(() => Person)
export class PersonFairResolver {
  @FieldResolver(() => [FairBooking], {
    description: "The person's bookings at online job fairs (registrations and interview slots), newest first: to whoever may see the person (the person themself, their caseworkers).",
  })
  fairBookings(@Root() person: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.bookingsOfPerson.load(person.id);
  }
}
