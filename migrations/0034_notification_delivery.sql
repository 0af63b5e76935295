CREATE TABLE "message_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"version" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_opt_outs" (
	"person_id" uuid NOT NULL,
	"channel" varchar(10) NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_opt_outs_person_id_channel_pk" PRIMARY KEY("person_id","channel"),
	CONSTRAINT "notification_opt_outs_channel_chk" CHECK ("notification_opt_outs"."channel" in ('SMS'))
);
--> statement-breakpoint
CREATE TABLE "notification_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"effective_from" date NOT NULL,
	"quiet_from" time,
	"quiet_until" time,
	"sms_kinds" text[] NOT NULL,
	"gather_seconds" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"retry_base_seconds" integer NOT NULL,
	"retry_max_seconds" integer NOT NULL,
	"delivery_grace_days" integer NOT NULL,
	"sms_max_postings" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "notification_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "notification_policies_quiet_chk" CHECK (("notification_policies"."quiet_from" is null) = ("notification_policies"."quiet_until" is null)),
	CONSTRAINT "notification_policies_gather_chk" CHECK ("notification_policies"."gather_seconds" between 0 and 86400),
	CONSTRAINT "notification_policies_attempts_chk" CHECK ("notification_policies"."max_attempts" between 1 and 20),
	CONSTRAINT "notification_policies_retry_chk" CHECK ("notification_policies"."retry_base_seconds" between 1 and 86400 and "notification_policies"."retry_max_seconds" between "notification_policies"."retry_base_seconds" and 604800),
	CONSTRAINT "notification_policies_grace_chk" CHECK ("notification_policies"."delivery_grace_days" between 0 and 90),
	CONSTRAINT "notification_policies_postings_chk" CHECK ("notification_policies"."sms_max_postings" between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "sms_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"day" date NOT NULL,
	"status" varchar(10) DEFAULT 'QUEUED' NOT NULL,
	"body" text,
	"template_version" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"provider_id" varchar(100),
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	CONSTRAINT "sms_messages_status_chk" CHECK ("sms_messages"."status" in ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'FAILED', 'CANCELLED')),
	CONSTRAINT "sms_messages_attempts_chk" CHECK ("sms_messages"."attempts" >= 0)
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "fetched_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "sms_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "sms_skipped" varchar(12);--> statement-breakpoint
ALTER TABLE "notification_opt_outs" ADD CONSTRAINT "notification_opt_outs_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "message_templates_code_version_idx" ON "message_templates" USING btree ("code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_person_day_idx" ON "sms_messages" USING btree ("person_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_open_idx" ON "sms_messages" USING btree ("person_id") WHERE "sms_messages"."status" = 'QUEUED' and "sms_messages"."attempts" = 0;--> statement-breakpoint
CREATE INDEX "sms_messages_due_idx" ON "sms_messages" USING btree ("next_attempt_at") WHERE "sms_messages"."status" in ('QUEUED', 'SENDING');--> statement-breakpoint
CREATE INDEX "sms_messages_provider_idx" ON "sms_messages" USING btree ("provider_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_sms_id_sms_messages_id_fk" FOREIGN KEY ("sms_id") REFERENCES "public"."sms_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_sms_pending_idx" ON "notifications" USING btree ("person_id","id") WHERE "notifications"."sms_id" is null and "notifications"."sms_skipped" is null;--> statement-breakpoint
CREATE INDEX "notifications_sms_idx" ON "notifications" USING btree ("sms_id");--> statement-breakpoint
CREATE INDEX "notifications_referral_idx" ON "notifications" USING btree ("referral_id") WHERE "notifications"."kind" = 'REFERRAL';--> statement-breakpoint
-- delivered_at now means the first delivery on any channel; until now the app was the only one.
UPDATE "notifications" SET "fetched_at" = "delivered_at", "sms_skipped" = 'BEFORE_SMS';
--> statement-breakpoint
-- Version 1 (from 2020-01-01): no SMS 22:00–08:00 Fujian time; recommendations, interview
-- invitations, fair invitations and mentors go by SMS as well (steps and bookings stay in the app);
-- a day's SMS waits 5 minutes for what else arrives; 5 attempts, backoff 60 s doubling to 1 hour; a
-- push delivered within 7 days after its campaign's window still counts for it.
INSERT INTO "notification_policies" ("id", "version", "effective_from", "quiet_from", "quiet_until", "sms_kinds", "gather_seconds", "max_attempts", "retry_base_seconds", "retry_max_seconds", "delivery_grace_days", "sms_max_postings", "created_by")
VALUES ('01900000-0000-7000-8000-0000000b0001', 1, '2020-01-01', '22:00', '08:00', ARRAY['REFERRAL', 'INTERVIEW_INVITATION', 'FAIR_INVITATION', 'MENTOR_ASSIGNED'], 300, 5, 60, 3600, 7, 3, 'migration:0034');
--> statement-breakpoint
INSERT INTO "message_templates" ("id", "code", "version", "body", "created_by") VALUES
('01900000-0000-7000-8000-0000000c0001', 'SMS_DIGEST', 1, '您有{news}条新的就业服务消息{postings}，请登录福建省公共就业服务平台查看详情。回T退订', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0002', 'REFERRAL', 1, '为您推荐岗位：{posting}（{employer}）', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0003', 'REFERRAL_STATUS', 1, '您的岗位「{posting}」进展：{status}', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0004', 'INTERVIEW_INVITATION', 1, '{employer}邀请您参加「{posting}」岗位的面试，请及时回复', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0005', 'FAIR_BOOKING', 1, '已为您预约招聘会「{fair}」', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0006', 'FAIR_INVITATION', 1, '邀请您参加招聘会「{fair}」', 'migration:0034'),
('01900000-0000-7000-8000-0000000c0007', 'MENTOR_ASSIGNED', 1, '已为您安排一对一就业帮扶红娘，请留意来电', 'migration:0034');
