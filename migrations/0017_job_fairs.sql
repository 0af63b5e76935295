CREATE TYPE "public"."fair_booking_status" AS ENUM('BOOKED', 'CANCELLED', 'CHECKED_IN');--> statement-breakpoint
CREATE TYPE "public"."fair_kind" AS ENUM('CAMPUS', 'EMPLOYMENT_AID_MONTH', 'SPRING_BREEZE', 'LABOUR_COOPERATION', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."fair_session_kind" AS ENUM('PRESENTATION', 'GROUP', 'INTERVIEW');--> statement-breakpoint
CREATE TYPE "public"."fair_session_status" AS ENUM('SCHEDULED', 'LIVE', 'ENDED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."fair_status" AS ENUM('DRAFT', 'OPEN', 'LIVE', 'CLOSED');--> statement-breakpoint
CREATE TABLE "fair_bookings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"fair_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"posting_id" uuid,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"status" "fair_booking_status" DEFAULT 'BOOKED' NOT NULL,
	"outcome" text,
	"booked_by" varchar(100) NOT NULL,
	"booked_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp (3) with time zone,
	"checked_in_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "fair_booth_postings" (
	"booth_id" uuid NOT NULL,
	"posting_id" uuid NOT NULL,
	CONSTRAINT "fair_booth_postings_booth_id_posting_id_pk" PRIMARY KEY("booth_id","posting_id")
);
--> statement-breakpoint
CREATE TABLE "fair_booths" (
	"id" uuid PRIMARY KEY NOT NULL,
	"fair_id" uuid NOT NULL,
	"employer_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fair_registrations" (
	"fair_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"invited" boolean DEFAULT false NOT NULL,
	"registered_by" varchar(100) NOT NULL,
	"registered_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_registrations_fair_id_person_id_pk" PRIMARY KEY("fair_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "fair_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"fair_id" uuid NOT NULL,
	"kind" "fair_session_kind" NOT NULL,
	"employer_id" uuid,
	"title" varchar(200) NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"status" "fair_session_status" DEFAULT 'SCHEDULED' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_sessions_window_check" CHECK ("fair_sessions"."starts_at" < "fair_sessions"."ends_at"),
	CONSTRAINT "fair_sessions_capacity_check" CHECK ("fair_sessions"."capacity" > 0 and ("fair_sessions"."kind" <> 'INTERVIEW' or "fair_sessions"."capacity" = 1)),
	CONSTRAINT "fair_sessions_booked_check" CHECK ("fair_sessions"."booked" >= 0 and "fair_sessions"."booked" <= "fair_sessions"."capacity")
);
--> statement-breakpoint
CREATE TABLE "job_fairs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"title" varchar(200) NOT NULL,
	"kind" "fair_kind" NOT NULL,
	"organiser_institution_id" uuid,
	"organiser_region_code" varchar(6),
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"audience" jsonb NOT NULL,
	"status" "fair_status" DEFAULT 'DRAFT' NOT NULL,
	"created_by" varchar(100) NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_fairs_window_check" CHECK ("job_fairs"."starts_at" < "job_fairs"."ends_at"),
	CONSTRAINT "job_fairs_organiser_check" CHECK (("job_fairs"."organiser_institution_id" is null) <> ("job_fairs"."organiser_region_code" is null))
);
--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD CONSTRAINT "fair_bookings_session_id_fair_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."fair_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD CONSTRAINT "fair_bookings_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD CONSTRAINT "fair_bookings_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD CONSTRAINT "fair_bookings_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_booth_postings" ADD CONSTRAINT "fair_booth_postings_booth_id_fair_booths_id_fk" FOREIGN KEY ("booth_id") REFERENCES "public"."fair_booths"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_booth_postings" ADD CONSTRAINT "fair_booth_postings_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_booths" ADD CONSTRAINT "fair_booths_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_booths" ADD CONSTRAINT "fair_booths_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_registrations" ADD CONSTRAINT "fair_registrations_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_registrations" ADD CONSTRAINT "fair_registrations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_sessions" ADD CONSTRAINT "fair_sessions_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_sessions" ADD CONSTRAINT "fair_sessions_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_organiser_institution_id_institutions_id_fk" FOREIGN KEY ("organiser_institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_organiser_region_code_regions_code_fk" FOREIGN KEY ("organiser_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fair_bookings_one_per_session_idx" ON "fair_bookings" USING btree ("session_id","person_id") WHERE "fair_bookings"."status" <> 'CANCELLED';--> statement-breakpoint
CREATE INDEX "fair_bookings_person_idx" ON "fair_bookings" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "fair_booth_postings_posting_idx" ON "fair_booth_postings" USING btree ("posting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fair_booths_fair_employer_idx" ON "fair_booths" USING btree ("fair_id","employer_id");--> statement-breakpoint
CREATE INDEX "fair_sessions_fair_idx" ON "fair_sessions" USING btree ("fair_id","starts_at");--> statement-breakpoint
CREATE INDEX "job_fairs_starts_idx" ON "job_fairs" USING btree ("starts_at");--> statement-breakpoint
-- Exclusion constraints drizzle cannot write: one employer's sessions never overlap; a person never holds two overlapping live bookings.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "fair_sessions" ADD CONSTRAINT "fair_sessions_employer_overlap" EXCLUDE USING gist ("employer_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("employer_id" IS NOT NULL AND "status" <> 'CANCELLED');
--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD CONSTRAINT "fair_bookings_person_overlap" EXCLUDE USING gist ("person_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("status" <> 'CANCELLED');
