CREATE TABLE "person_category_history" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"category_code" varchar(40) NOT NULL,
	"category_id" uuid NOT NULL,
	"valid_from" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"valid_to" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "person_category_history" ADD CONSTRAINT "person_category_history_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_category_history" ADD CONSTRAINT "person_category_history_category_id_target_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."target_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_category_history_person_idx" ON "person_category_history" USING btree ("person_id","category_code");--> statement-breakpoint
CREATE INDEX "person_category_history_code_idx" ON "person_category_history" USING btree ("category_code","valid_from");--> statement-breakpoint
-- Memberships decided before the history existed held since they were decided.
INSERT INTO "person_category_history" ("id", "person_id", "category_code", "category_id", "valid_from") SELECT gen_random_uuid(), "person_id", "category_code", "category_id", "decided_at" FROM "person_categories";
