import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import type { PostingStatus } from "../../src/modules/postings/posting.table.js";
import { segmentHere } from "../../src/search/segment-pool.js";
import type { PostingDocument } from "../../src/search/search-port.js";
import { days, makeEmployer, makePosting } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * A whole-index build reads each page whole (`publicPostingDocuments`, one keyset read): it must
 * give exactly the documents the ids-then-rows read gives (`publicPostingIds` + `documentsFor`) —
 * the same postings (stored status filtered, the effective status judged), none twice, none missed
 * at page boundaries, the same document for each.
 */
describe("the postings' documents for a whole-index build", () => {
  let t: TestApp;
  const mine = new Set<string>();
  beforeAll(async () => {
    t = await startTestApp();
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    const unverified = await makeEmployer(t.db, { regionCode: "350104", verified: false });
    const statuses: PostingStatus[] = ["OPEN", "CLOSED", "EXPIRED", "DRAFT", "BLOCKED", "PENDING_REVIEW", "OPEN", "OPEN"];
    for (const [i, status] of statuses.entries()) {
      const p = await makePosting(t.db, { employerId: i % 3 === 2 ? unverified.id : employer.id, status, title: `会计${i}`, ...(status === "BLOCKED" ? { blockedReason: "测试" } : {}), ...(i === 6 ? { validUntil: days(-1) } : { validUntil: days(30) }) });
      mine.add(p.id);
    }
  });
  afterAll(() => t?.close());

  const old = async (pageSize: number, segment: boolean) => {
    const out: PostingDocument[] = [];
    for await (const ids of postingDocumentSource.publicPostingIds(t.db, pageSize)) {
      const docs = await postingDocumentSource.documentsFor(t.db, ids, segment ? { segment: segmentHere } : {});
      for (const d of docs.values()) if (d) out.push(d);
    }
    return out.filter((d) => mine.has(d.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const read = async (pageSize: number, segment: boolean) => {
    const out: PostingDocument[] = [];
    const ids: string[] = [];
    for await (const page of postingDocumentSource.publicPostingDocuments(t.db, pageSize, segment ? { segment: segmentHere } : {})) {
      ids.push(...page.ids);
      out.push(...(await page.documents));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    return out.filter((d) => mine.has(d.id));
  };

  it.each([
    [1, false],
    [2, true],
    [3, false],
    [1000, true],
  ])("pages of %i (segmented here: %s): the same documents as the ids-then-rows read, by id", async (pageSize, segment) => {
    const expected = await old(pageSize, segment);
    expect(expected.map((d) => d.status).sort()).toEqual(["CLOSED", "EXPIRED", "EXPIRED", "OPEN", "OPEN"]);
    expect(await read(pageSize, segment)).toEqual(expected);
  });
});
