CREATE TABLE "interview_invitations" (
	"referral_id" uuid PRIMARY KEY NOT NULL,
	"invited_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"invited_by" varchar(100) NOT NULL,
	"note" text,
	"response" varchar(10),
	"responded_at" timestamp (3) with time zone,
	CONSTRAINT "interview_invitations_response_chk" CHECK (("interview_invitations"."response" in ('ACCEPTED', 'DECLINED') and "interview_invitations"."responded_at" is not null) or ("interview_invitations"."response" is null and "interview_invitations"."responded_at" is null))
);
--> statement-breakpoint
ALTER TABLE "interview_invitations" ADD CONSTRAINT "interview_invitations_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;