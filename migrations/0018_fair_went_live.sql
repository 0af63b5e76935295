ALTER TABLE "job_fairs" ADD COLUMN "went_live_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "job_fairs_organiser_institution_idx" ON "job_fairs" USING btree ("organiser_institution_id","starts_at");--> statement-breakpoint
CREATE INDEX "job_fairs_organiser_region_idx" ON "job_fairs" USING btree ("organiser_region_code","starts_at");--> statement-breakpoint
-- Fairs held before the column: LIVE ones, and CLOSED ones with a session that ran or a check-in.
UPDATE "job_fairs" f SET "went_live_at" = f."starts_at"
WHERE f."went_live_at" IS NULL AND (f."status" = 'LIVE' OR (f."status" = 'CLOSED' AND (
  EXISTS (SELECT 1 FROM "fair_sessions" s WHERE s."fair_id" = f."id" AND s."status" IN ('LIVE', 'ENDED'))
  OR EXISTS (SELECT 1 FROM "fair_bookings" b WHERE b."fair_id" = f."id" AND b."checked_in_at" IS NOT NULL))));
