-- The matching policy's rules beside its weights (src/modules/matching/match-rules.ts): commuting
-- radii by population (就近就地 for people who will not move), the boost margin, near-duplicate
-- damping. Every version so far gets the first rules (DEFAULT_MATCH_RULES says the same).
ALTER TABLE "matching_policies" ADD COLUMN "rules" jsonb NOT NULL DEFAULT '{"commuteRadii":[{"population":"POVERTY_LABOURER","km":30}],"boostMargin":0.02,"nearDuplicateDamping":0.5}'::jsonb;--> statement-breakpoint
ALTER TABLE "matching_policies" ALTER COLUMN "rules" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "matching_policies" ADD CONSTRAINT "matching_policies_rules_chk" CHECK (jsonb_typeof("matching_policies"."rules"->'commuteRadii') = 'array'
          and not jsonb_path_exists("matching_policies"."rules", '$.commuteRadii[*] ? (!(@.km >= 1 && @.km <= 300))')
          and ("matching_policies"."rules"->>'boostMargin')::numeric between 0 and 0.2
          and ("matching_policies"."rules"->>'nearDuplicateDamping')::numeric between 0.05 and 1);
