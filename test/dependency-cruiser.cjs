/**
 * The architecture as a checked rule (issue 14): `npm run check:deps` (and `npm run check`, so CI).
 *
 *   transport       src/http, src/graphql (and src/auth, src/cli, src/app.ts, src/main.ts: the wiring)
 *        ↓
 *   modules         src/modules/<x>/  resolver → service → repository / table, access, loaders, hooks
 *        ↓
 *   infrastructure  src/db, src/search, src/pii, config, errors, logger, dates, pagination, text-input, region-code
 *
 * Every rule is an error. Type-only imports count (tsPreCompilationDeps): a circle through
 * `import type { Loaders }` is still a circle for a reader, and for the order modules load in.
 */

/** Infrastructure: knows no feature, no transport. */
const INFRASTRUCTURE = [
  "^src/db/",
  "^src/pii/",
  "^src/(config|errors|logger|dates|paths|pagination|text-input|region-code|hooks)[.]ts$",
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import circles, type-only imports included (tsPreCompilationDeps: true keeps them in the graph).",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import the cruiser cannot resolve would slip past every rule below (a wrong relative path, say).",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "infrastructure-imports-no-feature-or-transport",
      severity: "error",
      comment:
        "src/db, src/pii, config, errors, logger and the top-level helpers import nothing from src/modules, src/graphql or src/http. " +
        "The one exception is drizzle's schema barrel (src/db/schema.ts), which lists every *.table.ts for drizzle-kit and the typed client.",
      from: { path: INFRASTRUCTURE, pathNot: "^src/db/schema[.]ts$" },
      to: { path: "^src/(modules|graphql|http)/" },
    },
    {
      name: "schema-barrel-lists-only-tables",
      severity: "error",
      comment: "src/db/schema.ts may re-export the modules' *.table.ts files (and the idempotency table), nothing else of theirs.",
      from: { path: "^src/db/schema[.]ts$" },
      to: { path: "^src/(modules|graphql|http)/", pathNot: "[.]table[.]ts$" },
    },
    {
      name: "search-imports-no-module",
      severity: "error",
      comment: "src/search (the search port, its engines, the outbox) imports no feature module: documents reach it through a port.",
      from: { path: "^src/search/" },
      to: { path: "^src/modules/" },
    },
    {
      name: "search-imports-no-transport",
      severity: "error",
      comment: "src/search is infrastructure: it imports nothing from src/graphql or src/http.",
      from: { path: "^src/search/" },
      to: { path: "^src/(graphql|http)/" },
    },
    {
      name: "no-foreign-repository",
      severity: "error",
      comment:
        "A module calls another module's service/access/loaders/hooks/sql, never its repository (type-only imports included: " +
        "a repository's types belong to its module; export them from a public file).",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/([^/]+)/.+[.]repository[.]ts$", pathNot: "^src/modules/$1/" },
    },
    {
      name: "no-foreign-table-value",
      severity: "error",
      comment:
        "A module reads another module's rows through that module's functions: it may `import type { XRow }` from another " +
        "module's *.table.ts, but not import its tables as values. *.table.ts may import other tables (foreign keys).",
      from: { path: "^src/modules/([^/]+)/", pathNot: "[.]table[.]ts$" },
      to: { path: "^src/modules/([^/]+)/.+[.]table[.]ts$", pathNot: "^src/modules/$1/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "only-adapters-import-graphql",
      severity: "error",
      comment:
        "In a module only the GraphQL adapters — *.resolver.ts, *.type.ts, *.inputs.ts — import src/graphql; every other file " +
        "(services, repositories, loaders, access, hooks, role-less helpers) is callable without the transport.",
      from: { path: "^src/modules/", pathNot: "[.](resolver|type|inputs)[.]ts$" },
      to: { path: "^src/graphql/" },
    },
    {
      name: "modules-import-no-http",
      severity: "error",
      comment: "No module file imports the HTTP server layer (src/http).",
      from: { path: "^src/modules/" },
      to: { path: "^src/http/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    // `import type` and other imports that vanish on compilation stay in the graph (marked "type-only").
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
