import { IsOptional } from "class-validator";
import { Field, InputType } from "type-graphql";
import { CharLength, IsCreditCode, IsRegionCode, IsRegionPrefix } from "../../graphql/validators.js";

@InputType({ description: "An employer to register (verified at once: an official checked its licence)." })
export class RegisterEmployerInput {
  @Field({ description: "Its registered name (1–200 characters)." }) @CharLength(1, 200) name!: string;
  @Field({ description: "统一社会信用代码, 18 characters with its GB 32100 check character." })
  @IsCreditCode()
  creditCode!: string;
  @Field({ description: "The county (GB/T 2260) where the employer is registered." }) @IsRegionCode() regionCode!: string;
  @Field({ defaultValue: false, description: "扶贫车间 / 扶贫基地." }) isPovertyWorkshop!: boolean;
}

@InputType({ description: "Which employers to list." })
export class EmployerFilter {
  @Field({ nullable: true, description: "Region-code prefix: 35 (province), 3501 (prefecture) or a county." })
  @IsOptional()
  @IsRegionPrefix()
  regionCode?: string;
  @Field({ nullable: true, description: "Only employers an official verified (true) or not (false)." }) verified?: boolean;
  @Field({ nullable: true, description: "Only poverty-alleviation workshops and bases (true) or the others (false)." }) isPovertyWorkshop?: boolean;
  @Field({ nullable: true, description: "Only employers whose name contains this (1–100 characters)." }) @IsOptional() @CharLength(1, 100) nameContains?: string;
}
