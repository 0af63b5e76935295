import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { days, FUZHOU_GULOU, makeEmployer, makePosting, postingsDigest, unique, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type GqlResult, type TestApp } from "../helpers/test-app.js";

/**
 * Screening postings before the public sees them (issue 23), through the API. The rules here are
 * this file's own (saved through saveScreeningRule), so the tests hold with or without the seed
 * rules: T_DISCRIMINATION (HIGH) and T_FLAG (LOW, a made-up phrase no seed rule knows). Assertions
 * on hits look at these codes only; a seed rule may hit the same words too.
 */
const HIGH = "T_DISCRIMINATION";
const LOW = "T_FLAG";
const LOW_WORDS = "旗标测试词";
const VALID_UNTIL = days(20).toISOString();

const SCREENING = `screening { held hits { ruleCode description severity field start end excerpt approved } }`;
const FIELDS = `id status title ${SCREENING}`;
type Hit = { ruleCode: string; description: string; severity: string; field: string; start: number | null; end: number | null; excerpt: string; approved: boolean };
type View = { id: string; status: string; title: string; screening: { held: boolean; hits: Hit[] } | null };
const SAVE = `mutation($i: SaveScreeningRuleInput!) { saveScreeningRule(input: $i) { code version description severity matcher active createdBy } }`;
const CREATE = `mutation($i: CreatePostingInput!) { createPosting(input: $i) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdatePostingInput!) { updatePosting(id: $id, input: $i) { ${FIELDS} } }`;
const PUBLISH = `mutation($id: ID!) { publishPosting(id: $id) { ${FIELDS} } }`;
const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $r: String) { reviewPosting(id: $id, decision: $d, reason: $r) { ${FIELDS} } }`;
const QUEUE = `query($f: ReviewQueueFilterInput) { reviewQueue(filter: $f, first: 100) { totalCount edges { node { id status ${SCREENING} } } } }`;
const UPSERT = `mutation($p: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $p) { items { outcome error { code field } held { reason message } posting { ${FIELDS} } } } }`;
type Item = { outcome: string; error: { code: string } | null; held: { reason: string; message: string } | null; posting: View | null };

const mine = (view: { screening: { hits: Hit[] } | null }, code: string) => view.screening!.hits.filter((h) => h.ruleCode === code);

describe("screening postings: holds, review, rules as policy data", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
    for (const rule of [
      { code: HIGH, description: "招聘中的性别限制与向求职者收费（测试规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["限男性", "先交培训费"], unless: ["不限男性"] }) },
      { code: LOW, description: "测试用的提示词（测试规则）", severity: "LOW", matcher: JSON.stringify({ kind: "PHRASES", phrases: [LOW_WORDS] }) },
    ]) {
      const saved = await t.gql(SAVE, { i: rule }, { token: tokens.admin });
      expect(saved.errors).toBeUndefined();
    }
  });
  afterAll(() => t.close());

  const ok = <T,>(r: GqlResult<T>): T => {
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const asEmployer = (employerId: string) => t.token({ sub: `emp-${employerId}`, role: Role.EMPLOYER, employerId });
  const draftInput = (employerId: string | null, extra: Record<string, unknown> = {}) => ({
    ...(employerId ? { employerId } : {}),
    title: `普工${unique()}`,
    description: "包吃住，月休四天",
    regionCode: FUZHOU_GULOU,
    validUntil: days(20).toISOString(),
    ...extra,
  });
  const row = async (id: string) => (await queryRows<{ status: string; held_by_screening: boolean }>(t.db, sql`select status::text, held_by_screening from postings where id = ${id}`))[0]!;
  const decisions = (action: string, postingId: string) => queryRows<{ actor: string; detail: Record<string, unknown> }>(t.db, sql`select actor, detail from decision_audit where action = ${action} and posting_id = ${postingId} order by at`);
  const counts = async () => (await queryRows<{ rules: number; audits: number }>(t.db, sql`select (select count(*)::int from screening_rules) as rules, (select count(*)::int from decision_audit) as audits`))[0]!;
  const publicView = async (id: string) => {
    await t.app.search.drain();
    const r = ok(
      await t.gql<{ posting: { id: string; screening: unknown } | null; postings: { edges: { node: { id: string } }[] }; searchPostings: { edges: { node: { id: string } }[] } }>(
        `query($id: ID!, $q: String) { posting(id: $id) { id screening { held } } postings(first: 100, filter: { regionCode: "350102" }) { edges { node { id } } } searchPostings(query: $q, first: 100) { edges { node { id } } } }`,
        { id, q: null },
      ),
    );
    return { posting: r.posting, inList: r.postings.edges.some((e) => e.node.id === id), inSearch: r.searchPostings.edges.some((e) => e.node.id === id) };
  };

  describe("the rules (saveScreeningRule, screeningRules)", () => {
    it("saves versions, lists the rule in force with its history for officials, and audits each save", async () => {
      const code = `T_VERSIONED_${unique()}`;
      const first = ok(await t.gql<{ saveScreeningRule: { version: number; createdBy: string } }>(SAVE, { i: { code, description: "第一版", severity: "LOW", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["无关词甲"] }) } }, { token: tokens.admin }));
      expect(first.saveScreeningRule).toMatchObject({ version: 1, createdBy: "admin:admin" });
      const second = ok(await t.gql<{ saveScreeningRule: { version: number; active: boolean; matcher: string } }>(SAVE, { i: { code, description: "第二版：停用", severity: "LOW", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["无关词乙"] }), active: false } }, { token: tokens.admin }));
      expect(second.saveScreeningRule).toMatchObject({ version: 2, active: false });
      expect(JSON.parse(second.saveScreeningRule.matcher)).toEqual({ kind: "PHRASES", phrases: ["无关词乙"] });
      type Listed = { screeningRules: { code: string; current: { version: number; active: boolean }; versions: { version: number; description: string }[] }[] };
      const listed = ok(await t.gql<Listed>(`{ screeningRules { code current { version active } versions { version description } } }`, {}, { token: tokens.fuzhou })).screeningRules;
      expect(listed.find((r) => r.code === code)).toEqual({ code, current: { version: 2, active: false }, versions: [{ version: 1, description: "第一版" }, { version: 2, description: "第二版：停用" }] });
      expect(listed.find((r) => r.code === HIGH)?.current).toEqual({ version: 1, active: true });
      const audited = await queryRows<{ actor: string; detail: { code: string; version: number } }>(t.db, sql`select actor, detail from decision_audit where action = 'SCREENING_RULE_SAVED' and detail->>'code' = ${code} order by at`);
      expect(audited.map((a) => [a.actor, a.detail.version])).toEqual([["admin:admin", 1], ["admin:admin", 2]]);
      // Not for the public, nor for employers.
      expect(codeOf(await t.gql(`{ screeningRules { code } }`))).toBe("UNAUTHENTICATED");
      expect(codeOf(await t.gql(`{ screeningRules { code } }`, {}, { token: await asEmployer((await makeEmployer(t.db)).id) }))).toBe("FORBIDDEN");
    });

    it("refuses a rule with no description, a matcher that is not JSON, an unknown kind or a pattern that does not compile — BAD_USER_INPUT, nothing written; a caseworker may not save one", async () => {
      const before = await counts();
      const refused = async (i: Record<string, unknown>) => {
        const r = await t.gql(SAVE, { i: { code: "T_BAD", description: "说明", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["词"] }), ...i } }, { token: tokens.admin });
        expect(codeOf(r)).toBe("BAD_USER_INPUT");
        return r.errors![0]!.extensions!.field as string;
      };
      expect(await refused({ description: "   " })).toMatch(/description/);
      expect(await refused({ matcher: "{not json" })).toMatch(/matcher/);
      expect(await refused({ matcher: JSON.stringify({ kind: "MAGIC" }) })).toMatch(/matcher/);
      expect(await refused({ matcher: JSON.stringify({ kind: "PATTERN", pattern: "限(男" }) })).toMatch(/matcher/);
      expect(codeOf(await t.gql(SAVE, { i: { code: "T_BAD", description: "说明", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["词"] }) } }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
      expect(await counts()).toEqual(before);
    });
  });

  describe("employers and caseworkers: create, update, publish", () => {
    it("flags a draft with the rule and the span, holds it when published — invisible to the public, search and the feed — until a caseworker in scope approves it (audited)", async () => {
      const employer = await makeEmployer(t.db);
      const token = await asEmployer(employer.id);
      const feedKey = (await issuePartnerKey(t.db, "test", { name: `订阅平台${unique()}`, scopes: ["postings:read"] })).apiKey;
      const head = ok(await t.gql<{ postingChangesHead: string }>(`{ postingChangesHead }`, {}, { apiKey: feedKey })).postingChangesHead;
      const title = "招聘普工限男性";
      const draft = ok(await t.gql<{ createPosting: View }>(CREATE, { i: draftInput(null, { title, description: "工作轻松，先交培训费即可上岗" }) }, { token })).createPosting;
      expect(draft.status).toBe("DRAFT");
      expect(draft.screening!.held).toBe(false);
      expect(mine(draft, HIGH)).toEqual([
        { ruleCode: HIGH, description: "招聘中的性别限制与向求职者收费（测试规则）", severity: "HIGH", field: "description", start: 5, end: 10, excerpt: "先交培训费", approved: false },
        { ruleCode: HIGH, description: "招聘中的性别限制与向求职者收费（测试规则）", severity: "HIGH", field: "title", start: 4, end: 7, excerpt: "限男性", approved: false },
      ]);
      expect(title.slice(4, 7)).toBe("限男性");

      const published = ok(await t.gql<{ publishPosting: View }>(PUBLISH, { id: draft.id }, { token })).publishPosting;
      expect(published).toMatchObject({ status: "PENDING_REVIEW", screening: { held: true } });
      expect(await publicView(draft.id)).toEqual({ posting: null, inList: false, inSearch: false });
      // Publishing again is not a way out.
      expect(codeOf(await t.gql(PUBLISH, { id: draft.id }, { token }))).toBe("CONFLICT");

      // Out of scope: FORBIDDEN, nothing written; the employer cannot review its own posting.
      const digest = await postingsDigest(t.db);
      const auditsBefore = (await counts()).audits;
      expect(codeOf(await t.gql(REVIEW, { id: draft.id, d: "APPROVE" }, { token: tokens.xiamen }))).toBe("FORBIDDEN");
      expect(codeOf(await t.gql(REVIEW, { id: draft.id, d: "BLOCK", r: "歧视" }, { token: tokens.xiamen }))).toBe("FORBIDDEN");
      expect(codeOf(await t.gql(REVIEW, { id: draft.id, d: "APPROVE" }, { token }))).toBe("FORBIDDEN");
      expect(await postingsDigest(t.db)).toBe(digest);
      expect((await counts()).audits).toBe(auditsBefore);

      // The queue: Fuzhou's caseworker sees it, Xiamen's does not; filters by rule and severity.
      type Queue = { reviewQueue: { totalCount: number; edges: { node: { id: string; status: string; screening: { held: boolean } } }[] } };
      const ids = async (token: string, f: Record<string, unknown> = {}) => ok(await t.gql<Queue>(QUEUE, { f }, { token })).reviewQueue.edges.map((e) => e.node.id);
      expect(await ids(tokens.fuzhou)).toContain(draft.id);
      expect(await ids(tokens.fuzhou, { ruleCode: HIGH, severity: "HIGH" })).toContain(draft.id);
      expect(await ids(tokens.fuzhou, { ruleCode: LOW })).not.toContain(draft.id);
      expect(await ids(tokens.fuzhou, { source: "PARTNER" })).not.toContain(draft.id);
      expect(await ids(tokens.xiamen)).not.toContain(draft.id);
      expect(await ids(tokens.admin)).toContain(draft.id);
      expect(codeOf(await t.gql(QUEUE, { f: { regionCode: "3502" } }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
      expect(codeOf(await t.gql(QUEUE, {}, { token }))).toBe("FORBIDDEN");

      const feedIds = async () => {
        const page = ok(await t.gql<{ postingChanges: { changes: { type: string; postingId: string }[] } }>(`query($a: String) { postingChanges(after: $a, first: 1000) { changes { type postingId } } }`, { a: head }, { apiKey: feedKey }));
        return page.postingChanges.changes.filter((c) => c.postingId === draft.id).map((c) => c.type);
      };
      expect(await feedIds()).toEqual([]);

      const approved = ok(await t.gql<{ reviewPosting: View }>(REVIEW, { id: draft.id, d: "APPROVE", r: "经核实：岗位为井下作业" }, { token: tokens.fuzhou })).reviewPosting;
      expect(approved).toMatchObject({ status: "OPEN", screening: { held: false } });
      expect(mine(approved, HIGH).every((h) => h.approved)).toBe(true);
      expect(await decisions("POSTING_APPROVED", draft.id)).toMatchObject([{ actor: "caseworker:cw-fz", detail: { from: "PENDING_REVIEW", to: "OPEN", screening: true, rules: expect.arrayContaining([HIGH]) } }]);
      expect(await publicView(draft.id)).toMatchObject({ posting: { id: draft.id, screening: null }, inList: true, inSearch: true });
      expect(await feedIds()).toEqual(["CREATED"]);
      // Reviewed once: a second decision is CONFLICT.
      expect(codeOf(await t.gql(REVIEW, { id: draft.id, d: "APPROVE" }, { token: tokens.fuzhou }))).toBe("CONFLICT");

      // Edited with the approved words kept: stays OPEN. New HIGH words: held again.
      const kept = ok(await t.gql<{ updatePosting: View }>(UPDATE, { id: draft.id, i: { headcount: 3 } }, { token })).updatePosting;
      expect(kept).toMatchObject({ status: "OPEN", screening: { held: false } });
      const again = ok(await t.gql<{ updatePosting: View }>(UPDATE, { id: draft.id, i: { description: "工作轻松，先交培训费即可上岗；另需先交培训费两千元" } }, { token })).updatePosting;
      expect(again).toMatchObject({ status: "OPEN", screening: { held: false } });
      const fresh = ok(await t.gql<{ updatePosting: View }>(UPDATE, { id: draft.id, i: { skills: ["限男性"] } }, { token })).updatePosting;
      // The same rule and words in another field were approved already: no new words, not held.
      expect(fresh.status).toBe("OPEN");
    });

    it("holds a caseworker's posting on publish; editing the words away (or spacing them out) keeps it held; a caseworker in scope blocks it through review (audited)", async () => {
      const employer = await makeEmployer(t.db);
      const created = ok(await t.gql<{ createPosting: View }>(CREATE, { i: draftInput(employer.id, { description: "仅限男性，能吃苦" }) }, { token: tokens.fuzhou })).createPosting;
      expect(mine(created, HIGH)).toMatchObject([{ field: "description", start: 1, end: 4, excerpt: "限男性" }]);
      const held = ok(await t.gql<{ publishPosting: View }>(PUBLISH, { id: created.id }, { token: tokens.fuzhou })).publishPosting;
      expect(held).toMatchObject({ status: "PENDING_REVIEW", screening: { held: true } });

      // The employer sees why (its own posting, held).
      const seen = ok(await t.gql<{ posting: View }>(`query($id: ID!) { posting(id: $id) { ${FIELDS} } }`, { id: created.id }, { token: await asEmployer(employer.id) })).posting;
      expect(seen.screening!.held).toBe(true);
      expect(mine(seen, HIGH)[0]).toMatchObject({ excerpt: "限男性", field: "description" });

      // Dodging: the words spaced out, then removed — held all the same (only an official releases it).
      for (const description of ["仅限 男 性，能吃苦", "能吃苦"]) {
        const edited = ok(await t.gql<{ updatePosting: View }>(UPDATE, { id: created.id, i: { description } }, { token: tokens.fuzhou })).updatePosting;
        expect(edited).toMatchObject({ status: "PENDING_REVIEW", screening: { held: true } });
        expect(await row(created.id)).toEqual({ status: "PENDING_REVIEW", held_by_screening: true });
      }
      expect(await publicView(created.id)).toEqual({ posting: null, inList: false, inSearch: false });

      expect(codeOf(await t.gql(REVIEW, { id: created.id, d: "BLOCK" }, { token: tokens.fuzhou }))).toBe("BAD_USER_INPUT");
      expect(await row(created.id)).toEqual({ status: "PENDING_REVIEW", held_by_screening: true });
      const blocked = ok(await t.gql<{ reviewPosting: { status: string } }>(`mutation($id: ID!) { reviewPosting(id: $id, decision: BLOCK, reason: "性别歧视") { status blockedReason } }`, { id: created.id }, { token: tokens.fuzhou })).reviewPosting;
      expect(blocked).toEqual({ status: "BLOCKED", blockedReason: "性别歧视" });
      expect(await row(created.id)).toEqual({ status: "BLOCKED", held_by_screening: false });
      expect(await decisions("POSTING_BLOCKED", created.id)).toMatchObject([{ actor: "caseworker:cw-fz", detail: { to: "BLOCKED", reason: "性别歧视" } }]);
      expect(codeOf(await t.gql(REVIEW, { id: created.id, d: "APPROVE" }, { token: tokens.fuzhou }))).toBe("CONFLICT");
    });

    it("publishes a posting with only LOW hits, flagged for officials (FLAGGED queue) and not shown to the public; a clean posting is not reviewable (CONFLICT)", async () => {
      const employer = await makeEmployer(t.db);
      const token = await asEmployer(employer.id);
      const created = ok(await t.gql<{ createPosting: View }>(CREATE, { i: draftInput(null, { description: `包吃住，${LOW_WORDS}` }) }, { token })).createPosting;
      const published = ok(await t.gql<{ publishPosting: View }>(PUBLISH, { id: created.id }, { token })).publishPosting;
      expect(published.status).toBe("OPEN");
      expect(published.screening!.held).toBe(false);
      expect(mine(published, LOW)).toMatchObject([{ severity: "LOW", field: "description", start: 4, end: 4 + LOW_WORDS.length, excerpt: LOW_WORDS, approved: false }]);
      expect((await publicView(created.id)).posting).toEqual({ id: created.id, screening: null });
      const flagged = ok(await t.gql<{ reviewQueue: { edges: { node: { id: string } }[] } }>(QUEUE, { f: { state: "FLAGGED" } }, { token: tokens.fuzhou })).reviewQueue.edges.map((e) => e.node.id);
      expect(flagged).toContain(created.id);
      const heldOnly = ok(await t.gql<{ reviewQueue: { edges: { node: { id: string } }[] } }>(QUEUE, {}, { token: tokens.fuzhou })).reviewQueue.edges.map((e) => e.node.id);
      expect(heldOnly).not.toContain(created.id);
      expect(codeOf(await t.gql(REVIEW, { id: created.id, d: "APPROVE" }, { token: tokens.fuzhou }))).toBe("CONFLICT");
      const clean = await makePosting(t.db);
      expect(codeOf(await t.gql(REVIEW, { id: clean.id, d: "BLOCK", r: "x" }, { token: tokens.admin }))).toBe("CONFLICT");
    });

    it("an unless phrase keeps a hit away (不限男性 is not 限男性)", async () => {
      const employer = await makeEmployer(t.db);
      const created = ok(await t.gql<{ createPosting: View }>(CREATE, { i: draftInput(employer.id, { description: "不限男性女性，欢迎应聘" }) }, { token: tokens.admin })).createPosting;
      expect(mine(created, HIGH)).toEqual([]);
    });
  });

  describe("partner sites", () => {
    const partner = async () => {
      const issued = await issuePartnerKey(t.db, "test", { name: `合作网${unique()}` });
      return { apiKey: issued.apiKey, partnerId: issued.partner.id };
    };
    const item = (externalId: string, employer: { name: string; creditCode: string; regionCode: string }, extra: Record<string, unknown> = {}) => ({
      externalId,
      title: `普工${externalId}`,
      description: "包吃住",
      regionCode: employer.regionCode,
      validUntil: VALID_UNTIL,
      employer,
      ...extra,
    });
    const push = async (apiKey: string, items: unknown[]) => ok(await t.gql<{ upsertPartnerPostings: { items: Item[] } }>(UPSERT, { p: items }, { apiKey })).upsertPartnerPostings.items;
    const link = (partnerId: string, employerId: string) => t.gql(`mutation($p: ID!, $e: ID!) { linkPartnerEmployer(partnerId: $p, employerId: $e) { status } }`, { p: partnerId, e: employerId }, { token: tokens.admin });

    it("holds a linked partner's HIGH item (held: SCREENING, naming the rule), publishes a LOW one flagged, and keeps a held one held when re-pushed without the words", async () => {
      const employer = await makeEmployer(t.db);
      const { apiKey, partnerId } = await partner();
      ok(await link(partnerId, employer.id));
      const e = { name: employer.name, creditCode: employer.creditCode, regionCode: employer.regionCode };
      const [bad, flagged, clean] = await push(apiKey, [item("S-1", e, { description: "限男性，包吃住" }), item("S-2", e, { description: `包吃住 ${LOW_WORDS}` }), item("S-3", e)]);
      expect(bad).toMatchObject({ outcome: "CREATED", held: { reason: "SCREENING" }, posting: { status: "PENDING_REVIEW", screening: { held: true } } });
      expect(bad!.held!.message).toContain(HIGH);
      expect(mine(bad!.posting!, HIGH)).toMatchObject([{ field: "description", start: 0, end: 3, excerpt: "限男性" }]);
      expect(flagged).toMatchObject({ outcome: "CREATED", held: null, posting: { status: "OPEN", screening: { held: false } } });
      expect(mine(flagged!.posting!, LOW)).toHaveLength(1);
      expect(clean).toMatchObject({ outcome: "CREATED", held: null, posting: { status: "OPEN", screening: { held: false, hits: [] } } });
      expect(await publicView(bad!.posting!.id)).toEqual({ posting: null, inList: false, inSearch: false });

      // Re-pushed unchanged: UNCHANGED, still held; re-pushed without the words: UPDATED, still held.
      expect((await push(apiKey, [item("S-1", e, { description: "限男性，包吃住" })]))[0]).toMatchObject({ outcome: "UNCHANGED", held: { reason: "SCREENING" } });
      const dodged = (await push(apiKey, [item("S-1", e, { description: "包吃住" })]))[0]!;
      expect(dodged).toMatchObject({ outcome: "UPDATED", held: { reason: "SCREENING" }, posting: { status: "PENDING_REVIEW", screening: { held: true } } });
      expect(mine(dodged.posting!, HIGH)).toEqual([]);

      // Reviewed: released (the link holds nothing); then a push adding new HIGH words holds it again.
      const approved = ok(await t.gql<{ reviewPosting: View }>(REVIEW, { id: bad!.posting!.id, d: "APPROVE" }, { token: tokens.fuzhou })).reviewPosting;
      expect(approved.status).toBe("OPEN");
      expect((await publicView(bad!.posting!.id)).inSearch).toBe(true);
      const again = (await push(apiKey, [item("S-1", e, { description: "包吃住，先交培训费" })]))[0]!;
      expect(again).toMatchObject({ outcome: "UPDATED", held: { reason: "SCREENING" }, posting: { status: "PENDING_REVIEW" } });
    });

    it("an unlinked employer's HIGH item has both holds: it is OPEN only once the review approves it and the link is ACTIVE, in either order", async () => {
      const { apiKey, partnerId } = await partner();
      const first = await makeEmployer(t.db);
      const second = await makeEmployer(t.db, { regionCode: XIAMEN_SIMING });
      const e1 = { name: first.name, creditCode: first.creditCode, regionCode: first.regionCode };
      const e2 = { name: second.name, creditCode: second.creditCode, regionCode: second.regionCode };
      const [a] = await push(apiKey, [item("U-1", e1, { title: "普工（限男性）" })]);
      const [b] = await push(apiKey, [item("U-2", e2, { title: "普工（限男性）" })]);
      // Screening's hold is the one reported: it needs an official whatever the link does.
      expect(a).toMatchObject({ outcome: "CREATED", held: { reason: "SCREENING" }, posting: { status: "PENDING_REVIEW" } });
      expect(a!.held!.message).toMatch(/linked/);

      // Review first: approved, still held by the link; the link then releases it.
      const reviewed = ok(await t.gql<{ reviewPosting: View }>(REVIEW, { id: a!.posting!.id, d: "APPROVE" }, { token: tokens.fuzhou })).reviewPosting;
      expect(reviewed).toMatchObject({ status: "PENDING_REVIEW", screening: { held: false } });
      expect(await decisions("POSTING_APPROVED", a!.posting!.id)).toMatchObject([{ detail: { to: "PENDING_REVIEW", stillHeldBy: "UNLINKED_EMPLOYER" } }]);
      ok(await link(partnerId, first.id));
      expect(await row(a!.posting!.id)).toEqual({ status: "OPEN", held_by_screening: false });

      // Link first: screening still holds it; the review then releases it.
      ok(await link(partnerId, second.id));
      expect(await row(b!.posting!.id)).toEqual({ status: "PENDING_REVIEW", held_by_screening: true });
      expect(codeOf(await t.gql(REVIEW, { id: b!.posting!.id, d: "APPROVE" }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
      ok(await t.gql(REVIEW, { id: b!.posting!.id, d: "APPROVE" }, { token: tokens.xiamen }));
      expect(await row(b!.posting!.id)).toEqual({ status: "OPEN", held_by_screening: false });
    });

    it("the partner sees why on its own posting; another partner and the public do not", async () => {
      const employer = await makeEmployer(t.db);
      const { apiKey } = await partner();
      const other = await partner();
      const [held] = await push(apiKey, [item("W-1", { name: employer.name, creditCode: employer.creditCode, regionCode: employer.regionCode }, { description: "先交培训费" })]);
      const read = async (credentials: { apiKey?: string; token?: string }) =>
        ok(await t.gql<{ posting: View | null }>(`query($id: ID!) { posting(id: $id) { ${FIELDS} } }`, { id: held!.posting!.id }, credentials)).posting;
      expect(mine((await read({ apiKey }))!, HIGH)).toMatchObject([{ excerpt: "先交培训费" }]);
      expect(await read({ apiKey: other.apiKey })).toBeNull();
      // Released by an official: public now, its screening still only for those who manage it.
      ok(await t.gql(`mutation($id: ID!) { approvePosting(id: $id) { id } }`, { id: held!.posting!.id }, { token: tokens.admin }));
      expect((await read({ apiKey: other.apiKey }))!.screening).toBeNull();
      expect((await read({}))!.screening).toBeNull();
      expect(mine((await read({ token: tokens.fuzhou }))!, HIGH)[0]!.approved).toBe(true);
    });
  });
});
