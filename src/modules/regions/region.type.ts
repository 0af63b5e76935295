import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { regionLevel } from "./region.table.js";
import { Node } from "../../graphql/node-interface.js";

export enum RegionLevel {
  PROVINCE = "PROVINCE",
  PREFECTURE = "PREFECTURE",
  COUNTY = "COUNTY",
}
registerEnumType(RegionLevel, {
  name: "RegionLevel",
  description: "A level of China's administrative divisions (GB/T 2260).",
  valuesConfig: {
    PROVINCE: { description: "A province (省): Fujian, 350000." },
    PREFECTURE: { description: "A prefecture-level city (地级市), e.g. Fuzhou, 350100." },
    COUNTY: { description: "A county, county-level city or district (县/县级市/区), e.g. Gulou, 350102." },
  },
});
// The GraphQL enum and the database enum must not drift apart.
if (regionLevel.enumValues.join() !== Object.values(RegionLevel).join()) throw new Error("RegionLevel out of sync");

// simpleResolvers: plain properties read without type-graphql's per-field wrapper (every posting of a page names one).
@ObjectType({ implements: Node, simpleResolvers: true, description: "A GB/T 2260 division: province, prefecture or county." })
export class Region {
  @Field({ description: "Its GB/T 2260 code: six digits (350000 Fujian, 350100 Fuzhou, 350102 Gulou)." }) code!: string;
  @Field({ description: "Its name in Chinese (福州市)." }) name!: string;
  @Field(() => RegionLevel, { description: "Province, prefecture or county." }) level!: RegionLevel;
  @Field(() => String, { nullable: true, description: "The code of the division it belongs to; null for a province." }) parentCode!: string | null;
  @Field(() => Float, { nullable: true, description: "Label point (about the county seat), GCJ-02." }) lng!: number | null;
  @Field(() => Float, { nullable: true, description: "Latitude of the label point, GCJ-02." }) lat!: number | null;
  @Field({ description: "One of the 52 counties not yet lifted out of poverty in 2020 (52个未摘帽贫困县)." })
  poverty52!: boolean;
}
