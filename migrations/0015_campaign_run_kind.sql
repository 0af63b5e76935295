CREATE TYPE "public"."campaign_run_kind" AS ENUM('REFERRALS', 'MENTORS');--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD COLUMN "kind" "campaign_run_kind" DEFAULT 'REFERRALS' NOT NULL;