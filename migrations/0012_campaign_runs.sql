CREATE TYPE "public"."campaign_run_item_state" AS ENUM('PENDING', 'DONE', 'BELOW');--> statement-breakpoint
CREATE TYPE "public"."campaign_run_status" AS ENUM('QUEUED', 'RUNNING', 'DONE');--> statement-breakpoint
CREATE TABLE "campaign_run_items" (
	"run_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"state" "campaign_run_item_state" DEFAULT 'PENDING' NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"remaining" integer,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp (3) with time zone,
	CONSTRAINT "campaign_run_items_run_id_person_id_pk" PRIMARY KEY("run_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "campaign_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scope" jsonb NOT NULL,
	"status" "campaign_run_status" DEFAULT 'QUEUED' NOT NULL,
	"created_by" varchar(100) NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "campaign_run_items" ADD CONSTRAINT "campaign_run_items_run_id_campaign_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."campaign_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_run_items" ADD CONSTRAINT "campaign_run_items_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_run_items_pending_idx" ON "campaign_run_items" USING btree ("run_id","person_id") WHERE "campaign_run_items"."state" = 'PENDING';--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_campaign_run_id_campaign_runs_id_fk" FOREIGN KEY ("campaign_run_id") REFERENCES "public"."campaign_runs"("id") ON DELETE no action ON UPDATE no action;