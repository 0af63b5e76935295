import { Field, ID, ObjectType } from "type-graphql";
import { PartnerScopeEnum } from "../../auth/viewer.js";

@ObjectType({ description: "A third-party recruitment site." })
export class Partner {
  @Field(() => ID, { description: "The partner site's id." }) id!: string;
  @Field({ description: "The partner site's name (unique)." }) name!: string;
  @Field({ description: "When the partner site was first issued a key." }) createdAt!: Date;
}

@ObjectType({ description: "An API key's metadata; the key itself is shown once, when issued." })
export class PartnerApiKey {
  @Field(() => ID, { description: "The key's id (for revokePartnerKey)." }) id!: string;
  @Field({ description: "The key's first characters, to tell keys apart." }) keyPrefix!: string;
  @Field(() => [PartnerScopeEnum], { description: "What the key may do." }) scopes!: string[];
  @Field({ description: "When it was issued." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was revoked (null while it works)." }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was last used, within the hour (null if never)." }) lastUsedAt!: Date | null;
}

@ObjectType({ description: "A newly issued partner key: the only time the key itself is shown." })
export class IssuedPartnerKey {
  @Field(() => Partner, { description: "The partner site it belongs to." }) partner!: Partner;
  @Field(() => PartnerApiKey, { description: "The key's metadata." }) key!: PartnerApiKey;
  @Field({ description: "Send as the X-Api-Key header. Shown only now; store it safely." }) apiKey!: string;
}
