CREATE TYPE "public"."registration_status" AS ENUM('PENDING', 'TRANSFERRED', 'REFUSED', 'WITHDRAWN');--> statement-breakpoint
CREATE TABLE "registration_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"id_number_hash" varchar(64) NOT NULL,
	"draft_sealed" text NOT NULL,
	"held_person_id" uuid NOT NULL,
	"requested_region_code" varchar(6) NOT NULL,
	"requested_by" varchar(100) NOT NULL,
	"source" varchar(20) NOT NULL,
	"status" "registration_status" DEFAULT 'PENDING' NOT NULL,
	"reason" varchar(500),
	"resolved_by" varchar(100),
	"resolved_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registration_requests_source_chk" CHECK ("registration_requests"."source" in ('REGISTRATION', 'IMPORT')),
	CONSTRAINT "registration_requests_resolved_chk" CHECK (("registration_requests"."status" = 'PENDING') = ("registration_requests"."resolved_at" IS NULL)),
	CONSTRAINT "registration_requests_reason_chk" CHECK ("registration_requests"."status" <> 'REFUSED' OR "registration_requests"."reason" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "registration_requests" ADD CONSTRAINT "registration_requests_held_person_id_people_id_fk" FOREIGN KEY ("held_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "registration_requests_open_idx" ON "registration_requests" USING btree ("requested_by","id_number_hash") WHERE "registration_requests"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "registration_requests_held_idx" ON "registration_requests" USING btree ("held_person_id","status");--> statement-breakpoint
CREATE INDEX "registration_requests_requester_idx" ON "registration_requests" USING btree ("requested_by","status");