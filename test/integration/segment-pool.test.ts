import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { SegmentPool as SourcePool } from "../../src/search/segment-pool.js";
import { segmentedText } from "../../src/search/segment.js";
import { buildServer } from "../helpers/server-process.js";

const TEXTS = [
  "软件测试工程师\n软件测试\n自动化测试 Selenium\n计算机科学与技术\n负责接口测试与性能测试，编写测试用例",
  "中国农业发展银行 柜员 招聘",
  "茶叶加工技术员 制茶 安溪铁观音 扶贫车间",
  "人力资源管理专员\n招聘会计师\n南京市长江大桥",
  "",
  "Java开发工程师 Java Spring Boot MySQL",
];

/**
 * A whole-index build segments on the other cores: the threads run the compiled worker, so this
 * test compiles the server (as the replica tests do) and uses the pool from there.
 */
describe("segmenting threads", () => {
  it("give each text exactly what segmenting it here gives, batches answered in order, however many at once", async () => {
    await buildServer();
    const { SegmentPool } = (await import(join(projectRoot, ".replica-build/src/search/segment-pool.js"))) as { SegmentPool: typeof SourcePool };
    const pool = SegmentPool.start(2);
    expect(pool).not.toBeNull();
    try {
      const batches = Array.from({ length: 12 }, (_, b) => TEXTS.map((t, i) => (i % 2 === b % 2 ? t : `${t} 第${b}批`)));
      const answers = await Promise.all(batches.map((texts) => pool!.segmentMany(texts)));
      expect(answers).toEqual(batches.map((texts) => texts.map(segmentedText)));
    } finally {
      await pool!.close();
    }
  }, 120_000);

  it("share large batches between the threads and this one (lent while it waits), chunk by chunk, each batch answered whole and in order", async () => {
    await buildServer();
    const { SegmentPool } = (await import(join(projectRoot, ".replica-build/src/search/segment-pool.js"))) as { SegmentPool: typeof SourcePool };
    const pool = SegmentPool.start(1);
    try {
      // Three batches of 600 texts each, every text its own (a number in it), in flight at once.
      const batches = Array.from({ length: 3 }, (_, b) => Array.from({ length: 600 }, (_, i) => `${TEXTS[i % TEXTS.length]} 第${b}批第${i}条`));
      const all = Promise.all(batches.map((texts) => pool!.segmentMany(texts)));
      await pool!.helpUntil(all);
      const answers = await all;
      expect(answers).toEqual(batches.map((texts) => texts.map(segmentedText)));
      expect(pool!.segmentedHere).toBeGreaterThan(0);
      expect(pool!.segmentedHere).toBeLessThan(1800);
      expect(await pool!.segmentMany([])).toEqual([]);
    } finally {
      await pool!.close();
    }
  }, 120_000);

  it("a thread that dies fails what it held and everything asked after (a build stops and says why, never hangs)", async () => {
    await buildServer();
    const { SegmentPool } = (await import(join(projectRoot, ".replica-build/src/search/segment-pool.js"))) as { SegmentPool: typeof SourcePool };
    const pool = SegmentPool.start(1)!;
    try {
      const held = pool.segmentMany(Array.from({ length: 400 }, (_, i) => `${TEXTS[0]} ${i}`));
      held.catch(() => undefined);
      await (pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0]!.terminate();
      await expect(held).rejects.toThrow(/exited/);
      await expect(pool.segmentMany([TEXTS[1]!])).rejects.toThrow(/exited/);
      // A helper lent to a batch that can no longer finish returns.
      await pool.helpUntil(pool.segmentMany([TEXTS[2]!]).catch(() => undefined));
    } finally {
      await pool.close();
    }
  }, 120_000);

  it("are not started where the sources run uncompiled (the build segments in its own thread)", () => {
    expect(SourcePool.start(1)).toBeNull();
  });
});
