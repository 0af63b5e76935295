import { IsOptional } from "class-validator";
import { Field, InputType } from "type-graphql";
import { CharLength, IsCreditCode, IsRegionCode, IsRegionPrefix } from "../../graphql/validators.js";

@InputType()
export class RegisterEmployerInput {
  @Field() @CharLength(1, 200) name!: string;
  @Field({ description: "统一社会信用代码, 18 characters with its GB 32100 check character." })
  @IsCreditCode()
  creditCode!: string;
  @Field({ description: "The county (GB/T 2260) where the employer is registered." }) @IsRegionCode() regionCode!: string;
  @Field({ defaultValue: false, description: "扶贫车间 / 扶贫基地." }) isPovertyWorkshop!: boolean;
}

@InputType()
export class EmployerFilter {
  @Field({ nullable: true, description: "Region-code prefix: 35 (province), 3501 (prefecture) or a county." })
  @IsOptional()
  @IsRegionPrefix()
  regionCode?: string;
  @Field({ nullable: true }) verified?: boolean;
  @Field({ nullable: true }) isPovertyWorkshop?: boolean;
  @Field({ nullable: true }) @IsOptional() @CharLength(1, 100) nameContains?: string;
}
