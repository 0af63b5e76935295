ALTER TABLE "job_fairs" ADD COLUMN "went_live_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "job_fairs_organiser_institution_idx" ON "job_fairs" USING btree ("organiser_institution_id","starts_at");--> statement-breakpoint
CREATE INDEX "job_fairs_organiser_region_idx" ON "job_fairs" USING btree ("organiser_region_code","starts_at");