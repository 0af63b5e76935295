CREATE TABLE "occupation_salaries" (
	"keyword" varchar(40) PRIMARY KEY NOT NULL,
	"p90_max" integer NOT NULL,
	"sample" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "posting_screenings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"posting_id" uuid NOT NULL,
	"rule_code" varchar(40) NOT NULL,
	"rule_version" integer NOT NULL,
	"severity" varchar(4) NOT NULL,
	"field" varchar(30) NOT NULL,
	"span_start" integer,
	"span_end" integer,
	"excerpt" text NOT NULL,
	"approved" boolean DEFAULT false NOT NULL,
	"screened_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "posting_screenings_severity_chk" CHECK ("posting_screenings"."severity" in ('HIGH', 'LOW'))
);
--> statement-breakpoint
CREATE TABLE "screening_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"version" integer NOT NULL,
	"description" text NOT NULL,
	"severity" varchar(4) NOT NULL,
	"matcher" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "screening_rules_code_version_key" UNIQUE("code","version"),
	CONSTRAINT "screening_rules_severity_chk" CHECK ("screening_rules"."severity" in ('HIGH', 'LOW')),
	CONSTRAINT "screening_rules_description_chk" CHECK (length(btrim("screening_rules"."description")) > 0),
	CONSTRAINT "screening_rules_code_chk" CHECK ("screening_rules"."code" ~ '^[A-Z][A-Z0-9_]{1,39}$')
);
--> statement-breakpoint
ALTER TABLE "postings" ADD COLUMN "held_by_screening" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "posting_screenings" ADD CONSTRAINT "posting_screenings_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "posting_screenings_posting_idx" ON "posting_screenings" USING btree ("posting_id");--> statement-breakpoint
-- [screen] A posting held by screening is PENDING_REVIEW: a release or a block clears the flag in the same write.
-- (::text: the enum value was added in 0037, and a fresh database applies both in one transaction, where it may not be used yet.)
ALTER TABLE "postings" ADD CONSTRAINT "postings_held_by_screening_chk" CHECK (NOT "postings"."held_by_screening" OR "postings"."status"::text = 'PENDING_REVIEW');
