import { Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { isUuid } from "../db/ids.js";
import { MAX_PAGE_SIZE } from "./page-size.js";
import { badInput } from "../errors.js";

export { checkFirst, MAX_PAGE_SIZE } from "./page-size.js";

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
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

// Cursors are opaque to clients; inside they name the last row's id (a UUID v7, ordered by time).
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, field = "after"): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("c:") ? decoded.slice(2) : "";
  if (!isUuid(id)) throw badInput(field, "The cursor is not one this API issued");
  return id;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

/** Rows fetched with `limit first + 1`: the extra row only says whether there is a next page. */
export function pageFromRows<T extends { id: string }>(rows: T[], first: number, count: () => Promise<number>): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  };
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
