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

@ObjectType({ description: "One hit of a search: the posting, where it stands and how well it matched." })
export class PostingSearchEdge {
  @Field({ description: "Its place in the search's order: pass as `after` (or `before`) to page from here." }) cursor!: string;
  @Field(() => Float, { description: "Relevance in [0, 1]." }) score!: number;
  @Field(() => JobPosting, { description: "The posting (public fields)." }) node!: JobPosting;
}

@ObjectType({ description: "A page of search hits (a Relay connection, in the engine's order), with the whole result's count and facets." })
export class PostingSearchConnection {
  @Field(() => Int, { description: "Every hit of the search, not just this page (asking for it makes the engine count them all)." }) totalCount!: number;
  @Field(() => [PostingSearchEdge], { description: "This page's hits, best first (or in `sort` order)." }) edges!: PostingSearchEdge[];
  @Field(() => PageInfo, { description: "Where this page begins and ends." }) pageInfo!: PageInfo;
  @Field(() => PostingSearchFacets, { description: "How the whole result divides by region, kind, education and salary (asking for it makes the engine read every hit)." }) facets!: PostingSearchFacets;
}
