-- The 红娘 programme's own eligibility (DOMAIN §4), as policy data: graduates from registered-poverty
-- households who left school in the campaign's graduation year without a job. Not a referral
-- category of its own (minimum 0: its people are key-group graduates with a minimum already).
INSERT INTO "target_categories" ("id", "code", "version", "name", "description", "population", "rule", "min_referrals", "mentor_eligible", "valid_from", "created_by") VALUES
(gen_random_uuid(), 'M1_POVERTY_COHORT_UNEMPLOYED', 1, '建档立卡贫困家庭当年离校未就业高校毕业生（就业红娘结对帮扶对象）', 'Graduates from registered-poverty households who left school in the campaign''s graduation year and have no job: each gets a one-to-one employment matchmaker.', 'KEY_GROUP_GRADUATE', '{"and":[{"==":[{"var":"isGraduate"},true]},{"==":[{"var":"household.registeredPoverty"},true]},{"==":[{"var":"leftSchool"},true]},{"==":[{"var":"graduationYear"},{"var":"campaign.cohortYear"}]},{"==":[{"var":"unemployed"},true]}]}'::jsonb, 0, true, '2020-10-01', 'migration');
--> statement-breakpoint
-- KG2 (registered-poverty or zero-employment households, any leaving year) was marked mentor-eligible,
-- broader than §4: version 2 keeps its rule and minimum and leaves mentoring to M1. Deployed
-- databases re-decide memberships with `npm run cli -- reevaluate-categories` after this migration.
INSERT INTO "target_categories" ("id", "code", "version", "name", "description", "population", "rule", "min_referrals", "mentor_eligible", "valid_from", "created_by")
SELECT gen_random_uuid(), "code", 2, "name", "description", "population", "rule", "min_referrals", false, "valid_from", 'migration' FROM "target_categories" WHERE "code" = 'KG2_POVERTY_UNEMPLOYED' AND "version" = 1;
