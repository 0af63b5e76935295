CREATE TABLE "subsidy_claims" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scheme_code" varchar(40) NOT NULL,
	"scheme_id" uuid NOT NULL,
	"scheme_version" integer NOT NULL,
	"person_id" uuid NOT NULL,
	"employer_id" uuid,
	"region_code" varchar(6) NOT NULL,
	"state" varchar(14) DEFAULT 'ELIGIBLE' NOT NULL,
	"max_amount_yuan" integer NOT NULL,
	"approved_amount_yuan" integer,
	"documents" text[] DEFAULT '{}'::text[] NOT NULL,
	"rejection_reason" varchar(500),
	"payment_reference" varchar(100),
	"person_consented_at" timestamp (3) with time zone,
	"decided_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp (3) with time zone,
	"applied_by" varchar(100),
	"reviewed_at" timestamp (3) with time zone,
	"reviewed_by" varchar(100),
	"paid_recorded_at" timestamp (3) with time zone,
	"paid_recorded_by" varchar(100),
	CONSTRAINT "subsidy_claims_state_chk" CHECK ("subsidy_claims"."state" in ('ELIGIBLE', 'APPLIED', 'APPROVED', 'REJECTED', 'PAID_RECORDED')),
	CONSTRAINT "subsidy_claims_applied_chk" CHECK (("subsidy_claims"."state" = 'ELIGIBLE') = ("subsidy_claims"."applied_at" is null)),
	CONSTRAINT "subsidy_claims_reviewed_chk" CHECK (("subsidy_claims"."state" in ('APPROVED', 'REJECTED', 'PAID_RECORDED')) = ("subsidy_claims"."reviewed_at" is not null)),
	CONSTRAINT "subsidy_claims_rejected_chk" CHECK (("subsidy_claims"."state" = 'REJECTED') = ("subsidy_claims"."rejection_reason" is not null)),
	CONSTRAINT "subsidy_claims_paid_chk" CHECK (("subsidy_claims"."state" = 'PAID_RECORDED') = ("subsidy_claims"."payment_reference" is not null)),
	CONSTRAINT "subsidy_claims_approved_chk" CHECK (("subsidy_claims"."state" in ('APPROVED', 'PAID_RECORDED')) = ("subsidy_claims"."approved_amount_yuan" is not null)),
	CONSTRAINT "subsidy_claims_cap_chk" CHECK ("subsidy_claims"."approved_amount_yuan" is null or "subsidy_claims"."approved_amount_yuan" between 0 and "subsidy_claims"."max_amount_yuan")
);
--> statement-breakpoint
CREATE TABLE "subsidy_hires" (
	"employer_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"hired_on" date NOT NULL,
	"recorded_by" varchar(100) NOT NULL,
	CONSTRAINT "subsidy_hires_employer_id_person_id_pk" PRIMARY KEY("employer_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "subsidy_schemes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"version" integer NOT NULL,
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"subject" varchar(10) NOT NULL,
	"rule" jsonb NOT NULL,
	"amount_kind" varchar(12) NOT NULL,
	"amount_yuan" integer NOT NULL,
	"amount_reconstructed" boolean DEFAULT false NOT NULL,
	"source" varchar(500) DEFAULT '' NOT NULL,
	"documents" text[] DEFAULT '{}'::text[] NOT NULL,
	"issuing_level" varchar(12) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "subsidy_schemes_code_version_key" UNIQUE("code","version"),
	CONSTRAINT "subsidy_schemes_subject_chk" CHECK ("subsidy_schemes"."subject" in ('PERSON', 'EMPLOYER')),
	CONSTRAINT "subsidy_schemes_amount_kind_chk" CHECK ("subsidy_schemes"."amount_kind" in ('FIXED', 'PER_PERSON', 'CAPPED')),
	CONSTRAINT "subsidy_schemes_per_person_chk" CHECK ("subsidy_schemes"."amount_kind" <> 'PER_PERSON' or "subsidy_schemes"."subject" = 'EMPLOYER'),
	CONSTRAINT "subsidy_schemes_amount_chk" CHECK ("subsidy_schemes"."amount_yuan" between 0 and 10000000),
	CONSTRAINT "subsidy_schemes_level_chk" CHECK ("subsidy_schemes"."issuing_level" in ('NATIONAL', 'PROVINCE', 'PREFECTURE', 'COUNTY')),
	CONSTRAINT "subsidy_schemes_window_chk" CHECK ("subsidy_schemes"."valid_until" is null or "subsidy_schemes"."valid_until" >= "subsidy_schemes"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "category_reevaluations" DROP CONSTRAINT "category_reevaluations_reason_chk";--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_scheme_id_subsidy_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."subsidy_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_hires" ADD CONSTRAINT "subsidy_hires_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_hires" ADD CONSTRAINT "subsidy_hires_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subsidy_claims_person_scheme_idx" ON "subsidy_claims" USING btree ("scheme_code","person_id") WHERE "subsidy_claims"."employer_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "subsidy_claims_employer_scheme_person_idx" ON "subsidy_claims" USING btree ("scheme_code","employer_id","person_id") WHERE "subsidy_claims"."employer_id" is not null;--> statement-breakpoint
CREATE INDEX "subsidy_claims_person_idx" ON "subsidy_claims" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "subsidy_claims_employer_idx" ON "subsidy_claims" USING btree ("employer_id") WHERE "subsidy_claims"."employer_id" is not null;--> statement-breakpoint
CREATE INDEX "subsidy_claims_region_idx" ON "subsidy_claims" USING btree ("region_code" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "subsidy_hires_person_idx" ON "subsidy_hires" USING btree ("person_id");--> statement-breakpoint
ALTER TABLE "category_reevaluations" ADD CONSTRAINT "category_reevaluations_reason_chk" CHECK ("category_reevaluations"."reason" in ('CAMPAIGN_ACTIVATED', 'CAMPAIGN_CLOSED', 'CATEGORY_PUBLISHED', 'SUBSIDY_PUBLISHED', 'REQUESTED'));--> statement-breakpoint
-- The schemes of the 2018 plan (二(一), 三(一)(二)) and the 2020 notice, as policy data. Amounts the
-- texts give are kept as given (2,000 yuan per graduate; up to 10,000 for a first business); the
-- others are the period's Fujian practice reconstructed, marked amount_reconstructed.
INSERT INTO "subsidy_schemes" ("id", "code", "version", "name", "description", "subject", "rule", "amount_kind", "amount_yuan", "amount_reconstructed", "source", "documents", "issuing_level", "valid_from", "created_by") VALUES
(gen_random_uuid(), 'JOB_SEARCH_GRADUATE', 1, '一次性求职创业补贴', 'Graduates of registered-poverty, minimum-living or disabled households, in their graduation year.', 'PERSON',
 '{"and":[{"==":[{"var":"isGraduate"},true]},{"==":[{"var":"graduationYear"},{"var":"year"}]},{"or":[{"==":[{"var":"household.registeredPoverty"},true]},{"==":[{"var":"household.minimumLiving"},true]},{"==":[{"var":"household.disabled"},true]}]}]}'::jsonb,
 'FIXED', 2000, false, '2018 年就业扶贫行动方案：毕业年度内……给予每人 2000 元的一次性求职创业补贴', ARRAY['身份证', '毕业证书或学籍证明', '建档立卡、低保或残疾证明'], 'PROVINCE', '2018-01-01', 'migration'),
(gen_random_uuid(), 'STARTUP_ONE_TIME', 1, '一次性创业扶持补贴', 'A poverty labourer running a first small business or self-employed (returning migrant workers are not told apart in the ledger).', 'PERSON',
 '{"and":[{"==":[{"var":"employmentStatus"},"SELF_EMPLOYED"]},{"==":[{"var":"household.registeredPoverty"},true]}]}'::jsonb,
 'CAPPED', 10000, false, '2018 年就业扶贫行动方案 二(一)：首次创办小微企业或从事个体经营……不超过 1 万元的一次性创业扶持补贴', ARRAY['身份证', '营业执照', '经营场所证明'], 'COUNTY', '2018-01-01', 'migration'),
(gen_random_uuid(), 'HIRING_POVERTY_LABOURER', 1, '吸纳就业补贴', 'An employer that hired a registered-poverty labourer able to work: per person employed.', 'EMPLOYER',
 '{"and":[{"==":[{"var":"person.household.registeredPoverty"},true]},{"==":[{"var":"person.ableToWork"},true]}]}'::jsonb,
 'PER_PERSON', 1000, true, '2018 年就业扶贫行动方案 二(一)：吸纳贫困劳动力就业……给予企业相应的吸纳就业补贴', ARRAY['营业执照', '劳动合同', '社保缴费或工资发放记录'], 'COUNTY', '2018-01-01', 'migration'),
(gen_random_uuid(), 'POVERTY_WORKSHOP_AWARD', 1, '扶贫车间吸纳就业奖补', 'A poverty workshop or base that employed a registered-poverty labourer: an award by the number employed.', 'EMPLOYER',
 '{"and":[{"==":[{"var":"employer.povertyWorkshop"},true]},{"==":[{"var":"person.household.registeredPoverty"},true]}]}'::jsonb,
 'PER_PERSON', 1000, true, '2018 年就业扶贫行动方案 二(一)：扶贫车间、扶贫基地……按吸纳就业人数给予一定奖补', ARRAY['扶贫车间认定文件', '劳动合同', '工资发放记录'], 'COUNTY', '2018-01-01', 'migration'),
(gen_random_uuid(), 'VOCATIONAL_TRAINING', 1, '职业培训补贴', 'Training for poverty labourers and graduates in their graduation year who asked for it (培训意愿).', 'PERSON',
 '{"and":[{">":[{"var":"trainingWishes"},0]},{"or":[{"==":[{"var":"household.registeredPoverty"},true]},{"and":[{"==":[{"var":"isGraduate"},true]},{"==":[{"var":"graduationYear"},{"var":"year"}]}]}]}]}'::jsonb,
 'CAPPED', 1500, true, '2018 年就业扶贫行动方案 三(一)：完善职业培训补贴政策', ARRAY['身份证', '培训结业证书', '培训机构发票'], 'PREFECTURE', '2018-01-01', 'migration'),
(gen_random_uuid(), 'SKILL_ASSESSMENT', 1, '职业技能鉴定补贴', 'The skills certificate of a poverty labourer who trained.', 'PERSON',
 '{"and":[{">":[{"var":"trainingWishes"},0]},{"==":[{"var":"household.registeredPoverty"},true]}]}'::jsonb,
 'CAPPED', 300, true, '2018 年就业扶贫行动方案 三(一)：职业资格证书、职业技能等级证书……给予职业技能鉴定补贴', ARRAY['身份证', '职业资格或技能等级证书'], 'PREFECTURE', '2018-01-01', 'migration'),
(gen_random_uuid(), 'PUBLIC_WELFARE_POST_WAGE', 1, '公益性岗位补贴', 'A registered-poverty labourer placed in a public-welfare post (托底安置).', 'PERSON',
 '{"and":[{"==":[{"var":"employmentStatus"},"PUBLIC_WELFARE_POST"]},{"==":[{"var":"household.registeredPoverty"},true]}]}'::jsonb,
 'CAPPED', 12000, true, '2018 年就业扶贫行动方案 二(一)：开发公益性岗位予以托底安置，并按规定落实社保补贴和岗位补贴', ARRAY['身份证', '公益性岗位协议', '考勤记录'], 'COUNTY', '2018-01-01', 'migration'),
(gen_random_uuid(), 'PUBLIC_WELFARE_SOCIAL_INSURANCE', 1, '公益性岗位社会保险补贴', 'Social insurance of a registered-poverty labourer in a public-welfare post.', 'PERSON',
 '{"and":[{"==":[{"var":"employmentStatus"},"PUBLIC_WELFARE_POST"]},{"==":[{"var":"household.registeredPoverty"},true]}]}'::jsonb,
 'CAPPED', 6000, true, '2018 年就业扶贫行动方案 二(一)：按规定落实社保补贴', ARRAY['身份证', '公益性岗位协议', '社会保险缴费记录'], 'COUNTY', '2018-01-01', 'migration');
