import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { regionLevel } from "./region.table.js";
import { Node } from "../../graphql/node-interface.js";

export enum RegionLevel {
  PROVINCE = "PROVINCE",
  PREFECTURE = "PREFECTURE",
  COUNTY = "COUNTY",
}
registerEnumType(RegionLevel, { name: "RegionLevel" });
// The GraphQL enum and the database enum must not drift apart.
if (regionLevel.enumValues.join() !== Object.values(RegionLevel).join()) throw new Error("RegionLevel out of sync");

@ObjectType({
  implements: Node, description: "A GB/T 2260 division: province, prefecture or county." })
export class Region {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => RegionLevel) level!: RegionLevel;
  @Field(() => String, { nullable: true }) parentCode!: string | null;
  @Field(() => Float, { nullable: true, description: "Label point (about the county seat), GCJ-02." }) lng!: number | null;
  @Field(() => Float, { nullable: true }) lat!: number | null;
  @Field({ description: "One of the 52 counties not yet lifted out of poverty in 2020 (52个未摘帽贫困县)." })
  poverty52!: boolean;
}
