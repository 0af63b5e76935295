CREATE TABLE "change_log_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"retention_days" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "change_log_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "change_log_policies_days_chk" CHECK ("change_log_policies"."retention_days" between 1 and 3650)
);
--> statement-breakpoint
CREATE TABLE "change_log_readers" (
	"name" text PRIMARY KEY NOT NULL,
	"txid" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"durable" boolean NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "posting_changes" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "posting_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"kind" text DEFAULT 'POSTING' NOT NULL,
	"posting_id" uuid,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "posting_changes_kind_chk" CHECK (("posting_changes"."kind" = 'POSTING' and "posting_changes"."posting_id" is not null) or ("posting_changes"."kind" = 'SETTINGS' and "posting_changes"."posting_id" is null))
);
--> statement-breakpoint
CREATE TABLE "search_dead_letters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reader" text NOT NULL,
	"kind" text NOT NULL,
	"posting_id" uuid,
	"attempts" integer NOT NULL,
	"error" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "posting_changes_position_idx" ON "posting_changes" USING btree ("txid","seq");--> statement-breakpoint
CREATE INDEX "posting_changes_at_idx" ON "posting_changes" USING btree ("at");--> statement-breakpoint
-- What the outbox had not yet relayed is carried into the log (read again by every reader), and its dead rows become dead letters.
INSERT INTO "posting_changes" ("posting_id", "at") SELECT DISTINCT ON ("posting_id") "posting_id", "enqueued_at" FROM "search_outbox" WHERE "done_at" IS NULL AND "dead_at" IS NULL ORDER BY "posting_id", "enqueued_at";--> statement-breakpoint
INSERT INTO "search_dead_letters" ("id", "reader", "kind", "posting_id", "attempts", "error", "at") SELECT "id", 'meilisearch', 'POSTING', "posting_id", "attempts", coalesce("last_error", ''), "dead_at" FROM "search_outbox" WHERE "dead_at" IS NOT NULL;--> statement-breakpoint
-- The log keeps 30 days of history by default (an official changes it through the API).
INSERT INTO "change_log_policies" ("id", "version", "retention_days", "effective_from", "created_by") VALUES ('0197a7a0-0000-7000-8000-000000000026', 1, 30, '2020-01-01', 'migration');
