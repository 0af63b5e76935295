CREATE TYPE "public"."campaign_status" AS ENUM('DRAFT', 'ACTIVE', 'CLOSED');--> statement-breakpoint
CREATE TABLE "campaign_categories" (
	"campaign_id" uuid NOT NULL,
	"category_code" varchar(40) NOT NULL,
	"category_id" uuid NOT NULL,
	"min_referrals" integer,
	CONSTRAINT "campaign_categories_campaign_id_category_code_pk" PRIMARY KEY("campaign_id","category_code"),
	CONSTRAINT "campaign_categories_min_chk" CHECK ("campaign_categories"."min_referrals" IS NULL OR "campaign_categories"."min_referrals" between 0 and 50)
);
--> statement-breakpoint
CREATE TABLE "campaign_kinds" (
	"code" varchar(40) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"population" "population",
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"max_window_days" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "campaign_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "campaign_policies_days_chk" CHECK ("campaign_policies"."max_window_days" between 1 and 731)
);
--> statement-breakpoint
DROP INDEX "campaigns_one_active_idx";--> statement-breakpoint
DROP INDEX "fair_policies_one_active_idx";--> statement-breakpoint
DROP INDEX "matching_policies_one_active_idx";--> statement-breakpoint
DROP INDEX "mentoring_policies_one_active_idx";--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "kind" varchar(40) DEFAULT 'KEY_GROUP_GRADUATES' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "status" "campaign_status" DEFAULT 'DRAFT' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "push_counts_when" varchar(20) DEFAULT 'RECORDED' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "created_by" varchar(100) DEFAULT 'migration' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "activated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "closed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "closed_by" varchar(100);--> statement-breakpoint
ALTER TABLE "fair_policies" ADD COLUMN "effective_from" date DEFAULT '2020-01-01' NOT NULL;--> statement-breakpoint
ALTER TABLE "fair_policies" ALTER COLUMN "effective_from" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "matching_policies" ADD COLUMN "effective_from" date DEFAULT '2020-01-01' NOT NULL;--> statement-breakpoint
ALTER TABLE "matching_policies" ALTER COLUMN "effective_from" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "mentoring_policies" ADD COLUMN "effective_from" date DEFAULT '2020-01-01' NOT NULL;--> statement-breakpoint
ALTER TABLE "mentoring_policies" ALTER COLUMN "effective_from" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD COLUMN "campaign_id" uuid;--> statement-breakpoint
ALTER TABLE "campaign_categories" ADD CONSTRAINT "campaign_categories_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_categories" ADD CONSTRAINT "campaign_categories_category_id_target_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."target_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_categories_code_idx" ON "campaign_categories" USING btree ("category_code");--> statement-breakpoint
-- The kinds of campaign (data): the key-group graduate campaign each autumn, the 2018 plan's poverty-labour action, 就业援助月, 春风行动.
INSERT INTO "campaign_kinds" ("code", "name", "population") VALUES
('KEY_GROUP_GRADUATES', '高校毕业生重点群体就业帮扶专项行动', 'KEY_GROUP_GRADUATE'),
('POVERTY_LABOUR', '建档立卡贫困劳动力就业扶贫行动', 'POVERTY_LABOURER'),
('EMPLOYMENT_AID_MONTH', '就业援助月', NULL),
('SPRING_BREEZE', '春风行动', NULL);--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_kind_campaign_kinds_code_fk" FOREIGN KEY ("kind") REFERENCES "public"."campaign_kinds"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_one_active_per_kind_idx" ON "campaigns" USING btree ("kind") WHERE "campaigns"."status" = 'ACTIVE';--> statement-breakpoint
-- What was active stays ACTIVE; anything else was over.
UPDATE "campaigns" SET "status" = CASE WHEN "active" THEN 'ACTIVE'::campaign_status ELSE 'CLOSED'::campaign_status END,
  "activated_at" = CASE WHEN "active" THEN "created_at" END, "closed_at" = CASE WHEN "active" THEN NULL ELSE now() END,
  "closed_by" = CASE WHEN "active" THEN NULL ELSE 'migration' END;--> statement-breakpoint
-- Each campaign binds every category it counted before: the codes with a minimum (memberships match by code),
-- the minimum being the deciding version's own (NULL), so its figures are the same as before.
INSERT INTO "campaign_categories" ("campaign_id", "category_code", "category_id", "min_referrals")
SELECT c."id", tc."code", (SELECT t2."id" FROM "target_categories" t2 WHERE t2."code" = tc."code" ORDER BY t2."version" DESC LIMIT 1), NULL
FROM "campaigns" c CROSS JOIN (SELECT DISTINCT "code" FROM "target_categories") tc;--> statement-breakpoint
-- Referral runs worked the active campaign; with none active (an operator may have switched it off),
-- the campaign whose window held the run's day, else the newest one (migration 0004 always made one).
UPDATE "campaign_runs" r SET "campaign_id" = coalesce(
  (SELECT "id" FROM "campaigns" WHERE "active" LIMIT 1),
  (SELECT c."id" FROM "campaigns" c WHERE (r."created_at" AT TIME ZONE 'Asia/Shanghai')::date BETWEEN c."starts_on" AND c."ends_on" ORDER BY c."starts_on" DESC LIMIT 1),
  (SELECT c."id" FROM "campaigns" c ORDER BY c."starts_on" DESC LIMIT 1))
WHERE r."kind" = 'REFERRALS';--> statement-breakpoint
ALTER TABLE "campaigns" DROP COLUMN "active";--> statement-breakpoint
ALTER TABLE "fair_policies" DROP COLUMN "active";--> statement-breakpoint
ALTER TABLE "matching_policies" DROP COLUMN "active";--> statement-breakpoint
ALTER TABLE "mentoring_policies" DROP COLUMN "active";--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_window_chk" CHECK ("campaigns"."ends_on" >= "campaigns"."starts_on");--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_push_counts_chk" CHECK ("campaigns"."push_counts_when" in ('RECORDED', 'DELIVERED'));--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_closed_chk" CHECK (("campaigns"."status" = 'CLOSED') = ("campaigns"."closed_at" IS NOT NULL));--> statement-breakpoint
-- Two campaigns of one kind never share a day (btree_gist is loaded by migration 0017). Campaigns this
-- migration closed (rows an operator once wrote by hand, all given one kind) are history, not held to it.
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_kind_window_excl" EXCLUDE USING gist ("kind" WITH =, daterange("starts_on", "ends_on", '[]') WITH &&) WHERE ("closed_by" IS DISTINCT FROM 'migration');--> statement-breakpoint
-- The campaign policy's first version: a window of at most a year and a day (the year-round poverty-labour action fits).
INSERT INTO "campaign_policies" ("id", "version", "max_window_days", "effective_from", "created_by") VALUES (gen_random_uuid(), 1, 366, '2020-01-01', 'migration');--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_referrals_campaign_chk" CHECK ("kind" <> 'REFERRALS' OR "campaign_id" IS NOT NULL);
