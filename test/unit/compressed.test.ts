import type { IncomingMessage } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressed } from "../../src/http/cors.js";

const asking = (encoding: string) => ({ headers: { "accept-encoding": encoding } }) as unknown as IncomingMessage;
/** A JSON answer of about `bytes` bytes, Chinese titles and all. */
const answer = (bytes: number) => {
  const items: { score: number; posting: { id: string; title: string } }[] = [];
  for (let i = 0; JSON.stringify(items).length < bytes; i++) items.push({ score: Math.round(1000 / (i + 2)) / 1000, posting: { id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: `软件开发工程师（第${i}期）` } });
  return JSON.stringify({ data: { items } });
};

describe("compressed", () => {
  it("compresses a small answer (on the event loop) and a large one (in the thread pool) to what decompresses to the answer", async () => {
    for (const size of [1_100, 3_500, 40_000]) {
      const body = answer(size);
      const br = await compressed(asking("gzip, br"), body, 1024);
      expect(br.encoding).toBe("br");
      expect(brotliDecompressSync(br.body as Buffer).toString()).toBe(body);
      const gzip = await compressed(asking("gzip, deflate"), body, 1024);
      expect(gzip.encoding).toBe("gzip");
      expect(gunzipSync(gzip.body as Buffer).toString()).toBe(body);
      expect((gzip.body as Buffer).length).toBeLessThan(Buffer.byteLength(body));
    }
  });

  it("leaves an answer below the threshold, one the client does not accept compressed, and every answer with the threshold 0 as it is", async () => {
    const body = answer(1_100);
    expect(await compressed(asking("gzip, br"), body, 4096)).toEqual({ body });
    expect(await compressed(asking("identity, br;q=0"), body, 1024)).toEqual({ body });
    expect(await compressed(asking("gzip"), body, 0)).toEqual({ body });
  });
});
