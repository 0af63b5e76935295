CREATE TYPE "public"."referral_source" AS ENUM('SYSTEM', 'CASEWORKER', 'MENTOR', 'JOB_FAIR', 'PARTNER');--> statement-breakpoint
CREATE TYPE "public"."referral_status" AS ENUM('RECOMMENDED', 'VIEWED', 'APPLIED', 'INTERVIEWED', 'OFFERED', 'HIRED', 'DECLINED', 'WITHDRAWN', 'POSTING_CLOSED');--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"from_status" "referral_status",
	"to_status" "referral_status" NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"by" varchar(100) NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"posting_id" uuid NOT NULL,
	"source" "referral_source" NOT NULL,
	"made_by" varchar(100) NOT NULL,
	"made_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" "referral_status" DEFAULT 'RECOMMENDED' NOT NULL,
	"status_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"fitted" boolean NOT NULL,
	"note" text,
	"campaign_run_id" uuid,
	CONSTRAINT "referrals_person_posting_key" UNIQUE("person_id","posting_id")
);
--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" USING btree ("referral_id");--> statement-breakpoint
CREATE INDEX "referrals_posting_open_idx" ON "referrals" USING btree ("posting_id") WHERE "referrals"."status" in ('RECOMMENDED', 'VIEWED', 'APPLIED', 'INTERVIEWED');