import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { institutionKind } from "./institution.table.js";
import { Node } from "../../graphql/node-interface.js";

export enum InstitutionKind {
  UNIVERSITY = "UNIVERSITY",
  VOCATIONAL_COLLEGE = "VOCATIONAL_COLLEGE",
  TECHNICAL_SCHOOL = "TECHNICAL_SCHOOL",
}
registerEnumType(InstitutionKind, {
  name: "InstitutionKind",
  valuesConfig: { UNIVERSITY: { description: "本科高校" }, VOCATIONAL_COLLEGE: { description: "高职/专科院校" }, TECHNICAL_SCHOOL: { description: "技工院校" } },
});
if (institutionKind.enumValues.join() !== Object.values(InstitutionKind).join()) throw new Error("InstitutionKind out of sync");

@ObjectType({
  implements: Node, description: "A university, vocational college or technical school (高校 / 技工院校)." })
export class Institution {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => InstitutionKind) kind!: InstitutionKind;
  @Field() regionCode!: string;
}
