CREATE TABLE "campaign_results" (
	"campaign_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"household_region_code" varchar(6) NOT NULL,
	"origin_region_code" varchar(6) NOT NULL,
	"institution_id" uuid,
	"category_codes" text[] NOT NULL,
	"status" varchar(30),
	"required" integer,
	"counted" integer NOT NULL,
	"hired" boolean NOT NULL,
	"mentor_eligible" boolean NOT NULL,
	"mentored" boolean NOT NULL,
	"mentor_overdue" boolean NOT NULL,
	CONSTRAINT "campaign_results_campaign_id_person_id_pk" PRIMARY KEY("campaign_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_results" ADD CONSTRAINT "campaign_results_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_results" ADD CONSTRAINT "campaign_results_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_results_person_idx" ON "campaign_results" USING btree ("person_id");