ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_chk";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "fair_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_chk" CHECK ("notifications"."kind" in ('REFERRAL', 'REFERRAL_STATUS', 'INTERVIEW_INVITATION', 'FAIR_BOOKING', 'FAIR_INVITATION', 'MENTOR_ASSIGNED'));--> statement-breakpoint
-- A booking made for the person names its fair too (re-made with the fair; the rest as in 0032).
CREATE OR REPLACE FUNCTION notify_fair_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, posting_id, fair_id)
  SELECT notification_id(), b.person_id, 'FAIR_BOOKING', b.posting_id, b.fair_id
  FROM inserted b
  WHERE b.booked_by NOT LIKE 'seeker:%'
  ORDER BY b.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An organiser's invitation to a fair (a registration made for the person with `invited`).
CREATE FUNCTION notify_fair_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, fair_id)
  SELECT notification_id(), r.person_id, 'FAIR_INVITATION', r.fair_id
  FROM inserted r
  WHERE r.invited AND r.registered_by NOT LIKE 'seeker:%';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER fair_registrations_notify AFTER INSERT ON fair_registrations REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_fair_invitations();
--> statement-breakpoint
-- A 红娘 mentor assigned to the person (by a caseworker, or by a mentor run).
CREATE FUNCTION notify_mentorships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind)
  SELECT notification_id(), m.person_id, 'MENTOR_ASSIGNED'
  FROM inserted m;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mentorships_notify AFTER INSERT ON mentorships REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_mentorships();
