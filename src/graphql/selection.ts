import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

type Fragments = GraphQLResolveInfo["fragments"];

/** Each selection of the sets, through inline fragments and fragment spreads. */
function eachField(sets: readonly (SelectionSetNode | undefined)[], fragments: Fragments, visit: (name: string, set: SelectionSetNode | undefined) => void): void {
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === "Field") visit(selection.name.value, selection.selectionSet);
      else if (selection.kind === "InlineFragment") walk(selection.selectionSet);
      else walk(fragments[selection.name.value]?.selectionSet);
    }
  };
  sets.forEach(walk);
}

/**
 * The names of the fields a query selects directly under the current field (through inline
 * fragments and fragment spreads), so a resolver can skip work nobody asked for.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">): Set<string> {
  return selectedFieldNamesAt(info, []);
}

/**
 * The names of the fields a query selects at a path below the current field (`["edges", "node"]`:
 * the nodes of a connection), through fragments, under every alias of the path's fields.
 */
export function selectedFieldNamesAt(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, path: readonly string[]): Set<string> {
  let sets = info.fieldNodes.map((node) => node.selectionSet);
  for (const step of path) {
    const next: (SelectionSetNode | undefined)[] = [];
    eachField(sets, info.fragments, (name, set) => name === step && next.push(set));
    sets = next;
  }
  const names = new Set<string>();
  eachField(sets, info.fragments, (name) => names.add(name));
  return names;
}
