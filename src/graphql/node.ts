/**
 * Relay's object identification: the `Node` interface and `node(id)` / `nodes(ids)`. Every id is
 * already unique across types (a UUID v7; a region's GB/T 2260 code), so ids are not re-encoded:
 * a client keeps the ids it has. Each type that can be fetched again says how — the rule of its own
 * root field (`Query.posting` …, from the authorization table) and the service call behind it — so
 * `node` shows exactly what that field would, to whom it would: anything else is null, without
 * saying whether the id exists.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { AUTHORIZATION, type Access } from "../auth/authorization-table.js";
import type { Viewer } from "../auth/viewer.js";
import { queryRows } from "../db/client.js";
import { isUuid } from "../db/ids.js";
import { badInput, DomainError } from "../errors.js";
import { msg } from "../i18n.js";
import { MAX_PAGE_SIZE } from "../pagination.js";
import type { Context } from "./context.js";
import { Node, nodeTypeOf } from "./node-interface.js";

export { Node };

interface NodeKind {
  /** The root field whose access rule (src/auth/authorization-table.ts) and answer `node` repeats. */
  rootField: keyof typeof AUTHORIZATION & `Query.${string}`;
  /** Where ids of this type live (UUIDs), or what they look like (other ids). */
  table?: PgTable & { id: AnyPgColumn };
  idPattern?: RegExp;
  /** The object as the root field gives it to this caller; null when they may not see it. */
  fetch: (ctx: Context, id: string) => Promise<object | null | undefined>;
}

const KINDS = new Map<string, NodeKind>();

/** Declares a GraphQL type fetchable by `node(id)` (each type's resolver file, beside its root field). */
export function nodeType(typeName: string, kind: NodeKind): void {
  if (!AUTHORIZATION[kind.rootField]) throw new Error(`nodeType(${typeName}): no rule for ${kind.rootField}`);
  KINDS.set(typeName, kind);
}

/** The types `node` can fetch, with the root field each follows (for the README and tests). */
export const nodeTypes = (): ReadonlyMap<string, Pick<NodeKind, "rootField">> => KINDS;

function passes(viewer: Viewer, access: Access): boolean {
  if (access === "PUBLIC") return true;
  if (viewer.kind === "anonymous") return false;
  return access === "SIGNED_IN" || access.includes(viewer.role);
}

/** Which type each id belongs to: UUIDs by one statement over every node table, other ids by their form. */
async function typesOf(ctx: Context, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const id of ids) {
    for (const [name, kind] of KINDS) if (kind.idPattern?.test(id)) found.set(id, name);
  }
  const uuids = [...new Set(ids.filter((id) => isUuid(id)))];
  const tables = [...KINDS].filter(([, kind]) => kind.table);
  if (uuids.length > 0 && tables.length > 0) {
    const probes: SQL[] = tables.map(([name, kind]) => sql`select ${name}::text as type, ${kind.table!.id}::text as id from ${kind.table!} where ${kind.table!.id} = any(${sql.param(uuids)}::uuid[])`);
    for (const row of await queryRows<{ type: string; id: string }>(ctx.db, sql.join(probes, sql` union all `))) found.set(row.id, row.type);
  }
  return found;
}

/** An id as stored: UUIDs in lower case (as `parseId` reads them for the root fields), others as given. */
const canonical = (id: string) => (isUuid(id) ? id.toLowerCase() : id);

async function fetchNodes(ctx: Context, asked: readonly string[]): Promise<(object | null)[]> {
  const ids = asked.map(canonical);
  const types = await typesOf(ctx, ids);
  // Each id fetched once, all at once: the types that fetch through the request's loaders (postings,
  // people, employers, mentors, institutions, regions) answer many ids in one statement.
  const fetched = new Map<string, Promise<object | null>>();
  const fetchOne = async (id: string): Promise<object | null> => {
    const name = types.get(id);
    const kind = name ? KINDS.get(name) : undefined;
    if (!name || !kind || !passes(ctx.viewer, AUTHORIZATION[kind.rootField]!.access)) return null;
    try {
      const object = await kind.fetch(ctx, id);
      if (!object) return null;
      nodeTypeOf.set(object, name);
      return object;
    } catch (error) {
      // Refused further by the service (scope): as for anything not to be seen, null.
      if (error instanceof DomainError && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) return null;
      throw error;
    }
  };
  for (const id of ids) if (!fetched.has(id)) fetched.set(id, fetchOne(id));
  return Promise.all(ids.map((id) => fetched.get(id)!));
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: "Any object by its id (Relay): what that type's own field (`posting`, `person` …) would show you; null when there is no such object or you may not see it.",
  })
  async node(@Arg("id", () => ID, { description: "An object's `id`." }) id: string, @Ctx() ctx: Context) {
    return (await fetchNodes(ctx, [id]))[0];
  }

  @Query(() => [Node], {
    nullable: "items",
    description: "Objects by their ids, in the order asked (at most 100): each as `node` would give it, null where it would be null.",
  })
  async nodes(@Arg("ids", () => [ID], { description: "Up to 100 ids." }) ids: string[], @Ctx() ctx: Context) {
    if (ids.length > MAX_PAGE_SIZE) throw badInput("ids", msg(`一次最多 ${MAX_PAGE_SIZE} 个 id`, `At most ${MAX_PAGE_SIZE} ids at once`));
    return fetchNodes(ctx, ids);
  }
}
