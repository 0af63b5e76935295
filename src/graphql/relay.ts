import { Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { MAX_PAGE_SIZE, type PageEnd } from "../pagination.js";

// The cursors, pages and page-size rule moved to src/pagination.ts (transport-free); re-exported until every importer points there.

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: "Page size, 1–100." })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true, description: "The `endCursor` of the previous page." })
  after?: string | null;
}

@ObjectType()
export class PageInfo implements PageEnd {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** A Relay connection type for a node type: `<Name>Connection { edges { cursor node } pageInfo totalCount }`. */
export function connectionType<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => nodeType) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    totalCount!: () => Promise<number>;

    @Field(() => Int, { name: "totalCount", description: "All matching rows, not just this page." })
    totalCountField(): Promise<number> {
      return this.totalCount();
    }
  }
  return Connection;
}
