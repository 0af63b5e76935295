import { LocalDateResolver } from "graphql-scalars";

/** A calendar date, `YYYY-MM-DD` (birth, graduation, status dates): carried as a string, never shifted by time zones. */
export const LocalDate = LocalDateResolver;
