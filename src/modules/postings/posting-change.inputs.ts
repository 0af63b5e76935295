import { ArrayMaxSize, IsOptional } from "class-validator";
import { Field, InputType } from "type-graphql";
import { IsRegionPrefix } from "../../graphql/validators.js";
import { PostingKind } from "./posting.type.js";

@InputType({ description: "Which postings' events the change feed carries (the posting as it is now decides; an UPDATED that moves a posting out of the filter is still sent, so a copy can drop it)." })
export class PostingChangeFilter {
  @Field({ nullable: true, description: "Region-code prefix: 35 (province), 3501 (prefecture) or a county." })
  @IsOptional()
  @IsRegionPrefix()
  regionCode?: string;
  @Field(() => [PostingKind], { nullable: true, description: "Only these kinds." }) @IsOptional() @ArrayMaxSize(5) kind?: PostingKind[];
  @Field({ nullable: true, description: "Only postings reserved (true) or not reserved (false) for key groups." }) forKeyGroups?: boolean;
  @Field({ nullable: true, description: "Only the postings this partner pushed (partner keys only)." }) ownPostingsOnly?: boolean;
}
