import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { PageEnd, PageRequest } from "../pagination.js";

// The cursors, pages and page-size rule moved to src/pagination.ts (transport-free); re-exported until every importer points there.

/**
 * A Relay connection's arguments: `first` (after `after`) reads forward, `last` (before `before`)
 * backward; neither is the first 20. Sizes 1–100, one of `first`/`last` at most (checked where the
 * page is read: keysetOf in src/pagination.ts).
 */
@ArgsType()
export class PageArgs implements PageRequest {
  @Field(() => Int, { nullable: true, description: "How many from the start (after `after`), 1–100. Neither `first` nor `last`: the first 20." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Start after this cursor (a page's `endCursor`)." })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: "How many from the end (before `before`), 1–100; not with `first`." })
  last?: number | null;

  @Field(() => String, { nullable: true, description: "End before this cursor (a page's `startCursor`)." })
  before?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "Where a page of a connection begins and ends (Relay cursor connections)." })
export class PageInfo implements PageEnd {
  @Field({ description: "More after this page (read forward: there are; read backward: the page ended at `before`)." })
  hasNextPage!: boolean;

  @Field({ description: "More before this page (read backward: there are; read forward: the page began at `after`)." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The first edge's cursor: pass as `before` for the page before." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "The last edge's cursor: pass as `after` for the page after." })
  endCursor!: string | null;
}

/** A Relay connection type for a node type: `<Name>Connection { edges { cursor node } pageInfo totalCount }`. */
export function connectionType<T extends object>(name: string, nodeType: ClassType<T>) {
  // simpleResolvers (here and below): no authorization or middleware on these fields, so graphql-js reads them as plain properties, without a wrapper per field of every edge.
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its place in the list.` })
  class Edge {
    @Field({ description: "Its place in the list: pass as `after` or `before` to page from here." }) cursor!: string;
    @Field(() => nodeType, { description: `The ${name}.` }) node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} (a Relay connection): its edges, where it begins and ends, and how many there are in all.` })
  class Connection {
    @Field(() => [Edge], { description: "This page's items, in the list's order." }) edges!: Edge[];
    @Field(() => PageInfo, { description: "Where this page begins and ends." }) pageInfo!: PageInfo;
    totalCount!: () => Promise<number>;

    @Field(() => Int, { name: "totalCount", description: "All matching rows, not just this page." })
    totalCountField(): Promise<number> {
      return this.totalCount();
    }
  }
  return Connection;
}
