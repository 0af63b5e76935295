import { Field, ID, ObjectType } from "type-graphql";
import { PartnerScopeEnum } from "../../auth/viewer.js";

@ObjectType({ description: "A third-party recruitment site." })
export class Partner {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
}

@ObjectType({ description: "An API key's metadata; the key itself is shown once, when issued." })
export class PartnerApiKey {
  @Field(() => ID) id!: string;
  @Field({ description: "The key's first characters, to tell keys apart." }) keyPrefix!: string;
  @Field(() => [PartnerScopeEnum], { description: "What the key may do." }) scopes!: string[];
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType()
export class IssuedPartnerKey {
  @Field(() => Partner) partner!: Partner;
  @Field(() => PartnerApiKey) key!: PartnerApiKey;
  @Field({ description: "Send as the X-Api-Key header. Shown only now; store it safely." }) apiKey!: string;
}
