ALTER TYPE "public"."posting_status" ADD VALUE 'PENDING_REVIEW';--> statement-breakpoint
CREATE TABLE "decision_audit" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor" varchar(100) NOT NULL,
	"actor_role" varchar(20) NOT NULL,
	"action" varchar(40) NOT NULL,
	"partner_id" uuid,
	"employer_id" uuid,
	"posting_id" uuid,
	"person_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"scopes" text[] NOT NULL,
	"expires_on" date NOT NULL,
	"granted_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "partner_consents_scopes_chk" CHECK (cardinality("partner_consents"."scopes") > 0 and "partner_consents"."scopes" <@ array['APPLY']::text[])
);
--> statement-breakpoint
CREATE TABLE "partner_employer_links" (
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"employer_id" uuid NOT NULL,
	"status" varchar(10) NOT NULL,
	"requested_at" timestamp (3) with time zone,
	"requested_by" varchar(100),
	"decided_at" timestamp (3) with time zone,
	"decided_by" varchar(100),
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_employer_links_pkey" PRIMARY KEY("partner_id","employer_id"),
	CONSTRAINT "partner_employer_links_status_chk" CHECK ("partner_employer_links"."status" in ('REQUESTED', 'ACTIVE', 'REVOKED')),
	CONSTRAINT "partner_employer_links_decided_chk" CHECK ("partner_employer_links"."status" = 'REQUESTED' or ("partner_employer_links"."decided_at" is not null and "partner_employer_links"."decided_by" is not null))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"webhook_id" uuid NOT NULL,
	"event_type" varchar(40) NOT NULL,
	"payload" jsonb NOT NULL,
	"status" varchar(10) DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claims" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"dead_at" timestamp (3) with time zone,
	CONSTRAINT "webhook_deliveries_status_chk" CHECK ("webhook_deliveries"."status" in ('PENDING', 'SENDING', 'DELIVERED', 'DEAD'))
);
--> statement-breakpoint
CREATE TABLE "webhook_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"base_backoff_seconds" integer NOT NULL,
	"max_backoff_seconds" integer NOT NULL,
	"disable_after_days" integer NOT NULL,
	"per_endpoint_concurrency" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "webhook_policies_version_unique" UNIQUE("version"),
	CONSTRAINT "webhook_policies_attempts_chk" CHECK ("webhook_policies"."max_attempts" between 1 and 100),
	CONSTRAINT "webhook_policies_backoff_chk" CHECK ("webhook_policies"."base_backoff_seconds" between 1 and 86400 and "webhook_policies"."max_backoff_seconds" between "webhook_policies"."base_backoff_seconds" and 604800),
	CONSTRAINT "webhook_policies_disable_chk" CHECK ("webhook_policies"."disable_after_days" between 1 and 365),
	CONSTRAINT "webhook_policies_concurrency_chk" CHECK ("webhook_policies"."per_endpoint_concurrency" between 1 and 64),
	CONSTRAINT "webhook_policies_timeout_chk" CHECK ("webhook_policies"."timeout_ms" between 100 and 60000)
);
--> statement-breakpoint
CREATE TABLE "webhook_url_approvals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partner_id" uuid NOT NULL,
	"url_prefix" varchar(500) NOT NULL,
	"approved_by" varchar(100) NOT NULL,
	"approved_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partner_id" uuid NOT NULL,
	"url" varchar(500) NOT NULL,
	"events" text[] NOT NULL,
	"own_postings_only" boolean DEFAULT true NOT NULL,
	"filter_region_prefix" varchar(6),
	"filter_kinds" text[],
	"filter_for_key_groups" boolean,
	"secret_sealed" text NOT NULL,
	"status" varchar(10) DEFAULT 'ACTIVE' NOT NULL,
	"failing_since" timestamp (3) with time zone,
	"disabled_at" timestamp (3) with time zone,
	"disabled_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" varchar(100) NOT NULL,
	CONSTRAINT "webhooks_status_chk" CHECK ("webhooks"."status" in ('ACTIVE', 'DISABLED')),
	CONSTRAINT "webhooks_events_chk" CHECK (cardinality("webhooks"."events") > 0)
);
--> statement-breakpoint
CREATE TABLE "change_log_horizon" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"txid" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_log_horizon_one_row_chk" CHECK ("change_log_horizon"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "change_log_policies" DROP CONSTRAINT "change_log_policies_days_chk";--> statement-breakpoint
ALTER TABLE "employers" ADD COLUMN "claimed_by_partner_id" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "via_partner_id" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "partner_consent_id" uuid;--> statement-breakpoint
ALTER TABLE "posting_changes" ADD COLUMN "event" varchar(10);--> statement-breakpoint
ALTER TABLE "posting_changes" ADD COLUMN "fields" text[];--> statement-breakpoint
ALTER TABLE "partner_consents" ADD CONSTRAINT "partner_consents_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_consents" ADD CONSTRAINT "partner_consents_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_employer_links" ADD CONSTRAINT "partner_employer_links_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_employer_links" ADD CONSTRAINT "partner_employer_links_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_url_approvals" ADD CONSTRAINT "webhook_url_approvals_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decision_audit_employer_idx" ON "decision_audit" USING btree ("employer_id","at");--> statement-breakpoint
CREATE INDEX "decision_audit_partner_idx" ON "decision_audit" USING btree ("partner_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "partner_consents_live_key" ON "partner_consents" USING btree ("person_id","partner_id") WHERE "partner_consents"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "partner_consents_person_idx" ON "partner_consents" USING btree ("person_id","id");--> statement-breakpoint
CREATE INDEX "partner_employer_links_employer_idx" ON "partner_employer_links" USING btree ("employer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partner_employer_links_id_key" ON "partner_employer_links" USING btree ("id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("webhook_id","next_attempt_at") WHERE "webhook_deliveries"."status" in ('PENDING', 'SENDING');--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_url_approvals_partner_idx" ON "webhook_url_approvals" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "webhooks_partner_idx" ON "webhooks" USING btree ("partner_id","id");--> statement-breakpoint
CREATE INDEX "webhooks_active_idx" ON "webhooks" USING btree ("id") WHERE "webhooks"."status" = 'ACTIVE';--> statement-breakpoint
ALTER TABLE "employers" ADD CONSTRAINT "employers_claimed_by_partner_id_partners_id_fk" FOREIGN KEY ("claimed_by_partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_via_partner_id_partners_id_fk" FOREIGN KEY ("via_partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_partner_consent_id_partner_consents_id_fk" FOREIGN KEY ("partner_consent_id") REFERENCES "public"."partner_consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "postings_updated_idx" ON "postings" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "referrals_via_partner_idx" ON "referrals" USING btree ("via_partner_id","id") WHERE "referrals"."via_partner_id" is not null;--> statement-breakpoint
CREATE INDEX "posting_changes_feed_idx" ON "posting_changes" USING btree ("txid","seq") WHERE "posting_changes"."event" is not null;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_via_partner_chk" CHECK (("referrals"."via_partner_id" is null) = ("referrals"."partner_consent_id" is null));--> statement-breakpoint
ALTER TABLE "change_log_policies" ADD CONSTRAINT "change_log_policies_days_chk" CHECK ("change_log_policies"."retention_days" between 30 and 3650);--> statement-breakpoint
ALTER TABLE "posting_changes" ADD CONSTRAINT "posting_changes_event_chk" CHECK ("posting_changes"."event" is null or ("posting_changes"."kind" = 'POSTING' and "posting_changes"."event" in ('CREATED', 'UPDATED', 'CLOSED', 'EXPIRED', 'REMOVED')));
--> statement-breakpoint
INSERT INTO "change_log_horizon" ("id") VALUES (1);
--> statement-breakpoint
INSERT INTO "webhook_policies" ("id", "version", "max_attempts", "base_backoff_seconds", "max_backoff_seconds", "disable_after_days", "per_endpoint_concurrency", "timeout_ms", "effective_from", "created_by")
VALUES ('01937a00-0000-7000-8000-000000000022', 1, 12, 10, 21600, 5, 4, 10000, '2020-01-01', 'migration:0037');
--> statement-breakpoint
-- The partner change feed's events (issue 22), in the posting write's own transaction: every write of
-- postings logs each row it changed (the search readers re-read it), and says which public event it
-- is — CREATED (became public: OPEN, CLOSED or EXPIRED), UPDATED (public fields changed), CLOSED,
-- EXPIRED, REMOVED (no longer public: blocked, held for review, back to draft). Statement-level, so a
-- sweep or a batch of thousands is one INSERT … SELECT.
CREATE FUNCTION log_posting_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO posting_changes (kind, posting_id, event)
  SELECT 'POSTING', n.id, CASE WHEN n.status::text IN ('OPEN', 'CLOSED', 'EXPIRED') THEN 'CREATED' END
  FROM inserted n ORDER BY n.id;
  PERFORM pg_notify('posting_changes', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER postings_log_inserts AFTER INSERT ON postings REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION log_posting_inserts();
--> statement-breakpoint
CREATE FUNCTION log_posting_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO posting_changes (kind, posting_id, event, fields)
  SELECT 'POSTING', c.id, c.event, CASE WHEN c.event IN ('UPDATED', 'CLOSED', 'EXPIRED') THEN c.fields END
  FROM (
    SELECT d.id, d.fields,
      CASE
        WHEN NOT d.was_public AND d.is_public THEN 'CREATED'
        WHEN d.was_public AND NOT d.is_public THEN 'REMOVED'
        WHEN NOT d.is_public THEN NULL
        WHEN d.status = 'CLOSED' AND d.old_status <> 'CLOSED' THEN 'CLOSED'
        WHEN d.status = 'EXPIRED' AND d.old_status <> 'EXPIRED' THEN 'EXPIRED'
        WHEN cardinality(d.fields) > 0 THEN 'UPDATED'
      END AS event
    FROM (
      SELECT n.id, n.status::text AS status, o.status::text AS old_status,
        o.status::text IN ('OPEN', 'CLOSED', 'EXPIRED') AS was_public,
        n.status::text IN ('OPEN', 'CLOSED', 'EXPIRED') AS is_public,
        array_remove(ARRAY[
          CASE WHEN n.title IS DISTINCT FROM o.title THEN 'title' END,
          CASE WHEN n.description IS DISTINCT FROM o.description THEN 'description' END,
          CASE WHEN n.occupation IS DISTINCT FROM o.occupation THEN 'occupation' END,
          CASE WHEN n.skills IS DISTINCT FROM o.skills THEN 'skills' END,
          CASE WHEN n.majors IS DISTINCT FROM o.majors THEN 'majors' END,
          CASE WHEN n.min_education IS DISTINCT FROM o.min_education THEN 'minEducation' END,
          CASE WHEN n.region_code IS DISTINCT FROM o.region_code THEN 'region' END,
          CASE WHEN n.salary_min IS DISTINCT FROM o.salary_min THEN 'salaryMin' END,
          CASE WHEN n.salary_max IS DISTINCT FROM o.salary_max THEN 'salaryMax' END,
          CASE WHEN n.headcount IS DISTINCT FROM o.headcount THEN 'headcount' END,
          CASE WHEN n.kind IS DISTINCT FROM o.kind THEN 'kind' END,
          CASE WHEN n.for_key_groups IS DISTINCT FROM o.for_key_groups THEN 'forKeyGroups' END,
          CASE WHEN n.valid_until IS DISTINCT FROM o.valid_until THEN 'validUntil' END,
          CASE WHEN n.employer_id IS DISTINCT FROM o.employer_id THEN 'employer' END,
          CASE WHEN n.status IS DISTINCT FROM o.status THEN 'status' END
        ], NULL) AS fields
      FROM inserted n JOIN deleted o ON o.id = n.id
    ) d
  ) c
  ORDER BY c.id;
  PERFORM pg_notify('posting_changes', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER postings_log_updates AFTER UPDATE ON postings REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION log_posting_updates();
--> statement-breakpoint
-- The webhook outbox, filled in the event's transaction: each public posting event goes to every
-- active endpoint that asked for its kind and either belongs to the posting's partner or subscribed
-- to postings its filter matches. The body is fixed now (Standard Webhooks: type, timestamp, data);
-- the partner's own id for the posting (externalId) only to that partner.
CREATE FUNCTION queue_posting_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload)
  SELECT notification_id(), w.id, 'POSTING_' || l.event,
    jsonb_build_object(
      'type', 'posting.' || lower(l.event),
      'timestamp', to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', CASE WHEN l.event = 'REMOVED' THEN
          jsonb_build_object('id', p.id, 'externalId', CASE WHEN w.partner_id = p.partner_id THEN p.external_id END)
        ELSE jsonb_build_object(
          'id', p.id,
          'externalId', CASE WHEN w.partner_id = p.partner_id THEN p.external_id END,
          'changedFields', to_jsonb(coalesce(l.fields, ARRAY[]::text[])),
          -- As reads show it: an OPEN posting past validUntil is EXPIRED before the sweeper writes it.
          'status', CASE WHEN p.status = 'OPEN' AND p.valid_until <= now() THEN 'EXPIRED' ELSE p.status::text END,
          'title', p.title,
          'description', p.description,
          'occupation', p.occupation,
          'skills', to_jsonb(p.skills),
          'majors', to_jsonb(p.majors),
          'regionCode', p.region_code,
          'employer', jsonb_build_object('name', e.name, 'creditCode', e.credit_code),
          'kind', p.kind,
          'forKeyGroups', p.for_key_groups,
          'minEducation', p.min_education,
          'salaryMin', p.salary_min,
          'salaryMax', p.salary_max,
          'headcount', p.headcount,
          'validUntil', to_char(p.valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        END)
  FROM inserted l
  JOIN postings p ON p.id = l.posting_id
  JOIN employers e ON e.id = p.employer_id
  JOIN webhooks w ON w.status = 'ACTIVE' AND ('POSTING_' || l.event) = ANY (w.events)
  WHERE l.event IS NOT NULL
    AND (w.partner_id = p.partner_id
      OR (NOT w.own_postings_only
        AND ((w.filter_region_prefix IS NULL OR p.region_code LIKE w.filter_region_prefix || '%')
          AND (w.filter_kinds IS NULL OR p.kind::text = ANY (w.filter_kinds))
          AND (w.filter_for_key_groups IS NULL OR p.for_key_groups = w.filter_for_key_groups)
          -- The filter sees the posting as it is now: a removal (it may have left the filter as it
          -- stopped being public), or a change of what the filter looks at (it may just have left
          -- it), goes to every subscriber, so a copy kept by filter never keeps a stale posting.
          OR l.event = 'REMOVED'
          OR l.fields && ARRAY['region', 'kind', 'forKeyGroups'])))
  ORDER BY l.txid, l.seq, w.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER posting_changes_queue_webhooks AFTER INSERT ON posting_changes REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION queue_posting_webhooks();
--> statement-breakpoint
-- Applications a partner made for a seeker, and each of their steps, go to that partner's endpoints
-- that asked for them: the application's own status, never the person.
CREATE FUNCTION queue_application_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload)
  SELECT notification_id(), w.id, k.event_type,
    jsonb_build_object(
      'type', k.type,
      'timestamp', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', jsonb_build_object(
        'applicationId', r.id,
        'postingId', r.posting_id,
        'postingExternalId', CASE WHEN p.partner_id = r.via_partner_id THEN p.external_id END,
        'status', e.to_status,
        'previousStatus', e.from_status))
  FROM inserted e
  JOIN referrals r ON r.id = e.referral_id AND r.via_partner_id IS NOT NULL
  JOIN postings p ON p.id = r.posting_id
  CROSS JOIN LATERAL (SELECT
      CASE WHEN e.from_status IS NULL THEN 'APPLICATION_CREATED' ELSE 'APPLICATION_STATUS_CHANGED' END AS event_type,
      CASE WHEN e.from_status IS NULL THEN 'application.created' ELSE 'application.status_changed' END AS type) k
  JOIN webhooks w ON w.partner_id = r.via_partner_id AND w.status = 'ACTIVE' AND k.event_type = ANY (w.events)
  ORDER BY e.id, w.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER referral_events_queue_webhooks AFTER INSERT ON referral_events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION queue_application_webhooks();
--> statement-breakpoint
-- Append-only, as the audit log (the same function refuses the change).
CREATE TRIGGER decision_audit_no_change BEFORE UPDATE OR DELETE ON decision_audit FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER decision_audit_no_truncate BEFORE TRUNCATE ON decision_audit FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
