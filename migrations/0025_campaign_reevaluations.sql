CREATE TYPE "public"."reevaluation_status" AS ENUM('PENDING', 'RUNNING', 'DONE', 'SUPERSEDED');--> statement-breakpoint
CREATE TABLE "category_reevaluations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reason" varchar(40) NOT NULL,
	"campaign_id" uuid,
	"requested_by" varchar(100) NOT NULL,
	"requested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" "reevaluation_status" DEFAULT 'PENDING' NOT NULL,
	"cursor" uuid,
	"people" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "category_reevaluations_reason_chk" CHECK ("category_reevaluations"."reason" in ('CAMPAIGN_ACTIVATED', 'CAMPAIGN_CLOSED', 'CATEGORY_PUBLISHED', 'REQUESTED')),
	CONSTRAINT "category_reevaluations_finished_chk" CHECK (("category_reevaluations"."status" in ('DONE', 'SUPERSEDED')) = ("category_reevaluations"."finished_at" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "figures_frozen_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "category_reevaluations" ADD CONSTRAINT "category_reevaluations_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "category_reevaluations_open_idx" ON "category_reevaluations" USING btree ("requested_at") WHERE "category_reevaluations"."status" in ('PENDING', 'RUNNING');--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_frozen_chk" CHECK ("campaigns"."figures_frozen_at" IS NULL OR "campaigns"."status" = 'CLOSED');--> statement-breakpoint
-- Campaigns closed through the API before this migration froze their figures when they closed; the ones
-- migration 0023 closed (closed_by 'migration') froze nothing and keep reading the ledger, as does any that has no frozen rows.
UPDATE "campaigns" SET "figures_frozen_at" = "closed_at" WHERE "status" = 'CLOSED' AND "closed_by" IS DISTINCT FROM 'migration'
  AND EXISTS (SELECT 1 FROM "campaign_results" r WHERE r."campaign_id" = "campaigns"."id");
