// Moved to src/pagination.ts (transport-free); kept until every importer points there.
export { checkFirst, MAX_PAGE_SIZE } from "../pagination.js";
