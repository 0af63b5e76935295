/** Counted as employed (就业): a job, self-employment, a public-welfare post or a grassroots project. The ledger's one definition. */
export const EMPLOYED_STATUSES: readonly string[] = ["EMPLOYED", "SELF_EMPLOYED", "PUBLIC_WELFARE_POST", "GRASSROOTS_PROJECT"];
