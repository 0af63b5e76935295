/** The worker thread of `segmentInWorker`: each message a batch of texts, answered with their segmented texts. */
import { parentPort } from "node:worker_threads";
import { segmentedText } from "./segment.js";

parentPort!.on("message", ({ id, texts }: { id: number; texts: string[] }) => {
  parentPort!.postMessage({ id, texts: texts.map(segmentedText) });
});
