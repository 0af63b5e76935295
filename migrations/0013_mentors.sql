CREATE TYPE "public"."mentor_match" AS ENUM('INSTITUTION', 'COUNTY', 'PREFECTURE', 'CHOSEN');--> statement-breakpoint
CREATE TYPE "public"."mentorship_end" AS ENUM('REASSIGNED', 'MENTOR_DEACTIVATED', 'EMPLOYED', 'ENDED_BY_CASEWORKER');--> statement-breakpoint
CREATE TABLE "mentors" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" varchar(100),
	"name" varchar(50) NOT NULL,
	"phone_sealed" text,
	"phone_masked" varchar(11),
	"institution_id" uuid,
	"region_code" varchar(6),
	"capacity" integer NOT NULL,
	"active_mentees" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	"deactivated_at" timestamp (3) with time zone,
	CONSTRAINT "mentors_capacity_check" CHECK ("mentors"."capacity" > 0),
	CONSTRAINT "mentors_load_check" CHECK ("mentors"."active_mentees" >= 0 and "mentors"."active_mentees" <= "mentors"."capacity"),
	CONSTRAINT "mentors_placed_check" CHECK ("mentors"."institution_id" is not null or "mentors"."region_code" is not null)
);
--> statement-breakpoint
CREATE TABLE "mentorships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"mentor_id" uuid NOT NULL,
	"matched_by" "mentor_match" NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_by" varchar(100) NOT NULL,
	"override_reason" text,
	"ended_at" timestamp (3) with time zone,
	"ended_by" varchar(100),
	"end_reason" "mentorship_end"
);
--> statement-breakpoint
ALTER TABLE "mentors" ADD CONSTRAINT "mentors_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentors" ADD CONSTRAINT "mentors_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentorships" ADD CONSTRAINT "mentorships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentorships" ADD CONSTRAINT "mentorships_mentor_id_mentors_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."mentors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mentors_user_idx" ON "mentors" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mentors_region_idx" ON "mentors" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "mentors_institution_idx" ON "mentors" USING btree ("institution_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mentorships_one_active_idx" ON "mentorships" USING btree ("person_id") WHERE "mentorships"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "mentorships_mentor_active_idx" ON "mentorships" USING btree ("mentor_id") WHERE "mentorships"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "mentorships_person_idx" ON "mentorships" USING btree ("person_id","started_at");