import { GraphQLScalarType } from "graphql";
import { DateTimeISOResolver, LocalDateResolver } from "graphql-scalars";

/**
 * A calendar date, `YYYY-MM-DD` (birth, graduation, status dates): carried as a string, never shifted
 * by time zones. `@specifiedBy` the GraphQL Scalars specification, so that code generators type it.
 */
export const LocalDate = new GraphQLScalarType({ ...LocalDateResolver.toConfig(), specifiedByURL: "https://scalars.graphql.org/andimarek/local-date.html" });

/** An instant, RFC 3339 at UTC (`2026-12-04T08:00:00Z`): every `Date` field. `@specifiedBy` the GraphQL Scalars specification. */
export const DateTimeISO = new GraphQLScalarType({ ...DateTimeISOResolver.toConfig(), specifiedByURL: "https://scalars.graphql.org/chillicream/date-time.html" });
