import { Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import { CharLength, IsRegionCode } from "../../graphql/validators.js";
import { InstitutionKind } from "./institution.type.js";

@InputType({ description: "A new institution." })
export class RegisterInstitutionInput {
  @Field({ description: "Its code (2–20 letters, digits and -; e.g. the Ministry of Education's 10386)." }) @Matches(/^[0-9A-Za-z-]{2,20}$/) code!: string;
  @Field({ description: "Its name (2–100 characters)." }) @CharLength(2, 100) name!: string;
  @Field(() => InstitutionKind, { description: "What kind of institution it is." }) kind!: InstitutionKind;
  @Field({ description: "The county (GB/T 2260, 6 digits) where it is." }) @IsRegionCode() regionCode!: string;
}
