import { Field, Float, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../../graphql/relay.js";
import { JobPosting } from "./posting.type.js";

@ObjectType()
export class FacetCount {
  @Field() value!: string;
  @Field() label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class PostingSearchFacets {
  @Field(() => [FacetCount], { description: "By prefecture." }) regions!: FacetCount[];
  @Field(() => [FacetCount]) kinds!: FacetCount[];
  @Field(() => [FacetCount], { description: "By education requirement." }) education!: FacetCount[];
  @Field(() => [FacetCount], { description: "By the top of the salary range." }) salaryBands!: FacetCount[];
}

@ObjectType()
export class PostingSearchEdge {
  @Field() cursor!: string;
  @Field(() => Float, { description: "Relevance in [0, 1]." }) score!: number;
  @Field(() => JobPosting) node!: JobPosting;
}

@ObjectType()
export class PostingSearchResult {
  @Field(() => Int) totalCount!: number;
  @Field(() => [PostingSearchEdge]) edges!: PostingSearchEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => PostingSearchFacets) facets!: PostingSearchFacets;
}
