ALTER TYPE "public"."referral_source" ADD VALUE 'SELF';--> statement-breakpoint
CREATE TABLE "application_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"max_per_day" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "application_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "application_policies_max_chk" CHECK ("application_policies"."max_per_day" between 1 and 1000)
);
--> statement-breakpoint
-- The first application policy: 20 a Fujian day (seekers' own applications and their moves of a referral to APPLIED).
INSERT INTO "application_policies" ("id", "version", "max_per_day", "effective_from", "created_by") VALUES ('01900000-0000-7000-8000-0000000a0001', 1, 20, '2020-01-01', 'migration:0028');
