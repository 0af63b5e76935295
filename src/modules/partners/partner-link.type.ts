import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum PartnerLinkStatus {
  REQUESTED = "REQUESTED",
  ACTIVE = "ACTIVE",
  REVOKED = "REVOKED",
}
registerEnumType(PartnerLinkStatus, {
  name: "PartnerLinkStatus",
  description: "Where a partner–employer link is.",
  valuesConfig: {
    REQUESTED: { description: "The partner site asked (requestEmployerLink); the employer has not answered." },
    ACTIVE: { description: "The partner site posts for the employer: its postings are public (not held) and count as the employer's verified ones." },
    REVOKED: { description: "Declined or ended by either side or an official: the partner's postings for the employer are held again." },
  },
});

@ObjectType({ description: "Whether a partner site may post for an employer (trusted employers)." })
export class PartnerEmployerLink {
  @Field(() => ID, { description: "The link's id." }) id!: string;
  @Field(() => PartnerLinkStatus, { description: "Where it is." }) status!: PartnerLinkStatus;
  @Field(() => Date, { nullable: true, description: "When the partner last asked (null if an official linked them without a request)." }) requestedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was last decided (activated, declined or ended); null while REQUESTED." }) decidedAt!: Date | null;
  @Field({ description: "When it last changed." }) updatedAt!: Date;
  partnerId!: string;
  employerId!: string;
}
