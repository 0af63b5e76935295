import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { JobPosting } from "../postings/posting.type.js";
import type { Factor } from "./match-score.js";

/** The ranker's factors (match-score.ts); the GraphQL name is the constant, the value the policy weight's key. */
export enum MatchFactor {
  TEXT = "text",
  OCCUPATION = "occupation",
  DISTANCE = "distance",
  SALARY = "salary",
  EDUCATION = "education",
  KEY_GROUP = "keyGroup",
  WORKSHOP = "workshop",
  FRESHNESS = "freshness",
  HEADCOUNT = "headcount",
  FALLBACK = "fallback",
}
registerEnumType(MatchFactor, {
  name: "MatchFactor",
  description: "One of the ranker's factors; each has a weight in the matching policy (MatchWeights).",
  valuesConfig: {
    TEXT: { description: "The posting's text against the person's job intention, major and skills." },
    OCCUPATION: { description: "The posting's occupation or required majors against the person's intention, major and skills." },
    DISTANCE: { description: "How near the posting is to the person's home (same county best)." },
    SALARY: { description: "The posting's highest monthly salary against the salary the person wants." },
    EDUCATION: { description: "The person's education against the posting's requirement." },
    KEY_GROUP: { description: "A posting reserved for key groups, for a person in a key group." },
    WORKSHOP: { description: "A poverty-alleviation workshop (扶贫车间) employer, for a person from a poverty household." },
    FRESHNESS: { description: "How recently the posting was published." },
    HEADCOUNT: { description: "How many people the posting hires." },
    FALLBACK: { description: "Not a factor: the posting is a public-welfare post offered as the fallback (托底安置) because too few market postings fit; it weighs 0." },
  },
});
// The enum's values are exactly the ranker's factors and the fallback (the compiler checks both ways).
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const factorsInSync: SameSet<`${MatchFactor}`, Factor["factor"] | "fallback"> = true;
void factorsInSync;

@ObjectType({ description: "Why a posting was matched, in words a caseworker can read to the person." })
export class MatchReason {
  @Field(() => MatchFactor, { description: "Which factor this reason is about (FALLBACK: why a public-welfare post is offered)." }) factor!: Factor["factor"] | "fallback";
  @Field(() => Float, { description: "What this factor added to the score (its policy weight × how well it fits)." }) weight!: number;
  @Field({ description: "The reason in words a caseworker can read to the person (Chinese)." }) detail!: string;
}

@ObjectType({ description: "A posting that fits a person, with its score and the reasons." })
export class Match {
  @Field(() => JobPosting, { description: "The posting." }) posting!: JobPosting;
  @Field(() => Float, {
    description:
      "The ranker's score in [0, 1]: the policy-weighted sum of the fit factors plus the boosts (KEY_GROUP, WORKSHOP, HEADCOUNT) capped at the policy's boostMargin, times employerRepeatDamping for each posting of the same employer listed above it and nearDuplicateDamping for each near-duplicate (same title in the same county or from the same employer) listed above it.",
  })
  score!: number;
  @Field({ description: "A public-welfare post offered as the fallback (托底安置): only to people from registered-poverty households with fewer market fits (postings within their places that hold some of their words) than their referral minimum; after every market fit whatever its score, before other market postings within their places." }) fallback!: boolean;
  @Field(() => [MatchReason], { description: "Why it was matched, biggest contribution first." }) reasons!: MatchReason[];
}

@ObjectType({ description: "A person's best-fitting open postings." })
export class PersonMatches {
  @Field(() => [Match], { description: "Best first." }) items!: Match[];
  @Field(() => String, { nullable: true, description: "Why the list is short or empty, or how it was made." }) note!: string | null;
}
