import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { and, asc, desc, eq, gt, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import { parseId } from "../../db/parse-id.js";
import { forbidden, notFound } from "../../errors.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, decodeCursor, PageArgs, pageFromRows } from "../../graphql/relay.js";
import { Employer } from "../employers/employer.type.js";
import { checkFirst } from "../../graphql/page-size.js";
import { PersonMatches } from "../matching/match.type.js";
import { getPerson } from "../people/person.service.js";
import { fairCoverage, fairStats, type EmployerFairStats as EmployerFairStatsRow } from "./fair-report.service.js";
import type { FairEventHub, FairEventMessage } from "./fair-events.js";
import { addFairSession, bookInterview, cancelBooking, checkIn, createJobFair, mayOrganise, moveSession, recordFairOutcome, registerBooth, registerForFair, setJobFairStatus } from "./fair.service.js";
import { fairBookings, fairBoothPostings, fairBooths, fairSessions, jobFairs, type FairBookingRow, type FairSessionRow, type JobFairRow } from "./fair.table.js";
import { postings } from "../postings/posting.table.js";
import { JobPosting } from "../postings/posting.type.js";
import { people } from "../people/person.table.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import {
  AddFairSessionInput,
  CreateJobFairInput,
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

const JobFairConnection = connectionType("JobFair", JobFair);
const FairBookingConnection = connectionType("FairBooking", FairBooking);

@ArgsType()
class FairBookingsArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => ID, { nullable: true }) sessionId?: string | null;
}

/**
 * Which of a fair's bookings a viewer sees: all for the organiser (and administrators); a
 * caseworker's people's; a seeker's own; an employer's sessions' (without who — see personId).
 */
function visibleBookings(viewer: Viewer, fair: JobFairRow): SQL {
  if (mayOrganise(viewer, fair)) return sql`true`;
  if (viewer.kind !== "user") throw forbidden("Bookings are for the people, their caseworkers, the organiser and the employers");
  if (viewer.role === Role.EMPLOYER) return sql`${fairBookings.sessionId} in (select id from fair_sessions where employer_id = ${viewer.employerId ?? null})`;
  const scope = scopeCondition(personScope(viewer));
  return sql`${fairBookings.personId} in (select ${people.id} from ${people} where ${scope ?? sql`true`})`;
}

@ArgsType()
class JobFairsArgs extends PageArgs {
  @Field(() => FairStatus, { nullable: true }) status?: FairStatus | null;
  @Field(() => FairKind, { nullable: true }) kind?: FairKind | null;
}

/** Drafts are seen only by who may organise them: administrators, the institution's or region's caseworkers. */
function visibleFairs(viewer: Viewer): SQL | undefined {
  if (viewer.kind === "user" && viewer.role === Role.ADMIN) return undefined;
  const own: SQL[] = [];
  if (viewer.kind === "user" && viewer.role === Role.CASEWORKER) {
    if (viewer.institutionId) own.push(eq(jobFairs.organiserInstitutionId, viewer.institutionId));
    if (viewer.regionCode) own.push(sql`${jobFairs.organiserRegionCode} like ${`${viewer.regionCode}%`}`);
  }
  return or(ne(jobFairs.status, "DRAFT"), ...own);
}

/** The context a subscription runs in: the request's, and the process's event hub. */
export type SubscriptionContext = Context & { fairEvents: FairEventHub };

/** What a subscriber may see of an event: bookings only if theirs, their session's, or as organiser. */
function eventFor(viewer: Viewer, fair: JobFairRow, event: FairEventMessage): FairEvent {
  const mayKnow =
    mayOrganise(viewer, fair) ||
    (viewer.kind === "user" && viewer.role === Role.SEEKER && viewer.personId === event.personId) ||
    (viewer.kind === "user" && viewer.role === Role.EMPLOYER && event.employerId !== null && viewer.employerId === event.employerId);
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
  const id = parseId(fairId, "fairId");
  const [fair] = await ctx.db.select().from(jobFairs).where(eq(jobFairs.id, id));
  if (!fair || (fair.status === "DRAFT" && !mayOrganise(ctx.viewer, fair))) throw notFound("JobFair", id);
  const events = ctx.fairEvents.subscribe(id);
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

@Resolver(() => JobFair)
export class JobFairResolver {
  @Query(() => JobFair, { nullable: true, description: "A fair: public once open (fairs are advertised); a draft only to its organiser." })
  async jobFair(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const [fair] = await ctx.db.select().from(jobFairs).where(eq(jobFairs.id, parseId(id, "id")));
    if (!fair || (fair.status === "DRAFT" && !mayOrganise(ctx.viewer, fair))) return null;
    return fair;
  }

  @Query(() => JobFairConnection, { description: "Fairs, newest first: open, live and closed ones are public; drafts only to their organisers." })
  async jobFairs(@Args(() => JobFairsArgs) args: JobFairsArgs, @Ctx() ctx: Context) {
    const after = decodeCursor(args.after);
    const where = and(visibleFairs(ctx.viewer), args.status ? eq(jobFairs.status, args.status) : undefined, args.kind ? eq(jobFairs.kind, args.kind) : undefined);
    const rows = await ctx.db
      .select()
      .from(jobFairs)
      .where(and(where, after ? lt(jobFairs.id, after) : undefined))
      .orderBy(desc(jobFairs.id))
      .limit(args.first + 1);
    return pageFromRows(rows, args.first, async () => (await ctx.db.$count(jobFairs, where)));
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FairCoverage, { description: "The institutions and HR bureaus within your scope that held fewer online fairs for key groups in the year than the policy asks (Fujian's calendar; a fair counts when it went live and its audience named key-group graduates)." })
  fairCoverage(@Arg("year", () => Int) year: number, @Ctx() ctx: Context) {
    return fairCoverage(ctx.db, ctx.viewer, year);
  }

  @Subscription(() => FairEvent, {
    description:
      "Live updates of a fair over graphql-ws (the same endpoint, authenticated like HTTP): fair status, sessions started and ended, seats freed and taken, bookings confirmed (to those who may see them). Sent when the change commits.",
    subscribe: ({ args, context }) => subscribeToFair(context as SubscriptionContext, String(args.fairId)),
  })
  fairEvents(@Root() event: FairEvent, @Arg("fairId", () => ID) _fairId: string): FairEvent {
    return event;
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.SEEKER)
  @FieldResolver(() => PersonMatches, {
    description: "The fair's booth postings ranked for a person by the matching engine (only those that fit them; ones already referred stay — they may meet the employer here).",
  })
  async recommendedPostings(@Root() fair: JobFairRow, @Arg("personId", () => ID) personId: string, @Arg("first", () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: Context) {
    const person = await getPerson(ctx, ctx.viewer, personId);
    if (!person) throw notFound("Person", personId);
    const booths = await ctx.db
      .selectDistinct({ postingId: fairBoothPostings.postingId })
      .from(fairBoothPostings)
      .innerJoin(fairBooths, eq(fairBooths.id, fairBoothPostings.boothId))
      .where(eq(fairBooths.fairId, fair.id));
    checkFirst(first);
    return ctx.loaders.recommendations.load({
      person,
      first,
      among: {
        fairId: fair.id,
        postingIds: booths.map((b) => b.postingId),
        nothingFitsNote: booths.length === 0 ? "该招聘会尚无展位岗位。" : "该招聘会的展位岗位都不符合条件（学历要求、工作地点或岗位类型不符）。",
      },
    });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @FieldResolver(() => FairStats, { description: "Registrations by category, sessions and seats, bookings, attendance and outcomes, overall and per employer: for the organiser." })
  stats(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    return fairStats(ctx.db, ctx.viewer, fair);
  }

  @FieldResolver(() => [FairBoothView], { description: "Its booths: each employer and the OPEN postings it brought (postings are public)." })
  async booths(@Root() fair: JobFairRow, @Ctx() ctx: Context) {
    const rows = await ctx.db
      .select({ boothId: fairBooths.id, employerId: fairBooths.employerId, postingId: fairBoothPostings.postingId })
      .from(fairBooths)
      .innerJoin(fairBoothPostings, eq(fairBoothPostings.boothId, fairBooths.id))
      .innerJoin(postings, eq(postings.id, fairBoothPostings.postingId))
      .where(and(eq(fairBooths.fairId, fair.id), eq(postings.status, "OPEN"), or(isNull(postings.validUntil), gt(postings.validUntil, sql`now()`))))
      .orderBy(asc(fairBooths.id), desc(fairBoothPostings.postingId));
    const booths = new Map<string, { boothId: string; employerId: string; postingIds: string[] }>();
    for (const r of rows) {
      const booth = booths.get(r.boothId) ?? booths.set(r.boothId, { boothId: r.boothId, employerId: r.employerId, postingIds: [] }).get(r.boothId)!;
      booth.postingIds.push(r.postingId);
    }
    return [...booths.values()];
  }

  @Authorized()
  @FieldResolver(() => FairBookingConnection, {
    description: "Its bookings, newest first, as far as you may see them: the organiser all, a caseworker their people's, a seeker their own, an employer its sessions' (without who).",
  })
  async bookings(@Root() fair: JobFairRow, @Args(() => FairBookingsArgs) args: FairBookingsArgs, @Ctx() ctx: Context) {
    const after = decodeCursor(args.after);
    const where = and(
      eq(fairBookings.fairId, fair.id),
      visibleBookings(ctx.viewer, fair),
      args.personId ? eq(fairBookings.personId, parseId(args.personId, "personId")) : undefined,
      args.sessionId ? eq(fairBookings.sessionId, parseId(args.sessionId, "sessionId")) : undefined,
    );
    const rows = await ctx.db
      .select()
      .from(fairBookings)
      .where(and(where, after ? lt(fairBookings.id, after) : undefined))
      .orderBy(desc(fairBookings.id))
      .limit(args.first + 1);
    return pageFromRows(rows, args.first, async () => ctx.db.$count(fairBookings, where));
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

@Resolver(() => FairSession)
export class FairSessionResolver {
  @FieldResolver(() => Int, { description: "capacity − booked." })
  seatsLeft(@Root() session: FairSessionRow) {
    return session.capacity - session.booked;
  }
}

@Resolver(() => FairBoothView)
export class FairBoothViewResolver {
  @FieldResolver(() => Employer)
  employer(@Root() booth: FairBoothView, @Ctx() ctx: Context) {
    return ctx.loaders.employerById.load(booth.employerId);
  }

  @FieldResolver(() => [JobPosting])
  async postings(@Root() booth: FairBoothView, @Ctx() ctx: Context) {
    return (await ctx.loaders.postingById.loadMany(booth.postingIds)).filter((p) => p && !(p instanceof Error));
  }
}

@Resolver(() => EmployerFairStats)
export class EmployerFairStatsResolver {
  @FieldResolver(() => Employer)
  async employer(@Root() row: EmployerFairStatsRow, @Ctx() ctx: Context) {
    return ctx.loaders.employerById.load(row.employerId);
  }
}
