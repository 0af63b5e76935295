CREATE TYPE "public"."education_level" AS ENUM('NONE', 'JUNIOR_HIGH', 'HIGH_SCHOOL', 'ASSOCIATE', 'BACHELOR', 'MASTER', 'DOCTORATE');--> statement-breakpoint
CREATE TYPE "public"."posting_kind" AS ENUM('REGULAR', 'TRAINEESHIP', 'GRASSROOTS', 'PUBLIC_WELFARE', 'HOUSEHOLD_SERVICE');--> statement-breakpoint
CREATE TYPE "public"."posting_source" AS ENUM('EMPLOYER', 'PARTNER');--> statement-breakpoint
CREATE TYPE "public"."posting_status" AS ENUM('DRAFT', 'OPEN', 'CLOSED', 'EXPIRED', 'BLOCKED');--> statement-breakpoint
CREATE TYPE "public"."region_level" AS ENUM('PROVINCE', 'PREFECTURE', 'COUNTY');--> statement-breakpoint
CREATE TABLE "employers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"credit_code" varchar(18) NOT NULL,
	"region_code" varchar(6) NOT NULL,
	"is_poverty_workshop" boolean DEFAULT false NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "employers_credit_code_unique" UNIQUE("credit_code")
);
--> statement-breakpoint
CREATE TABLE "partner_api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partner_id" uuid NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"key_prefix" varchar(16) NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	CONSTRAINT "partner_api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "partners_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "postings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"employer_id" uuid NOT NULL,
	"title" varchar(100) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"occupation" varchar(100),
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"majors" text[] DEFAULT '{}'::text[] NOT NULL,
	"min_education" "education_level" DEFAULT 'NONE' NOT NULL,
	"region_code" varchar(6) NOT NULL,
	"salary_min" integer,
	"salary_max" integer,
	"headcount" integer DEFAULT 1 NOT NULL,
	"kind" "posting_kind" DEFAULT 'REGULAR' NOT NULL,
	"for_key_groups" boolean DEFAULT false NOT NULL,
	"status" "posting_status" DEFAULT 'DRAFT' NOT NULL,
	"blocked_reason" text,
	"valid_until" timestamp (3) with time zone NOT NULL,
	"published_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"source" "posting_source" DEFAULT 'EMPLOYER' NOT NULL,
	"partner_id" uuid,
	"external_id" varchar(100),
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "postings_partner_external_id_key" UNIQUE("partner_id","external_id"),
	CONSTRAINT "postings_salary_range_chk" CHECK ("postings"."salary_min" IS NULL OR "postings"."salary_max" IS NULL OR "postings"."salary_min" <= "postings"."salary_max"),
	CONSTRAINT "postings_salary_nonnegative_chk" CHECK (coalesce("postings"."salary_min", 0) >= 0 AND coalesce("postings"."salary_max", 0) >= 0),
	CONSTRAINT "postings_headcount_chk" CHECK ("postings"."headcount" BETWEEN 1 AND 100000),
	CONSTRAINT "postings_source_chk" CHECK (("postings"."source" = 'PARTNER') = ("postings"."partner_id" IS NOT NULL AND "postings"."external_id" IS NOT NULL)),
	CONSTRAINT "postings_blocked_reason_chk" CHECK ("postings"."status" <> 'BLOCKED' OR "postings"."blocked_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" varchar(6) PRIMARY KEY NOT NULL,
	"level" "region_level" NOT NULL,
	"name" varchar(64) NOT NULL,
	"parent_code" varchar(6),
	"lng" double precision,
	"lat" double precision,
	"poverty52" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "employers" ADD CONSTRAINT "employers_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_api_keys" ADD CONSTRAINT "partner_api_keys_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "employers_region_code_idx" ON "employers" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "partner_api_keys_partner_idx" ON "partner_api_keys" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "postings_employer_idx" ON "postings" USING btree ("employer_id","id");--> statement-breakpoint
CREATE INDEX "postings_status_valid_idx" ON "postings" USING btree ("status","valid_until");--> statement-breakpoint
CREATE INDEX "postings_region_idx" ON "postings" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "regions_parent_code_idx" ON "regions" USING btree ("parent_code");