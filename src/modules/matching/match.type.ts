import { Field, Float, ObjectType } from "type-graphql";
import { JobPosting } from "../postings/posting.type.js";

@ObjectType({ description: "Why a posting was matched, in words a caseworker can read to the person." })
export class MatchReason {
  @Field({ description: "text, occupation, distance, salary, education, keyGroup, workshop, freshness, headcount" }) factor!: string;
  @Field(() => Float, { description: "What this factor added to the score (its policy weight × how well it fits)." }) weight!: number;
  @Field() detail!: string;
}

@ObjectType()
export class Match {
  @Field(() => JobPosting) posting!: JobPosting;
  @Field(() => Float) score!: number;
  @Field(() => [MatchReason]) reasons!: MatchReason[];
}

@ObjectType()
export class PersonMatches {
  @Field(() => [Match], { description: "Best first." }) items!: Match[];
  @Field(() => String, { nullable: true, description: "Why the list is short or empty, or how it was made." }) note!: string | null;
}
