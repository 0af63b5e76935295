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
  description: "The kind of an institution.",
  valuesConfig: {
    UNIVERSITY: { description: "本科高校" },
    VOCATIONAL_COLLEGE: { description: "高职/专科院校" },
    TECHNICAL_SCHOOL: { description: "技工院校" },
  },
});
if (institutionKind.enumValues.join() !== Object.values(InstitutionKind).join()) throw new Error("InstitutionKind out of sync");

@ObjectType({ implements: Node, description: "A university, vocational college or technical school (高校 / 技工院校)." })
export class Institution {
  @Field(() => ID, { description: "The institution's id." }) id!: string;
  @Field({ description: "Its code (e.g. the Ministry of Education's 10386)." }) code!: string;
  @Field({ description: "Its name." }) name!: string;
  @Field(() => InstitutionKind, { description: "What kind of institution it is." }) kind!: InstitutionKind;
  @Field({ description: "The county (GB/T 2260, 6 digits) where it is." }) regionCode!: string;
}
