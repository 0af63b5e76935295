-- Subsidies on a database that already holds people (issue 26): the hires made before subsidies were
-- recorded (HIRED referrals and fair outcomes, each on the day it was reported, Beijing time) become
-- the hires employer schemes read, and — where there are people — one re-decision is queued, so
-- every person's and employer's eligibility is decided by the background worker instead of waiting
-- for each person's next change. A fresh database (no people yet) queues nothing.
INSERT INTO "subsidy_hires" ("employer_id", "person_id", "hired_on", "recorded_by")
SELECT p."employer_id", r."person_id", min((e."at" at time zone 'Asia/Shanghai')::date), 'migration:0043'
FROM "referrals" r
JOIN "referral_events" e ON e."referral_id" = r."id" AND e."to_status" = 'HIRED'
JOIN "postings" p ON p."id" = r."posting_id"
GROUP BY p."employer_id", r."person_id"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "subsidy_hires" ("employer_id", "person_id", "hired_on", "recorded_by")
SELECT p."employer_id", b."person_id", min((e."at" at time zone 'Asia/Shanghai')::date), 'migration:0043'
FROM "fair_bookings" b
JOIN "fair_outcome_events" e ON e."booking_id" = b."id" AND e."outcome" = 'HIRED'
JOIN "postings" p ON p."id" = b."posting_id"
GROUP BY p."employer_id", b."person_id"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "category_reevaluations" ("id", "reason", "requested_by")
SELECT gen_random_uuid(), 'SUBSIDY_PUBLISHED', 'migration:0043'
WHERE EXISTS (SELECT 1 FROM "people")
  AND NOT EXISTS (SELECT 1 FROM "category_reevaluations" WHERE "status" IN ('PENDING', 'RUNNING'));
