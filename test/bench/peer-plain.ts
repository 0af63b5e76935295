/**
 * The plain peer of the postings benchmark (issue 25): the portal's postings page served over the
 * project's own tables by graphql-js types written by hand (no type-graphql), Apollo Server's
 * standalone HTTP server, a DataLoader per request for employers and for regions, and a pg Pool —
 * what a small Node GraphQL server does for the same page, and nothing more (no auth, limits,
 * logging or SQL counting). postings.bench.ts runs it in its own process in production mode:
 * `node --import tsx test/bench/peer-plain.ts` with DATABASE_URL and PORT.
 */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import DataLoader from "dataloader";
import { GraphQLError, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, type GraphQLNullableType, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import pg from "pg";

interface PostingRow {
  id: string;
  title: string;
  employer_id: string;
  region_code: string;
}
interface Named {
  id: string;
  name: string;
}
interface PeerContext {
  employerById: DataLoader<string, Named | null>;
  regionByCode: DataLoader<string, Named | null>;
}

// The project's pool: as many connections, JIT off.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, options: "-c jit=off" });

/** One statement for a batch of keys; the rows given back in the keys' order (null where none). */
function byKeys(sql: string): DataLoader<string, Named | null> {
  return new DataLoader(async (keys: readonly string[]) => {
    const { rows } = await pool.query<Named>(sql, [keys]);
    const found = new Map(rows.map((r) => [r.id, r]));
    return keys.map((k) => found.get(k) ?? null);
  });
}

const nonNull = <T extends GraphQLNullableType>(type: T) => new GraphQLNonNull(type);

const Employer = new GraphQLObjectType<Named>({ name: "Employer", fields: { id: { type: nonNull(GraphQLID) }, name: { type: nonNull(GraphQLString) } } });
const Region = new GraphQLObjectType<Named>({ name: "Region", fields: { id: { type: nonNull(GraphQLID) }, name: { type: nonNull(GraphQLString) } } });
const JobPosting = new GraphQLObjectType<PostingRow, PeerContext>({
  name: "JobPosting",
  fields: {
    id: { type: nonNull(GraphQLID) },
    title: { type: nonNull(GraphQLString) },
    employer: { type: Employer, resolve: (p, _args, ctx) => ctx.employerById.load(p.employer_id) },
    region: { type: Region, resolve: (p, _args, ctx) => ctx.regionByCode.load(p.region_code) },
  },
});
const PostingEdge = new GraphQLObjectType<PostingRow>({ name: "PostingEdge", fields: { node: { type: nonNull(JobPosting), resolve: (p) => p } } });
const PostingConnection = new GraphQLObjectType<PostingRow[]>({ name: "PostingConnection", fields: { edges: { type: nonNull(new GraphQLList(nonNull(PostingEdge))), resolve: (rows) => rows } } });

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      postings: {
        type: nonNull(PostingConnection),
        args: { first: { type: GraphQLInt, defaultValue: 20 } },
        // The project's anonymous list: OPEN and not yet past validUntil, newest first (ids are UUID v7).
        resolve: async (_root, { first }: { first: number }) => {
          if (first < 0 || first > 100) throw new GraphQLError("first must be between 0 and 100");
          const { rows } = await pool.query<PostingRow>("select id, title, employer_id, region_code from postings where status = 'OPEN' and valid_until > now() order by id desc limit $1", [first]);
          return rows;
        },
      },
    },
  }),
});

// The Apollo plugins the project also turns off: no landing page, no cache-control wrapping of every field.
const server = new ApolloServer<PeerContext>({ schema, plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()] });
await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT) },
  context: async () => ({
    employerById: byKeys("select id, name from employers where id = any($1::uuid[])"),
    regionByCode: byKeys("select code as id, name from regions where code = any($1::varchar[])"),
  }),
});
