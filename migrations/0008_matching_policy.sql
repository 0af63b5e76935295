CREATE TABLE "matching_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"weights" jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "matching_policies_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "matching_policies_one_active_idx" ON "matching_policies" USING btree ("active") WHERE "matching_policies"."active";
--> statement-breakpoint
-- Version 1 of the ranker's weights (policy data; see src/modules/matching/match-score.ts for the factors).
INSERT INTO "matching_policies" ("id", "version", "weights", "active", "created_by") VALUES (gen_random_uuid(), 1, '{"text":0.3,"occupation":0.2,"distance":0.15,"salary":0.1,"education":0.1,"keyGroup":0.05,"workshop":0.04,"freshness":0.03,"headcount":0.03,"employerRepeatDamping":0.85}'::jsonb, true, 'migration');
