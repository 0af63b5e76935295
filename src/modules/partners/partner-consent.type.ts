import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { PARTNER_CONSENT_SCOPES } from "./partner-consent.service.js";

export enum PartnerConsentScope {
  APPLY = "APPLY",
}
registerEnumType(PartnerConsentScope, {
  name: "PartnerConsentScope",
  description: "What a seeker lets a partner site do in their name.",
  valuesConfig: { APPLY: { description: "Apply to postings for them (applyForSeeker); the partner sees only each application's own status." } },
});
if (Object.values(PartnerConsentScope).join() !== PARTNER_CONSENT_SCOPES.join()) throw new Error("PartnerConsentScope out of sync");

@ObjectType({ description: "A seeker's consent that a partner site may act for them (given, listed and revoked on the portal)." })
export class PartnerConsent {
  @Field(() => ID, { description: "The consent's id: give it to the partner site — it names you to the partner without saying who you are." }) id!: string;
  @Field(() => [PartnerConsentScope], { description: "What the partner site may do." }) scopes!: string[];
  @Field(() => LocalDate, { description: "The last Fujian day it holds." }) expiresOn!: string;
  @Field({ description: "When it was given." }) grantedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was revoked (null while it holds)." }) revokedAt!: Date | null;
  partnerId!: string;
}
