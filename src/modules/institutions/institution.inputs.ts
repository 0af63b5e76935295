import { Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import { CharLength, IsRegionCode } from "../../graphql/validators.js";
import { InstitutionKind } from "./institution.type.js";

@InputType()
export class RegisterInstitutionInput {
  @Field() @Matches(/^[0-9A-Za-z-]{2,20}$/) code!: string;
  @Field() @CharLength(2, 100) name!: string;
  @Field(() => InstitutionKind) kind!: InstitutionKind;
  @Field() @IsRegionCode() regionCode!: string;
}
