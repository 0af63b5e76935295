import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { nodeType } from "../../graphql/node.js";
import { listRegions } from "./region.service.js";
import { Region } from "./region.type.js";

// A region's id is its code: six digits, unlike every other id (UUIDs).
nodeType("Region", { rootField: "Query.region", idPattern: /^\d{6}$/, fetch: (ctx, id) => ctx.loaders.regionByCode.load(id) });

@Resolver(() => Region)
export class RegionResolver {
  @FieldResolver(() => ID, { description: "Its GB/T 2260 code, as a Relay id (`node(id)` fetches the region)." })
  id(@Root() region: Region) {
    return region.code;
  }

  @Query(() => [Region], { description: "Provinces, or the children of `parentCode`." })
  regions(@Arg("parentCode", () => String, { nullable: true, description: "A province's or prefecture's code (350000, 350100); omitted: the provinces." }) parentCode: string | null, @Ctx() ctx: Context) {
    return listRegions(ctx.db, parentCode);
  }

  @Query(() => Region, { nullable: true, description: "A division by its six-digit GB/T 2260 code; null if there is none." })
  region(@Arg("code", () => String, { description: "Six digits, e.g. 350102." }) code: string, @Ctx() ctx: Context) {
    return ctx.loaders.regionByCode.load(code);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The division it belongs to; null for a province." })
  parent(@Root() region: Region, @Ctx() ctx: Context) {
    return region.parentCode ? ctx.loaders.regionOf(region.parentCode) : null;
  }

  @FieldResolver(() => [Region], { description: "The divisions directly under it (a province's prefectures, a prefecture's counties); none under a county." })
  children(@Root() region: Region, @Ctx() ctx: Context) {
    return ctx.loaders.regionChildren.load(region.code);
  }
}
