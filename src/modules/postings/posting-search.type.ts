import { Field, Float, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../../graphql/relay.js";
import { JobPosting } from "./posting.type.js";

@ObjectType({ description: "How many matching postings share one value." })
export class FacetCount {
  @Field({ description: "The value: a prefecture code, a PostingKind, an education rank (0 = NONE … 6 = DOCTORATE) or a salary band." }) value!: string;
  @Field({ description: "The value for people: the prefecture's name, the education level's name; otherwise the value itself." }) label!: string;
  @Field(() => Int, { description: "Matching postings with this value." }) count!: number;
}

@ObjectType({ description: "Counts of the matching postings by region, kind, education and salary band (when asked for)." })
export class PostingSearchFacets {
  @Field(() => [FacetCount], { description: "By prefecture." }) regions!: FacetCount[];
  @Field(() => [FacetCount], { description: "By posting kind." }) kinds!: FacetCount[];
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
