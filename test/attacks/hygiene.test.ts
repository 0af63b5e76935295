import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { runCli } from "../../src/cli/commands.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import type { ImportReport } from "../../src/modules/people/person-import.service.js";
import { syntheticResidentId } from "../../src/pii/resident-id.js";
import { days, FUZHOU_GULOU, makeEmployer, makePerson, postingsDigest, tableCounts, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { person { id } } }`;
const CREATE_POSTING = `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`;
const IMPORT = `mutation($input: ImportPeopleInput!) { importPeople(input: $input) { created rejectedCount rejected { row column code message } } }`;
const UPSERT = `mutation($postings: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $postings) { created rejected items { outcome error { code field message } } } }`;

const person = (overrides: Record<string, unknown> = {}) => ({
  name: "陈晓",
  idNumber: syntheticResidentId("350102", "1999-03-04", unique() % 400, "FEMALE"),
  householdRegionCode: "350102",
  originRegionCode: "350102",
  ...overrides,
});

describe("red team: hygiene of what is stored", () => {
  let t: TestApp;
  let admin: string;
  let employerToken: string;
  let apiKey: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    employerToken = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    apiKey = (await issuePartnerKey(t.db, "test", { name: `招聘网${unique()}` })).apiKey;
    await makePerson(t); // someone whose ID number can be revealed
  });
  afterAll(() => t.close());

  async function unchangedBy(run: () => Promise<unknown>) {
    const counts = await tableCounts(t.db);
    const digest = await postingsDigest(t.db);
    await run();
    expect(await tableCounts(t.db)).toEqual(counts);
    expect(await postingsDigest(t.db)).toBe(digest);
  }

  it("9 (low): lone UTF-16 surrogates are refused with BAD_USER_INPUT naming the field, never stored as U+FFFD", async () => {
    await unchangedBy(async () => {
      const named = await t.gql(REGISTER, { input: person({ name: "\ud800" }) }, { token: admin });
      expect(named.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
      const skill = await t.gql(CREATE_POSTING, { i: { title: "文员", skills: ["ok", "x\udc00y"], regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString() } }, { token: employerToken });
      expect(skill.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.skills.1" });
      // A scalar argument of a field (an audited reveal's purpose).
      const purpose = await t.gql(`query($p: String) { people(first: 1) { edges { node { idNumber(unmasked: true, purpose: $p) } } } }`, { p: "\udc00\ud800" }, { token: admin });
      expect(purpose.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "purpose" });
      // A CSV given inline is refused whole, as with a control character.
      const csv = `name,idNumber,householdRegionCode,originRegionCode\n\ud83d,${person().idNumber},350102,350102\n`;
      const inline = await t.gql(IMPORT, { input: { csv } }, { token: admin });
      expect(inline.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.csv" });
      // A file's cell with a surrogate encoded on its own (CESU-8 bytes ED A0 80), which UTF-8 decoding turns into U+FFFD: a rejected row.
      const bytes = Buffer.concat([Buffer.from(`name,idNumber,householdRegionCode,originRegionCode\n陈`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`,${person().idNumber},350102,350102\n`)]);
      const res = await fetch(t.url.replace("/graphql", "/imports/people?encoding=utf-8"), { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${admin}` }, body: bytes });
      const report = ((await res.json()) as { data: { importPeople: ImportReport } }).data.importPeople;
      expect(report).toMatchObject({ created: 0, rejectedCount: 1, rejected: [{ row: 2, column: "name", code: "BAD_USER_INPUT" }] });
      expect(report.rejected[0]!.message).toMatch(/not valid in the file's encoding/);
      // A partner's push: the item is refused, naming its field.
      const employer = { name: "某公司\ud800", creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU };
      const pushed = await t.gql<{ upsertPartnerPostings: { created: number; items: { outcome: string; error: { code: string; field: string } | null }[] } }>(
        UPSERT,
        { postings: [{ externalId: `S-${unique()}`, title: "文员", regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString(), employer }] },
        { apiKey },
      );
      expect(pushed.data?.upsertPartnerPostings.items[0]).toMatchObject({ outcome: "REJECTED", error: { code: "BAD_USER_INPUT", field: "postings.0.employer.name" } });
    });
  });

  it("9 (low): out-of-range dates are refused — validUntil in 9999, a graduation date 9999-12-31", async () => {
    await unchangedBy(async () => {
      const posting = await t.gql(CREATE_POSTING, { i: { title: "文员", regionCode: FUZHOU_GULOU, validUntil: "9999-01-01T00:00:00Z" } }, { token: employerToken });
      expect(posting.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.validUntil" });
      const graduate = await t.gql(REGISTER, { input: person({ graduationDate: "9999-12-31" }) }, { token: admin });
      expect(graduate.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.graduationDate" });
      const csv = `name,idNumber,householdRegionCode,originRegionCode,graduationDate\n某,${person().idNumber},350102,350102,9999-12-31\n`;
      const imported = await t.gql<{ importPeople: ImportReport }>(IMPORT, { input: { csv } }, { token: admin });
      expect(imported.data?.importPeople).toMatchObject({ created: 0, rejected: [{ row: 2, column: "graduationDate", code: "BAD_USER_INPUT" }] });
      const employer = { name: `某公司${unique()}`, creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU };
      const pushed = await t.gql<{ upsertPartnerPostings: { items: { outcome: string; error: { field: string } | null }[] } }>(
        UPSERT,
        { postings: [{ externalId: `D-${unique()}`, title: "文员", regionCode: FUZHOU_GULOU, validUntil: "9999-12-31T00:00:00Z", employer }] },
        { apiKey },
      );
      expect(pushed.data?.upsertPartnerPostings.items[0]).toMatchObject({ outcome: "REJECTED", error: { field: "postings.0.validUntil" } });
      const category = await t.gql(
        `mutation($i: TargetCategoryInput!) { publishTargetCategory(input: $i) { code } }`,
        { i: { code: "HYGIENE_TEST", name: "测试", population: "KEY_GROUP_GRADUATE", ruleJson: JSON.stringify({ "==": [{ var: "isGraduate" }, true] }), minReferrals: 0, mentorEligible: false, validFrom: "2020-01-01", validUntil: "9999-12-31" } },
        { token: admin },
      );
      expect(category.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.validUntil" });
    });
  });

  it("9 (low): a token whose lifetime exceeds AUTH_MAX_TOKEN_LIFETIME (exp in year 5138) is UNAUTHENTICATED", async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = (iat: number, exp: number) =>
      new SignJWT({ role: Role.ADMIN })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject("admin")
        .setIssuer("jiuye-bangfu")
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(t.config.auth.jwtSecret));
    const year5138 = Math.floor(Date.UTC(5138, 0, 1) / 1000);
    const ask = async (token: string) => codeOf(await t.gql(`{ people(first: 1) { totalCount } }`, {}, { token }));
    expect(await ask(await forged(now, year5138))).toBe("UNAUTHENTICATED");
    // A back-dated issue time does not help: what is left (exp − now) is capped too.
    expect(await ask(await forged(year5138 - 3600, year5138))).toBe("UNAUTHENTICATED");
    expect(await ask(await forged(now, now + 31 * 86_400))).toBe("UNAUTHENTICATED");
    // Within the cap (the default is 30 days; the demo tokens last 7) a token works.
    expect(await ask(await forged(now, now + 7 * 86_400))).toBeUndefined();
    // The CLI will not mint a token the server refuses; up to the cap it does, and the server takes it.
    const env = { NODE_ENV: "test", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent" };
    const err: string[] = [];
    expect(await runCli(["token", "--role", "ADMIN", "--expires", "400d"], env, { out: () => undefined, err: (s) => err.push(s) })).toBe(2);
    expect(err.join("")).toMatch(/AUTH_MAX_TOKEN_LIFETIME/);
    const out: string[] = [];
    expect(await runCli(["token", "--role", "ADMIN", "--expires", "30d"], env, { out: (s) => out.push(s), err: () => undefined })).toBe(0);
    expect(await ask(out.join("").trim())).toBeUndefined();
  });
});
