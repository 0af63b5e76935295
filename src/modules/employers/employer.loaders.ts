import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { orderByKeys } from "../../db/loader-helpers.js";
import type { EmployerColumn } from "./employer.columns.js";
import { findEmployerColumnsByIds, findEmployersByIds } from "./employer.repository.js";
import type { EmployerRow } from "./employer.table.js";

export function createEmployerLoaders(db: Executor) {
  const byColumns = new Map<string, DataLoader<string, Partial<EmployerRow> | null>>();
  const byArray = new Map<readonly EmployerColumn[], DataLoader<string, Partial<EmployerRow> | null>>();
  return {
    employerById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findEmployersByIds(db, ids), (e) => e.id)),
    /**
     * Employers by id with only some columns (employerColumnsFor: what the selected fields read), a
     * loader per set of columns: a page of postings naming their employers reads each one's name, not
     * its whole row.
     */
    employerColumnsById(columns: readonly EmployerColumn[]): DataLoader<string, Partial<EmployerRow> | null> {
      // A page's resolvers pass the same array (kept per document) for each posting: found without joining it each time.
      let loader = byArray.get(columns);
      if (loader) return loader;
      const key = columns.join(",");
      loader = byColumns.get(key);
      if (!loader) {
        loader = new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findEmployerColumnsByIds(db, ids, columns), (e) => e.id));
        byColumns.set(key, loader);
      }
      byArray.set(columns, loader);
      return loader;
    },
  };
}
