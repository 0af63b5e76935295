CREATE TABLE "search_synonym_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"terms" text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "search_synonym_groups_two_terms" CHECK (cardinality("search_synonym_groups"."terms") >= 2)
);

--> statement-breakpoint
-- The first synonym groups for common job terms (data: replace them with setSearchSynonyms).
INSERT INTO "search_synonym_groups" ("id", "terms", "created_by") VALUES
(gen_random_uuid(), ARRAY['会计','财务','出纳','记账']::text[], 'migration'),
(gen_random_uuid(), ARRAY['程序员','开发工程师','软件工程师','研发工程师']::text[], 'migration'),
(gen_random_uuid(), ARRAY['前端','web前端','前端开发']::text[], 'migration'),
(gen_random_uuid(), ARRAY['测试','软件测试','测试工程师','qa']::text[], 'migration'),
(gen_random_uuid(), ARRAY['护士','护理']::text[], 'migration'),
(gen_random_uuid(), ARRAY['教师','老师','讲师']::text[], 'migration'),
(gen_random_uuid(), ARRAY['销售','业务员','营销']::text[], 'migration'),
(gen_random_uuid(), ARRAY['客服','客户服务']::text[], 'migration'),
(gen_random_uuid(), ARRAY['司机','驾驶员']::text[], 'migration'),
(gen_random_uuid(), ARRAY['普工','操作工','生产工人']::text[], 'migration'),
(gen_random_uuid(), ARRAY['保洁','保洁员','清洁工']::text[], 'migration'),
(gen_random_uuid(), ARRAY['厨师','厨工']::text[], 'migration'),
(gen_random_uuid(), ARRAY['电商','电子商务','网店运营']::text[], 'migration'),
(gen_random_uuid(), ARRAY['行政','文员','行政助理']::text[], 'migration'),
(gen_random_uuid(), ARRAY['人力资源','hr','人事']::text[], 'migration');
