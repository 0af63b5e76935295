import { searchUnavailable } from "../../src/errors.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import type { SearchEngine, SearchQuery, SearchSettings, PostingDocument } from "../../src/search/search-port.js";

/**
 * The real embedded engine behind a switch that makes it unreachable: while `down`, every call fails
 * as a Meilisearch the network cannot reach does (SEARCH_UNAVAILABLE). Nothing is faked when up.
 */
export class SwitchableEngine implements SearchEngine {
  readonly name = "embedded" as const;
  down = false;
  private readonly inner = new EmbeddedSearchEngine();

  private check(): void {
    if (this.down) throw searchUnavailable();
  }
  async applySettings(settings: SearchSettings) {
    this.check();
    return this.inner.applySettings(settings);
  }
  async upsert(documents: PostingDocument[]) {
    this.check();
    return this.inner.upsert(documents);
  }
  async remove(ids: string[]) {
    this.check();
    return this.inner.remove(ids);
  }
  async search(query: SearchQuery) {
    this.check();
    return this.inner.search(query);
  }
  async allIds() {
    this.check();
    return this.inner.allIds();
  }
  async allDocuments() {
    this.check();
    return this.inner.allDocuments();
  }
}
