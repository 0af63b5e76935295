CREATE TABLE "employer_accounts" (
	"user_sub" varchar(200) PRIMARY KEY NOT NULL,
	"employer_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "employer_accounts" ADD CONSTRAINT "employer_accounts_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;