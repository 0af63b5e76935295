CREATE TABLE "fair_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"max_fair_days" integer NOT NULL,
	"key_group_fairs_per_year" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "fair_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "fair_policies_days_check" CHECK ("fair_policies"."max_fair_days" between 1 and 366),
	CONSTRAINT "fair_policies_per_year_check" CHECK ("fair_policies"."key_group_fairs_per_year" between 1 and 52)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fair_policies_one_active_idx" ON "fair_policies" USING btree ("active") WHERE "fair_policies"."active";--> statement-breakpoint
-- The first version: a fair runs at most 62 days (a campaign month, with room); one key-group fair a year each (DOMAIN §5).
INSERT INTO "fair_policies" ("id", "version", "max_fair_days", "key_group_fairs_per_year", "active", "created_by")
VALUES ('01900000-0000-7000-8000-00000000fa01', 1, 62, 1, true, 'migration');
