CREATE TABLE "campaign_subsidy_results" (
	"campaign_id" uuid NOT NULL,
	"claim_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"household_region_code" varchar(6) NOT NULL,
	"origin_region_code" varchar(6) NOT NULL,
	"institution_id" uuid,
	"scheme_code" varchar(40) NOT NULL,
	"employer_id" uuid,
	"state" varchar(14) NOT NULL,
	"max_amount_yuan" integer NOT NULL,
	"approved_amount_yuan" integer,
	CONSTRAINT "campaign_subsidy_results_campaign_id_claim_id_pk" PRIMARY KEY("campaign_id","claim_id")
);
--> statement-breakpoint
CREATE TABLE "subsidy_disclosure_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"min_count" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "subsidy_disclosure_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "subsidy_disclosure_policies_min_chk" CHECK ("subsidy_disclosure_policies"."min_count" between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "campaign_subsidy_results" ADD CONSTRAINT "campaign_subsidy_results_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_subsidy_results" ADD CONSTRAINT "campaign_subsidy_results_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- An employer sees counts of claims naming people who did not consent only from 3 up (a smaller count points at the few it hired).
INSERT INTO "subsidy_disclosure_policies" ("id", "version", "min_count", "effective_from", "created_by") VALUES (gen_random_uuid(), 1, 3, '2018-01-01', 'migration');
--> statement-breakpoint
-- Campaigns whose figures were frozen before this migration froze no claims: their subsidy sheet holds the claims of their people as they stand now (what closed them is not known).
INSERT INTO "campaign_subsidy_results" ("campaign_id", "claim_id", "person_id", "household_region_code", "origin_region_code", "institution_id", "scheme_code", "employer_id", "state", "max_amount_yuan", "approved_amount_yuan")
SELECT camp."id", c."id", c."person_id", p."household_region_code", p."origin_region_code", p."institution_id", c."scheme_code", c."employer_id", c."state", c."max_amount_yuan", c."approved_amount_yuan"
FROM "campaigns" camp JOIN "subsidy_claims" c ON true JOIN "people" p ON p."id" = c."person_id"
WHERE camp."figures_frozen_at" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "person_categories" pc JOIN "campaign_categories" cc ON cc."category_code" = pc."category_code" WHERE pc."person_id" = c."person_id" AND cc."campaign_id" = camp."id")
ON CONFLICT DO NOTHING;
