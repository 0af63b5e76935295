DROP INDEX "notifications_referral_idx";--> statement-breakpoint
CREATE INDEX "notifications_referral_idx" ON "notifications" USING btree ("referral_id");