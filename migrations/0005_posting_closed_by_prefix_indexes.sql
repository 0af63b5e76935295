DROP INDEX "employers_region_code_idx";--> statement-breakpoint
DROP INDEX "people_household_region_idx";--> statement-breakpoint
DROP INDEX "people_origin_region_idx";--> statement-breakpoint
DROP INDEX "postings_region_idx";--> statement-breakpoint
ALTER TABLE "postings" ADD COLUMN "closed_by" varchar(100);--> statement-breakpoint
CREATE INDEX "employers_region_code_idx" ON "employers" USING btree ("region_code" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "people_household_region_idx" ON "people" USING btree ("household_region_code" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "people_origin_region_idx" ON "people" USING btree ("origin_region_code" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "postings_region_idx" ON "postings" USING btree ("region_code" varchar_pattern_ops);