/**
 * The Relay `Node` interface, apart from `node`'s resolver (src/graphql/node.ts) so that the object
 * types implementing it import nothing of the request context.
 */
import { Field, ID, InterfaceType } from "type-graphql";

/** The type each fetched object was found as (rows are plain objects: the interface needs telling). */
export const nodeTypeOf = new WeakMap<object, string>();

@InterfaceType("Node", {
  description: "An object that can be fetched again by its id alone (`node(id)`): the id is unique across every type.",
  resolveType: (value: object) => nodeTypeOf.get(value),
})
export abstract class Node {
  @Field(() => ID, { description: "Unique across every type; pass it to `node` to fetch the object again." })
  id!: string;
}
