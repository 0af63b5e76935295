CREATE TABLE "fair_outcome_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"booking_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"by" varchar(100) NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fair_outcome_events_outcome_check" CHECK ("fair_outcome_events"."outcome" in ('APPLIED', 'INTERVIEWED', 'OFFERED', 'HIRED', 'NO_SHOW'))
);
--> statement-breakpoint
ALTER TABLE "fair_outcome_events" ADD CONSTRAINT "fair_outcome_events_booking_id_fair_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."fair_bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fair_outcome_events_once_idx" ON "fair_outcome_events" USING btree ("booking_id","outcome");--> statement-breakpoint
-- Outcomes recorded before this table: each booking's one outcome becomes its first event.
INSERT INTO "fair_outcome_events" ("id", "booking_id", "outcome", "by", "at")
SELECT gen_random_uuid(), "id", "outcome", 'migration', coalesce("checked_in_at", "booked_at") FROM "fair_bookings" WHERE "outcome" IS NOT NULL;
