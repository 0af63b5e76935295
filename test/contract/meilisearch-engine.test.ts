import { describe } from "vitest";
import { MeilisearchEngine } from "../../src/search/meilisearch-engine.js";
import { describeSearchEngineContract } from "./search-engine.contract.js";

// The same contract against a real Meilisearch (v1.x), whenever one is reachable: no code changes needed.
const url = process.env.MEILISEARCH_URL;
if (url) {
  describeSearchEngineContract(`meilisearch at ${url}`, async () => {
    const engine = new MeilisearchEngine({ host: url, apiKey: process.env.MEILISEARCH_API_KEY }, `contract_${process.pid}_${Date.now()}`);
    return engine;
  });
} else {
  describe.skip("search engine contract: meilisearch (set MEILISEARCH_URL to run it)", () => {});
}
