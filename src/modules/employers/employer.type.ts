import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../graphql/node-interface.js";

// simpleResolvers: plain properties read without type-graphql's per-field wrapper (every posting of a page names one).
@ObjectType({ implements: Node, simpleResolvers: true, description: "An employer (用人单位). Business registry data, public." })
export class Employer {
  @Field(() => ID, { description: "The employer's id." }) id!: string;
  @Field({ description: "Its registered name." }) name!: string;
  @Field({ description: "统一社会信用代码" }) creditCode!: string;
  @Field({ description: "The county (GB/T 2260, 6 digits) where it is registered." }) regionCode!: string;
  @Field({ description: "扶贫车间 / 扶贫基地" }) isPovertyWorkshop!: boolean;
  @Field({ description: "Checked by an official; employers first seen through a partner push are not." }) verified!: boolean;
  @Field({ description: "When it was registered here." }) createdAt!: Date;
}
