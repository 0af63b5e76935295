CREATE TYPE "public"."population" AS ENUM('KEY_GROUP_GRADUATE', 'POVERTY_LABOURER');--> statement-breakpoint
CREATE TYPE "public"."institution_kind" AS ENUM('UNIVERSITY', 'VOCATIONAL_COLLEGE', 'TECHNICAL_SCHOOL');--> statement-breakpoint
CREATE TYPE "public"."employment_status" AS ENUM('UNEMPLOYED', 'EMPLOYED', 'SELF_EMPLOYED', 'FURTHER_STUDY', 'PUBLIC_WELFARE_POST', 'GRASSROOTS_PROJECT', 'OUT_OF_LABOUR_FORCE');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('MALE', 'FEMALE');--> statement-breakpoint
CREATE TYPE "public"."status_source" AS ENUM('REGISTRATION', 'UPDATE', 'IMPORT', 'REFERRAL');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor" varchar(100) NOT NULL,
	"actor_role" varchar(20) NOT NULL,
	"person_id" uuid NOT NULL,
	"fields" text[] NOT NULL,
	"purpose" varchar(200) NOT NULL,
	"request_id" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"name" varchar(200) NOT NULL,
	"cohort_year" integer NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "person_categories" (
	"person_id" uuid NOT NULL,
	"category_code" varchar(40) NOT NULL,
	"category_id" uuid NOT NULL,
	"rule_version" integer NOT NULL,
	"decided_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_categories_person_id_category_code_pk" PRIMARY KEY("person_id","category_code")
);
--> statement-breakpoint
CREATE TABLE "target_categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"version" integer NOT NULL,
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"population" "population" NOT NULL,
	"rule" jsonb NOT NULL,
	"min_referrals" integer NOT NULL,
	"mentor_eligible" boolean DEFAULT false NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "target_categories_code_version_key" UNIQUE("code","version")
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(20) NOT NULL,
	"name" varchar(100) NOT NULL,
	"kind" "institution_kind" NOT NULL,
	"region_code" varchar(6) NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "institutions_code_unique" UNIQUE("code"),
	CONSTRAINT "institutions_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "employment_history" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"status" "employment_status" NOT NULL,
	"since" date NOT NULL,
	"source" "status_source" NOT NULL,
	"note" varchar(500),
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"recorded_by" varchar(100) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(50) NOT NULL,
	"id_number_sealed" text NOT NULL,
	"id_number_hash" varchar(64) NOT NULL,
	"id_number_masked" varchar(18) NOT NULL,
	"birth_date" date NOT NULL,
	"gender" "gender" NOT NULL,
	"phone_sealed" text,
	"phone_hash" varchar(64),
	"phone_masked" varchar(11),
	"household_region_code" varchar(6) NOT NULL,
	"origin_region_code" varchar(6) NOT NULL,
	"registered_poverty" boolean DEFAULT false NOT NULL,
	"poverty_household_no" varchar(40),
	"minimum_living" boolean DEFAULT false NOT NULL,
	"zero_employment" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"institution_id" uuid,
	"major" varchar(100),
	"degree_level" "education_level",
	"graduation_date" date,
	"leave_school_date" date,
	"employment_status" "employment_status" DEFAULT 'UNEMPLOYED' NOT NULL,
	"employment_status_since" date NOT NULL,
	"able_to_work" boolean DEFAULT true NOT NULL,
	"seeking_work" boolean DEFAULT true NOT NULL,
	"intention_keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"intention_region_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"intention_min_salary" integer,
	"willing_to_relocate" boolean DEFAULT false NOT NULL,
	"open_to_labour_cooperation" boolean DEFAULT false NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"training_wishes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "people_id_number_hash_unique" UNIQUE("id_number_hash"),
	CONSTRAINT "people_graduation_after_birth_chk" CHECK ("people"."graduation_date" IS NULL OR "people"."graduation_date" > "people"."birth_date"),
	CONSTRAINT "people_poverty_household_chk" CHECK ("people"."poverty_household_no" IS NULL OR "people"."registered_poverty"),
	CONSTRAINT "people_min_salary_chk" CHECK ("people"."intention_min_salary" IS NULL OR "people"."intention_min_salary" >= 0)
);
--> statement-breakpoint
ALTER TABLE "person_categories" ADD CONSTRAINT "person_categories_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_categories" ADD CONSTRAINT "person_categories_category_id_target_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."target_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employment_history" ADD CONSTRAINT "employment_history_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_household_region_code_regions_code_fk" FOREIGN KEY ("household_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_origin_region_code_regions_code_fk" FOREIGN KEY ("origin_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_person_idx" ON "audit_log" USING btree ("person_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor","at");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_one_active_idx" ON "campaigns" USING btree ("active") WHERE "campaigns"."active";--> statement-breakpoint
CREATE INDEX "person_categories_code_idx" ON "person_categories" USING btree ("category_code");--> statement-breakpoint
CREATE INDEX "institutions_region_idx" ON "institutions" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "employment_history_person_idx" ON "employment_history" USING btree ("person_id","since");--> statement-breakpoint
CREATE INDEX "people_household_region_idx" ON "people" USING btree ("household_region_code");--> statement-breakpoint
CREATE INDEX "people_origin_region_idx" ON "people" USING btree ("origin_region_code");--> statement-breakpoint
CREATE INDEX "people_institution_idx" ON "people" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "people_created_at_idx" ON "people" USING btree ("created_at");