ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_chk";--> statement-breakpoint
ALTER TABLE "fair_bookings" ADD COLUMN "cancelled_by" varchar(100);--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_chk" CHECK ("notifications"."kind" in ('REFERRAL', 'REFERRAL_STATUS', 'INTERVIEW_INVITATION', 'FAIR_BOOKING', 'FAIR_BOOKING_CANCELLED', 'FAIR_INVITATION', 'MENTOR_ASSIGNED'));--> statement-breakpoint
-- A booking cancelled by someone else than the person (its session called off when the fair closed,
-- or a caseworker or organiser cancelling it) tells the person; their own cancellation does not.
CREATE FUNCTION notify_fair_booking_cancellations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (id, person_id, kind, posting_id, fair_id)
  SELECT notification_id(), n.person_id, 'FAIR_BOOKING_CANCELLED', n.posting_id, n.fair_id
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE o.status <> 'CANCELLED' AND n.status = 'CANCELLED' AND coalesce(n.cancelled_by, '') NOT LIKE 'seeker:%'
  ORDER BY n.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER fair_bookings_cancel_notify AFTER UPDATE ON fair_bookings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_fair_booking_cancellations();
--> statement-breakpoint
INSERT INTO "message_templates" ("id", "code", "version", "body", "created_by") VALUES
('01900000-0000-7000-8000-0000000c0008', 'FAIR_BOOKING_CANCELLED', 1, '您在招聘会「{fair}」的预约已取消', 'migration:0035');
--> statement-breakpoint
-- Version 2 (from the same day as version 1, so in force in its place): a cancelled booking goes by SMS too.
INSERT INTO "notification_policies" ("id", "version", "effective_from", "quiet_from", "quiet_until", "sms_kinds", "gather_seconds", "max_attempts", "retry_base_seconds", "retry_max_seconds", "delivery_grace_days", "sms_max_postings", "created_by")
VALUES ('01900000-0000-7000-8000-0000000b0002', 2, '2020-01-01', '22:00', '08:00', ARRAY['REFERRAL', 'INTERVIEW_INVITATION', 'FAIR_INVITATION', 'FAIR_BOOKING_CANCELLED', 'MENTOR_ASSIGNED'], 300, 5, 60, 3600, 7, 3, 'migration:0035');
