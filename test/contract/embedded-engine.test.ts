import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import { describeSearchEngineContract } from "./search-engine.contract.js";

describeSearchEngineContract("embedded (FlexSearch + jieba)", async () => new EmbeddedSearchEngine());
