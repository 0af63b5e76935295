CREATE TABLE "fallback_placements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"posting_id" uuid NOT NULL,
	"campaign_id" uuid,
	"placed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"placed_by" varchar(100) NOT NULL,
	CONSTRAINT "fallback_placements_person_posting_key" UNIQUE("person_id","posting_id")
);
--> statement-breakpoint
CREATE TABLE "fallback_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"days_before_campaign_end" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "fallback_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "fallback_policies_days_chk" CHECK ("fallback_policies"."days_before_campaign_end" between 0 and 366)
);
--> statement-breakpoint
ALTER TABLE "fallback_placements" ADD CONSTRAINT "fallback_placements_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fallback_placements" ADD CONSTRAINT "fallback_placements_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fallback_placements" ADD CONSTRAINT "fallback_placements_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fallback_placements_campaign_idx" ON "fallback_placements" USING btree ("campaign_id");--> statement-breakpoint
-- The campaign's last month (2018 plan: 对市场渠道确实难以实现就业的贫困劳动力……公益性岗位予以托底安置).
INSERT INTO "fallback_policies" ("id", "version", "days_before_campaign_end", "effective_from", "created_by") VALUES (gen_random_uuid(), 1, 30, '2018-01-01', 'migration');
