import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Institution } from "../institutions/institution.type.js";
import { Region } from "../regions/region.type.js";
import { fairBookingStatus, fairKind, fairSessionKind, fairSessionStatus, fairStatus } from "./fair.table.js";
import { Node } from "../../graphql/node-interface.js";

export enum FairKind {
  CAMPUS = "CAMPUS",
  EMPLOYMENT_AID_MONTH = "EMPLOYMENT_AID_MONTH",
  SPRING_BREEZE = "SPRING_BREEZE",
  LABOUR_COOPERATION = "LABOUR_COOPERATION",
  OTHER = "OTHER",
}
registerEnumType(FairKind, {
  name: "FairKind",
  description: "The kind of a fair, as the policy names the campaigns that hold them.",
  valuesConfig: {
    CAMPUS: { description: "校园招聘" },
    EMPLOYMENT_AID_MONTH: { description: "就业援助月" },
    SPRING_BREEZE: { description: "春风行动" },
    LABOUR_COOPERATION: { description: "劳务协作（对口帮扶地区）" },
    OTHER: { description: "Any other fair." },
  },
});
export enum FairStatus {
  DRAFT = "DRAFT",
  OPEN = "OPEN",
  LIVE = "LIVE",
  CLOSED = "CLOSED",
}
registerEnumType(FairStatus, {
  name: "FairStatus",
  description: "DRAFT → OPEN (registration) → LIVE → CLOSED; a draft or open fair may be closed.",
  valuesConfig: {
    DRAFT: { description: "Being prepared; seen only by its organiser." },
    OPEN: { description: "Advertised and taking registrations, booths and bookings." },
    LIVE: { description: "Running: sessions start, people check in, outcomes are recorded." },
    CLOSED: { description: "Over (or called off before going live); it changes no more." },
  },
});
export enum FairSessionKind {
  PRESENTATION = "PRESENTATION",
  GROUP = "GROUP",
  INTERVIEW = "INTERVIEW",
}
registerEnumType(FairSessionKind, {
  name: "FairSessionKind",
  description: "PRESENTATION (one employer to many), GROUP (a capacity), INTERVIEW (a one-to-one slot).",
  valuesConfig: {
    PRESENTATION: { description: "One employer presenting to many (宣讲会)." },
    GROUP: { description: "A group session with a set capacity." },
    INTERVIEW: { description: "A one-to-one interview slot for one posting." },
  },
});
export enum FairSessionStatus {
  SCHEDULED = "SCHEDULED",
  LIVE = "LIVE",
  ENDED = "ENDED",
  CANCELLED = "CANCELLED",
}
registerEnumType(FairSessionStatus, {
  name: "FairSessionStatus",
  description: "Where a session stands.",
  valuesConfig: {
    SCHEDULED: { description: "Not started yet; bookable." },
    LIVE: { description: "Started (startSession)." },
    ENDED: { description: "Ended (endSession)." },
    CANCELLED: { description: "Called off: its fair closed before it began; its bookings are cancelled." },
  },
});
export enum FairBookingStatus {
  BOOKED = "BOOKED",
  CANCELLED = "CANCELLED",
  CHECKED_IN = "CHECKED_IN",
}
registerEnumType(FairBookingStatus, {
  name: "FairBookingStatus",
  description: "Where a booking stands.",
  valuesConfig: {
    BOOKED: { description: "A seat is held." },
    CANCELLED: { description: "Cancelled; the seat is free again." },
    CHECKED_IN: { description: "The person came (checked in by the organiser or the session's employer)." },
  },
});
export enum FairOutcome {
  APPLIED = "APPLIED",
  INTERVIEWED = "INTERVIEWED",
  OFFERED = "OFFERED",
  HIRED = "HIRED",
  NO_SHOW = "NO_SHOW",
}
registerEnumType(FairOutcome, {
  name: "FairOutcome",
  description: "What came of a booking; all but NO_SHOW create or advance the person's referral (source JOB_FAIR).",
  valuesConfig: {
    APPLIED: { description: "The person applied for the posting (said by the person, or recorded by the organiser)." },
    INTERVIEWED: { description: "The employer interviewed the person." },
    OFFERED: { description: "The employer offered the person the job." },
    HIRED: { description: "The employer hired the person (their employment is recorded)." },
    NO_SHOW: { description: "The person did not come (only without check-in and without another outcome)." },
  },
});
for (const [db, gql] of [
  [fairKind.enumValues, FairKind],
  [fairStatus.enumValues, FairStatus],
  [fairSessionKind.enumValues, FairSessionKind],
  [fairSessionStatus.enumValues, FairSessionStatus],
  [fairBookingStatus.enumValues, FairBookingStatus],
] as const) {
  if (db.join() !== Object.values(gql).join()) throw new Error("fair enums out of sync");
}

@ObjectType({ description: "Who may register for a fair. A person must match a region prefix (if any are listed) and hold one of the categories or be of one of the populations (if any are listed)." })
export class FairAudience {
  @Field(() => [String], { description: "Target category codes; holding any one of them admits." }) categoryCodes!: string[];
  @Field(() => [PopulationEnum], { description: "Populations; holding a category of any one of them admits." }) populations!: PopulationEnum[];
  @Field(() => [String], { description: "Region-code prefixes; a person whose 户籍 or 生源地 starts with one is inside (empty: anywhere)." }) regionPrefixes!: string[];
}

@ObjectType({ implements: Node, description: "An online job fair (网络招聘会)." })
export class JobFair {
  @Field(() => ID, { description: "The fair's id." }) id!: string;
  @Field({ description: "The fair's title, as advertised (at most 200 characters)." }) title!: string;
  @Field(() => FairKind, { description: "What kind of fair it is." }) kind!: FairKind;
  @Field(() => ID, { nullable: true, description: "The organising institution, when an institution organises (else an HR bureau: organiserRegionCode)." }) organiserInstitutionId!: string | null;
  @Field(() => String, { nullable: true, description: "The HR bureau's region, when a bureau organises." }) organiserRegionCode!: string | null;
  @Field({ description: "When the fair opens (the start of its window)." }) startsAt!: Date;
  @Field({ description: "When the fair ends; at most the fair policy's maxFairDays after startsAt." }) endsAt!: Date;
  @Field(() => FairAudience, { description: "Who may register (empty lists: anyone)." }) audience!: FairAudience;
  @Field(() => FairStatus, { description: "Where the fair is in its life: DRAFT, OPEN, LIVE or CLOSED." }) status!: FairStatus;
}

@ObjectType({ description: "A presentation, group session or interview slot inside a fair's window." })
export class FairSession {
  @Field(() => ID, { description: "The session's id." }) id!: string;
  @Field(() => FairSessionKind, { description: "PRESENTATION, GROUP or INTERVIEW." }) kind!: FairSessionKind;
  @Field(() => ID, { nullable: true, description: "The employer holding it (null only for a GROUP session the organiser holds)." }) employerId!: string | null;
  @Field({ description: "Its title (at most 200 characters)." }) title!: string;
  @Field({ description: "When it starts (inside the fair's window)." }) startsAt!: Date;
  @Field({ description: "When it ends (inside the fair's window)." }) endsAt!: Date;
  @Field(() => Int, { description: "Seats (1–5,000; 1 for an interview slot)." }) capacity!: number;
  @Field(() => Int, { description: "Seats booked (bookings not cancelled)." }) booked!: number;
  @Field(() => FairSessionStatus, { description: "SCHEDULED, LIVE, ENDED or CANCELLED." }) status!: FairSessionStatus;
}

@ObjectType({ description: "A seat in a session for a registered person." })
export class FairBooking {
  @Field(() => ID, { description: "The booking's id." }) id!: string;
  @Field(() => ID, { description: "The session booked." }) sessionId!: string;
  /** Read through the resolver: employers are not told who booked. */
  personId!: string;
  @Field(() => ID, { nullable: true, description: "The posting an interview is for (always set for an INTERVIEW slot; optional otherwise)." }) postingId!: string | null;
  @Field(() => FairBookingStatus, { description: "BOOKED, CANCELLED or CHECKED_IN." }) status!: FairBookingStatus;
  @Field(() => FairOutcome, { nullable: true, description: "The furthest outcome recorded, or null while none is." }) outcome!: FairOutcome | null;
  @Field({ description: "When it was booked." }) bookedAt!: Date;
}

@ObjectType({ description: "A booth as registered: the employer's postings at one fair." })
export class FairBooth {
  @Field(() => ID, { description: "The booth's id." }) boothId!: string;
  @Field(() => [ID], { description: "Its postings' ids." }) postingIds!: string[];
}

@ObjectType({ description: "A person registered for a fair." })
export class FairRegistration {
  @Field(() => ID, { description: "The fair." }) fairId!: string;
  @Field(() => ID, { description: "The person." }) personId!: string;
  @Field({ description: "Whether the organiser invited them (so the audience did not have to admit them)." }) invited!: boolean;
}

@ObjectType({ description: "Outcomes as a funnel: each count holds the bookings whose outcome reached that step." })
export class FairOutcomeCounts {
  @Field(() => Int, { description: "Bookings whose person applied (or got further)." }) applied!: number;
  @Field(() => Int, { description: "Bookings whose person was interviewed (or got further)." }) interviewed!: number;
  @Field(() => Int, { description: "Bookings whose person was offered the job (or hired)." }) offered!: number;
  @Field(() => Int, { description: "Bookings whose person was hired." }) hired!: number;
  @Field(() => Int, { description: "Bookings whose person did not come." }) noShow!: number;
}

@ObjectType({ description: "How many registered people hold one target category." })
export class FairCategoryCount {
  @Field({ description: "The target category's code." }) categoryCode!: string;
  @Field(() => Int, { description: "Registered people holding it now." }) registrations!: number;
}

@ObjectType({ description: "One employer at a fair: its booth, its sessions and what came of them." })
export class EmployerFairStats extends FairOutcomeCounts {
  @Field(() => ID, { description: "The employer's id." }) employerId!: string;
  @Field(() => Int, { description: "Postings at its booth." }) boothPostings!: number;
  @Field(() => Int, { description: "Sessions not called off." }) sessions!: number;
  @Field(() => Int, { description: "Seats in its sessions not called off." }) seats!: number;
  @Field(() => Int, { description: "Bookings in its sessions, not cancelled." }) bookings!: number;
  @Field(() => Int, { description: "Bookings in its sessions checked in." }) checkedIn!: number;
}

@ObjectType({ description: "A fair's figures, for its organiser." })
export class FairStats extends FairOutcomeCounts {
  @Field(() => Int, { description: "People registered for the fair." }) registrations!: number;
  @Field(() => Int, { description: "Registered by the organiser's invitation." }) invited!: number;
  @Field(() => [FairCategoryCount], { description: "By the registered people's current target categories (one in two counts in both)." })
  registrationsByCategory!: FairCategoryCount[];
  @Field(() => Int, { description: "Registered people in no target category." }) registrationsWithoutCategory!: number;
  @Field(() => Int, { description: "Sessions not called off." }) sessions!: number;
  @Field(() => Int, { description: "Seats in its sessions not called off (their capacities summed)." }) seats!: number;
  @Field(() => Int, { description: "Bookings not cancelled." }) bookings!: number;
  @Field(() => Int, { description: "Bookings cancelled (by the person, a caseworker, the organiser, or the fair closing)." }) cancelledBookings!: number;
  @Field(() => Int, { description: "Bookings checked in (attendance)." }) checkedIn!: number;
  @Field(() => Int, { description: "People checked in to at least one session." }) attendees!: number;
  @Field(() => [EmployerFairStats], { description: "Most hires first." }) byEmployer!: EmployerFairStats[];
}

@ObjectType({ description: "Who held fewer online fairs for key groups in a year than the policy asks (each institution and HR bureau: at least one)." })
export class FairCoverage {
  @Field(() => Int, { description: "The calendar year (Fujian time) the figures are for." }) year!: number;
  @Field(() => Int, { description: "Key-group fairs each should hold a year (policy data)." }) required!: number;
  @Field(() => Int, { description: "Institutions within your scope." }) institutions!: number;
  @Field(() => [Institution], { description: "The institutions within your scope short of the target." }) institutionsWithout!: Institution[];
  @Field(() => Int, { description: "HR bureaus (Fujian's province, prefectures and counties) within your scope." }) bureaus!: number;
  @Field(() => [Region], { description: "HR bureaus, by their region." }) bureausWithout!: Region[];
}

export enum FairEventKind {
  FAIR_STATUS = "FAIR_STATUS",
  SESSION_STARTED = "SESSION_STARTED",
  SESSION_ENDED = "SESSION_ENDED",
  SESSION_CANCELLED = "SESSION_CANCELLED",
  SLOT_FREED = "SLOT_FREED",
  SLOT_TAKEN = "SLOT_TAKEN",
  BOOKING_CONFIRMED = "BOOKING_CONFIRMED",
  RESYNC = "RESYNC",
}
registerEnumType(FairEventKind, {
  name: "FairEventKind",
  description: "What a live fair event says happened.",
  valuesConfig: {
    FAIR_STATUS: { description: "The fair's status changed (see fairStatus)." },
    SESSION_CANCELLED: { description: "Called off (its fair closed before it began): its bookings are cancelled." },
    SLOT_TAKEN: { description: "A seat was booked by someone whose booking you do not see." },
    BOOKING_CONFIRMED: { description: "A booking you may see was made (yours, your session's, or as organiser)." },
    SLOT_FREED: { description: "A booking was cancelled: a seat is free." },
    RESYNC: { description: "Events may have been missed (the server lost its database connection, or you fell 1,000 events behind): re-read the fair." },
    SESSION_STARTED: { description: "A session went LIVE." },
    SESSION_ENDED: { description: "A session ENDED." },
  },
});

@ObjectType({ description: "A live update of a fair." })
export class FairEvent {
  @Field(() => FairEventKind, { description: "What happened." }) kind!: FairEventKind;
  @Field(() => ID, { description: "The fair." }) fairId!: string;
  @Field(() => ID, { nullable: true, description: "The session it concerns (null for FAIR_STATUS and RESYNC)." }) sessionId!: string | null;
  @Field(() => Int, { nullable: true, description: "Seats left in the session after the change." }) seatsLeft!: number | null;
  @Field(() => FairStatus, { nullable: true, description: "The fair's new status (FAIR_STATUS only)." }) fairStatus!: FairStatus | null;
  @Field(() => ID, { nullable: true, description: "BOOKING_CONFIRMED, and SLOT_FREED for those who may see the booking." }) bookingId!: string | null;
  @Field({ description: "When the change committed." }) at!: Date;
}

@ObjectType({ description: "An employer's booth: who, and the OPEN postings it brought." })
export class FairBoothView {
  @Field(() => ID, { description: "The booth's id." }) boothId!: string;
  @Field(() => ID, { description: "The employer's id." }) employerId!: string;
  @Field(() => [ID], { description: "Its postings' ids (OPEN ones; a posting that closes leaves every booth)." }) postingIds!: string[];
}
