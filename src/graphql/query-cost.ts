/** The most a query may cost (see `fieldCost` in limits.ts): about 100 people with 10 matches each, or 1,000 plain nodes. */
export const MAX_QUERY_COST = 12_000;
