CREATE TYPE "public"."follow_up_channel" AS ENUM('PHONE', 'WECHAT', 'VISIT', 'VIDEO');--> statement-breakpoint
CREATE TYPE "public"."follow_up_outcome" AS ENUM('REACHED', 'NOT_REACHED', 'POSTINGS_SHARED', 'INTERVIEW_ARRANGED', 'OTHER');--> statement-breakpoint
CREATE TABLE "mentor_follow_ups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"mentorship_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"mentor_id" uuid NOT NULL,
	"channel" "follow_up_channel" NOT NULL,
	"outcome" "follow_up_outcome" NOT NULL,
	"note" text,
	"at" timestamp (3) with time zone NOT NULL,
	"logged_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"logged_by" varchar(100) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mentoring_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"follow_up_days" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "mentoring_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "mentoring_policies_days_check" CHECK ("mentoring_policies"."follow_up_days" between 1 and 365)
);
--> statement-breakpoint
ALTER TABLE "mentor_follow_ups" ADD CONSTRAINT "mentor_follow_ups_mentorship_id_mentorships_id_fk" FOREIGN KEY ("mentorship_id") REFERENCES "public"."mentorships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_follow_ups" ADD CONSTRAINT "mentor_follow_ups_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_follow_ups" ADD CONSTRAINT "mentor_follow_ups_mentor_id_mentors_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."mentors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_follow_ups_mentorship_idx" ON "mentor_follow_ups" USING btree ("mentorship_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "mentoring_policies_one_active_idx" ON "mentoring_policies" USING btree ("active") WHERE "mentoring_policies"."active";--> statement-breakpoint
-- The first mentoring policy: a mentee with no contact for 14 days is overdue (data: change it with setMentoringPolicy).
INSERT INTO "mentoring_policies" ("id", "version", "follow_up_days", "active", "created_by") VALUES (gen_random_uuid(), 1, 14, true, 'migration');
