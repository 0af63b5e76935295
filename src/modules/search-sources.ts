import type { SearchSources } from "../search/document-source.js";
import { postingDocumentSource } from "./postings/posting-documents.js";
import { loadSearchSettings } from "./synonyms/synonym.service.js";

/** What the search index reads from the feature modules, wired where the app and the CLI build it. */
export const searchSources: SearchSources = {
  documents: postingDocumentSource,
  settings: loadSearchSettings,
};
