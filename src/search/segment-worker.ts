/**
 * A segmentation thread (see segment-pool.ts): batches of posting texts in, their segmented texts
 * out, in order. jieba is CPU work: beside the main thread, a build uses the second core.
 */
import { parentPort } from "node:worker_threads";
import { segmentedText } from "./segment.js";

parentPort!.on("message", ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    parentPort!.postMessage({ id, segmented: texts.map(segmentedText) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
