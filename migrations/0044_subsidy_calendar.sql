-- What subsidy eligibility was last decided against (issue 26): the year (a graduation-year rule reads
-- it) and the scheme versions in force. When the day turns either — a new year, a version's validFrom
-- reached or its validUntil passed — a re-decision is queued (subsidy-calendar.ts). One row.
CREATE TABLE "subsidy_calendar" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"decided_for" text NOT NULL,
	"changed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_calendar_one_row" CHECK ("subsidy_calendar"."id" = 1)
);
