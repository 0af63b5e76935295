import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { listRegions } from "./region.service.js";
import { Region } from "./region.type.js";

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => [Region], { description: "Provinces, or the children of `parentCode`." })
  regions(@Arg("parentCode", () => String, { nullable: true }) parentCode: string | null, @Ctx() ctx: Context) {
    return listRegions(ctx.db, parentCode);
  }

  @Query(() => Region, { nullable: true })
  region(@Arg("code", () => String) code: string, @Ctx() ctx: Context) {
    return ctx.loaders.regionByCode.load(code);
  }

  @FieldResolver(() => Region, { nullable: true })
  parent(@Root() region: Region, @Ctx() ctx: Context) {
    return region.parentCode ? ctx.loaders.regionByCode.load(region.parentCode) : null;
  }

  @FieldResolver(() => [Region])
  children(@Root() region: Region, @Ctx() ctx: Context) {
    return ctx.loaders.regionChildren.load(region.code);
  }
}
