import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Institution } from "../institutions/institution.type.js";
import { Region } from "../regions/region.type.js";
import { fairBookingStatus, fairKind, fairSessionKind, fairSessionStatus, fairStatus } from "./fair.table.js";

export enum FairKind {
  CAMPUS = "CAMPUS",
  EMPLOYMENT_AID_MONTH = "EMPLOYMENT_AID_MONTH",
  SPRING_BREEZE = "SPRING_BREEZE",
  LABOUR_COOPERATION = "LABOUR_COOPERATION",
  OTHER = "OTHER",
}
registerEnumType(FairKind, {
  name: "FairKind",
  valuesConfig: { CAMPUS: { description: "校园招聘" }, EMPLOYMENT_AID_MONTH: { description: "就业援助月" }, SPRING_BREEZE: { description: "春风行动" }, LABOUR_COOPERATION: { description: "劳务协作（对口帮扶地区）" } },
});
export enum FairStatus {
  DRAFT = "DRAFT",
  OPEN = "OPEN",
  LIVE = "LIVE",
  CLOSED = "CLOSED",
}
registerEnumType(FairStatus, { name: "FairStatus", description: "DRAFT → OPEN (registration) → LIVE → CLOSED; a draft or open fair may be closed." });
export enum FairSessionKind {
  PRESENTATION = "PRESENTATION",
  GROUP = "GROUP",
  INTERVIEW = "INTERVIEW",
}
registerEnumType(FairSessionKind, { name: "FairSessionKind", description: "PRESENTATION (one employer to many), GROUP (a capacity), INTERVIEW (a one-to-one slot)." });
export enum FairSessionStatus {
  SCHEDULED = "SCHEDULED",
  LIVE = "LIVE",
  ENDED = "ENDED",
  CANCELLED = "CANCELLED",
}
registerEnumType(FairSessionStatus, { name: "FairSessionStatus" });
export enum FairBookingStatus {
  BOOKED = "BOOKED",
  CANCELLED = "CANCELLED",
  CHECKED_IN = "CHECKED_IN",
}
registerEnumType(FairBookingStatus, { name: "FairBookingStatus" });
export enum FairOutcome {
  APPLIED = "APPLIED",
  INTERVIEWED = "INTERVIEWED",
  OFFERED = "OFFERED",
  HIRED = "HIRED",
  NO_SHOW = "NO_SHOW",
}
registerEnumType(FairOutcome, { name: "FairOutcome", description: "What came of a booking; all but NO_SHOW create or advance the person's referral (source JOB_FAIR)." });
for (const [db, gql] of [
  [fairKind.enumValues, FairKind],
  [fairStatus.enumValues, FairStatus],
  [fairSessionKind.enumValues, FairSessionKind],
  [fairSessionStatus.enumValues, FairSessionStatus],
  [fairBookingStatus.enumValues, FairBookingStatus],
] as const) {
  if (db.join() !== Object.values(gql).join()) throw new Error("fair enums out of sync");
}

@ObjectType()
export class FairAudience {
  @Field(() => [String]) categoryCodes!: string[];
  @Field(() => [PopulationEnum]) populations!: PopulationEnum[];
  @Field(() => [String]) regionPrefixes!: string[];
}

@ObjectType({ description: "An online job fair (网络招聘会)." })
export class JobFair {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field(() => FairKind) kind!: FairKind;
  @Field(() => ID, { nullable: true }) organiserInstitutionId!: string | null;
  @Field(() => String, { nullable: true, description: "The HR bureau's region, when a bureau organises." }) organiserRegionCode!: string | null;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => FairAudience) audience!: FairAudience;
  @Field(() => FairStatus) status!: FairStatus;
}

@ObjectType({ description: "A presentation, group session or interview slot inside a fair's window." })
export class FairSession {
  @Field(() => ID) id!: string;
  @Field(() => FairSessionKind) kind!: FairSessionKind;
  @Field(() => ID, { nullable: true }) employerId!: string | null;
  @Field() title!: string;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => Int) capacity!: number;
  @Field(() => Int) booked!: number;
  @Field(() => FairSessionStatus) status!: FairSessionStatus;
}

@ObjectType({ description: "A seat in a session for a registered person." })
export class FairBooking {
  @Field(() => ID) id!: string;
  @Field(() => ID) sessionId!: string;
  /** Read through the resolver: employers are not told who booked. */
  personId!: string;
  @Field(() => ID, { nullable: true }) postingId!: string | null;
  @Field(() => FairBookingStatus) status!: FairBookingStatus;
  @Field(() => FairOutcome, { nullable: true }) outcome!: FairOutcome | null;
  @Field() bookedAt!: Date;
}

@ObjectType()
export class FairBooth {
  @Field(() => ID) boothId!: string;
  @Field(() => [ID]) postingIds!: string[];
}

@ObjectType()
export class FairRegistration {
  @Field(() => ID) fairId!: string;
  @Field(() => ID) personId!: string;
  @Field() invited!: boolean;
}

@ObjectType({ description: "Outcomes as a funnel: each count holds the bookings whose outcome reached that step." })
export class FairOutcomeCounts {
  @Field(() => Int) applied!: number;
  @Field(() => Int) interviewed!: number;
  @Field(() => Int) offered!: number;
  @Field(() => Int) hired!: number;
  @Field(() => Int) noShow!: number;
}

@ObjectType()
export class FairCategoryCount {
  @Field() categoryCode!: string;
  @Field(() => Int) registrations!: number;
}

@ObjectType({ description: "One employer at a fair: its booth, its sessions and what came of them." })
export class EmployerFairStats extends FairOutcomeCounts {
  @Field(() => ID) employerId!: string;
  @Field(() => Int) boothPostings!: number;
  @Field(() => Int, { description: "Sessions not called off." }) sessions!: number;
  @Field(() => Int) seats!: number;
  @Field(() => Int, { description: "Bookings in its sessions, not cancelled." }) bookings!: number;
  @Field(() => Int) checkedIn!: number;
}

@ObjectType({ description: "A fair's figures, for its organiser." })
export class FairStats extends FairOutcomeCounts {
  @Field(() => Int) registrations!: number;
  @Field(() => Int, { description: "Registered by the organiser's invitation." }) invited!: number;
  @Field(() => [FairCategoryCount], { description: "By the registered people's current target categories (one in two counts in both)." })
  registrationsByCategory!: FairCategoryCount[];
  @Field(() => Int) registrationsWithoutCategory!: number;
  @Field(() => Int, { description: "Sessions not called off." }) sessions!: number;
  @Field(() => Int) seats!: number;
  @Field(() => Int, { description: "Bookings not cancelled." }) bookings!: number;
  @Field(() => Int) cancelledBookings!: number;
  @Field(() => Int, { description: "Bookings checked in (attendance)." }) checkedIn!: number;
  @Field(() => Int, { description: "People checked in to at least one session." }) attendees!: number;
  @Field(() => [EmployerFairStats], { description: "Most hires first." }) byEmployer!: EmployerFairStats[];
}

@ObjectType({ description: "Who held fewer online fairs for key groups in a year than the policy asks (each institution and HR bureau: at least one)." })
export class FairCoverage {
  @Field(() => Int) year!: number;
  @Field(() => Int, { description: "Key-group fairs each should hold a year (policy data)." }) required!: number;
  @Field(() => Int, { description: "Institutions within your scope." }) institutions!: number;
  @Field(() => [Institution]) institutionsWithout!: Institution[];
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
  valuesConfig: {
    FAIR_STATUS: { description: "The fair's status changed (see fairStatus)." },
    SESSION_CANCELLED: { description: "Called off (its fair closed before it began): its bookings are cancelled." },
    SLOT_TAKEN: { description: "A seat was booked by someone whose booking you do not see." },
    BOOKING_CONFIRMED: { description: "A booking you may see was made (yours, your session's, or as organiser)." },
    SLOT_FREED: { description: "A booking was cancelled: a seat is free." },
    RESYNC: { description: "Events may have been missed (the server lost its database connection, or you fell 1,000 events behind): re-read the fair." },
  },
});

@ObjectType({ description: "A live update of a fair." })
export class FairEvent {
  @Field(() => FairEventKind) kind!: FairEventKind;
  @Field(() => ID) fairId!: string;
  @Field(() => ID, { nullable: true }) sessionId!: string | null;
  @Field(() => Int, { nullable: true, description: "Seats left in the session after the change." }) seatsLeft!: number | null;
  @Field(() => FairStatus, { nullable: true }) fairStatus!: FairStatus | null;
  @Field(() => ID, { nullable: true, description: "BOOKING_CONFIRMED, and SLOT_FREED for those who may see the booking." }) bookingId!: string | null;
  @Field() at!: Date;
}

@ObjectType({ description: "An employer's booth: who, and the OPEN postings it brought." })
export class FairBoothView {
  @Field(() => ID) boothId!: string;
  @Field(() => ID) employerId!: string;
  @Field(() => [ID]) postingIds!: string[];
}
