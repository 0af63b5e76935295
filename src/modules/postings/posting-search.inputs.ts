import { ArrayMaxSize, IsOptional, Max, Min } from "class-validator";
import { Field, InputType, Int, registerEnumType } from "type-graphql";
import { Education, PostingKind } from "./posting.type.js";

export enum SearchSort {
  RELEVANCE = "RELEVANCE",
  NEWEST = "NEWEST",
  SALARY_DESC = "SALARY_DESC",
}
registerEnumType(SearchSort, {
  name: "SearchSort",
  description: "Default: RELEVANCE with a query, NEWEST without.",
  valuesConfig: {
    RELEVANCE: { description: "Best match first (needs a query)." },
    NEWEST: { description: "Newest published first." },
    SALARY_DESC: { description: "Highest salary (the top of its range) first." },
  },
});

/** The `searchPostings` filter as the client sends it (the engine's own filter is `EngineFilter`). */
@InputType("PostingSearchFilter", { description: "Structured filters; never parsed from the search text." })
export class PostingSearchFilterInput {
  @Field(() => [String], { nullable: true, description: "Region-code prefixes (35, 3501, 350102); any matches." })
  @IsOptional()
  @ArrayMaxSize(20)
  regionCodes?: string[];
  @Field(() => [PostingKind], { nullable: true, description: "Only these kinds." }) @IsOptional() @ArrayMaxSize(5) kind?: PostingKind[];
  @Field(() => Education, { nullable: true, description: "Requirement at most this level." }) educationAtMost?: Education;
  @Field(() => Int, { nullable: true, description: "Pays up to at least this much (yuan/month)." }) @IsOptional() @Min(0) @Max(1_000_000) salaryAtLeast?: number;
  @Field({ nullable: true, description: "Only postings reserved (true) or not reserved (false) for key groups." }) forKeyGroups?: boolean;
  @Field({ nullable: true, description: "Only postings of employers an official verified (true) or not (false)." }) employerVerified?: boolean;
  @Field({ nullable: true, description: "扶贫车间 / 扶贫基地" }) povertyWorkshop?: boolean;
}
