CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"kind" varchar(30) NOT NULL,
	"referral_id" uuid,
	"posting_id" uuid,
	"status" varchar(20),
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"read_at" timestamp (3) with time zone,
	CONSTRAINT "notifications_kind_chk" CHECK ("notifications"."kind" in ('REFERRAL', 'REFERRAL_STATUS', 'INTERVIEW_INVITATION', 'FAIR_BOOKING'))
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_person_idx" ON "notifications" USING btree ("person_id","id");--> statement-breakpoint
-- A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then 12 bits of a
-- counter (method 2: a sequence, which also orders calls within one millisecond — PGlite's clock has
-- no finer grain), so that ids made one after another (an event and the step that follows it in one
-- transaction) sort in the order they were made; the rest random.
CREATE SEQUENCE notification_id_counter CYCLE MAXVALUE 4095 MINVALUE 0 START 0;
--> statement-breakpoint
CREATE FUNCTION notification_id() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  counter int := nextval('notification_id_counter');
  b bytea := uuid_send(gen_random_uuid());
BEGIN
  b := overlay(b PLACING substring(int8send(ms) FROM 3) FROM 1 FOR 6);
  b := set_byte(b, 6, 112 | (counter >> 8));
  b := set_byte(b, 7, counter & 255);
  RETURN encode(b, 'hex')::uuid;
END $$;
--> statement-breakpoint
-- Every referral event tells its person, in the event's transaction: a recommendation (the first
-- event) or a step. The person's own moves (by seeker:…) tell them nothing. One statement per
-- inserting statement (a campaign batch's thousands of events are one INSERT … SELECT).
CREATE FUNCTION notify_referral_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, referral_id, posting_id, status)
  SELECT notification_id(), r.person_id, CASE WHEN e.from_status IS NULL THEN 'REFERRAL' ELSE 'REFERRAL_STATUS' END, r.id, r.posting_id, e.to_status::text
  FROM inserted e JOIN referrals r ON r.id = e.referral_id
  WHERE e.by NOT LIKE 'seeker:%'
  ORDER BY e.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER referral_events_notify AFTER INSERT ON referral_events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_referral_events();
--> statement-breakpoint
CREATE FUNCTION notify_interview_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, referral_id, posting_id)
  SELECT notification_id(), r.person_id, 'INTERVIEW_INVITATION', r.id, r.posting_id
  FROM inserted i JOIN referrals r ON r.id = i.referral_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER interview_invitations_notify AFTER INSERT ON interview_invitations REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_interview_invitations();
--> statement-breakpoint
-- A booking someone made for the person (a caseworker, the organiser); one they made themself tells them nothing.
CREATE FUNCTION notify_fair_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, posting_id)
  SELECT notification_id(), b.person_id, 'FAIR_BOOKING', b.posting_id
  FROM inserted b
  WHERE b.booked_by NOT LIKE 'seeker:%'
  ORDER BY b.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER fair_bookings_notify AFTER INSERT ON fair_bookings REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_fair_bookings();
--> statement-breakpoint
-- New notifications are announced on commit (NOTIFY is transactional) as `personId:id` pairs, a
-- hundred to a message (a message holds at most 8,000 bytes): each server process hands them to the
-- person's live subscribers (myNotifications).
CREATE FUNCTION announce_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('person_notifications', c.pairs)
  FROM (SELECT string_agg(n.person_id::text || ':' || n.id::text, ',' ORDER BY n.id) AS pairs
        FROM (SELECT person_id, id, (row_number() OVER (ORDER BY id) - 1) / 100 AS part FROM inserted) n
        GROUP BY n.part) c;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION announce_notifications();
