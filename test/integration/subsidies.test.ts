import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { reevaluateEveryone } from "../../src/modules/categories/reevaluation.service.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makeEmployer, makeInstitution, makePerson } from "../helpers/factories.js";
import { hireThroughReferral, startSubsidyApp } from "../helpers/subsidies.js";
import { codeOf, type GqlResult, type TestApp } from "../helpers/test-app.js";

const YEAR = Number(serviceToday().slice(0, 4));
const THIS_YEAR_GRADUATE = { graduationDate: `${YEAR}-06-30`, leaveSchoolDate: `${YEAR}-07-01` };
const LAST_YEAR_GRADUATE = { graduationDate: `${YEAR - 1}-06-30`, leaveSchoolDate: `${YEAR - 1}-07-01` };

const CLAIM_FIELDS = `id schemeCode schemeVersion employerId regionCode state maxAmountYuan approvedAmountYuan documents rejectionReason paymentReference appliedBy reviewedBy paidRecordedBy appliedAt reviewedAt paidRecordedAt personName personConsented`;
const PERSON_SUBSIDIES = `query($id: ID!) { person(id: $id) { subsidies { ${CLAIM_FIELDS} scheme { code version } } } }`;
const EMPLOYER_SUBSIDIES = `query($id: ID!) { employer(id: $id) { subsidies { claims { ${CLAIM_FIELDS} } unnamed { schemeCode state claims maxAmountYuan } unnamedShownFrom } } }`;
const APPLY = `mutation($i: ApplyForSubsidyInput!) { applyForSubsidy(input: $i) { ${CLAIM_FIELDS} } }`;
const APPROVE = `mutation($c: ID!, $a: Int!) { approveSubsidyClaim(claimId: $c, amountYuan: $a) { ${CLAIM_FIELDS} } }`;
const REJECT = `mutation($c: ID!, $r: String!) { rejectSubsidyClaim(claimId: $c, reason: $r) { ${CLAIM_FIELDS} } }`;
const PAY = `mutation($c: ID!, $p: String!) { recordSubsidyPayment(claimId: $c, paymentReference: $p) { ${CLAIM_FIELDS} } }`;
const CONSENT = `mutation($c: ID!) { consentToSubsidyDisclosure(claimId: $c) { id personConsented } }`;
const PUBLISH = `mutation($i: SubsidySchemeInput!) { publishSubsidyScheme(input: $i) { id code version amountYuan amountReconstructed documents } }`;
const CLAIMS = `query($f: SubsidyClaimFilter, $first: Int, $after: String) { subsidyClaims(filter: $f, first: $first, after: $after) { totalCount edges { cursor node { id schemeCode state } } pageInfo { hasNextPage endCursor } } }`;

interface Claim {
  id: string;
  schemeCode: string;
  schemeVersion: number;
  employerId: string | null;
  state: string;
  maxAmountYuan: number;
  approvedAmountYuan: number | null;
  appliedBy: string | null;
  reviewedBy: string | null;
  paidRecordedBy: string | null;
  personName: string | null;
  personConsented: boolean;
  [k: string]: unknown;
}

describe("subsidies and fallbacks (DOMAIN §7): eligibility decided, claims recorded, never paid here", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let schoolId: string;

  /** Every claim row and scheme row, to compare before and after a refusal. */
  const snapshot = async () =>
    queryRows<{ claims: string; schemes: number; hires: number }>(
      t.db,
      sql`select coalesce(string_agg(id::text || state || scheme_version || coalesce(approved_amount_yuan, -1), ',' order by id), '') as claims,
                 (select count(*) from subsidy_schemes)::int as schemes, (select count(*) from subsidy_hires)::int as hires from subsidy_claims`,
    );
  const person = (overrides: Parameters<typeof makePerson>[1] = {}) => makePerson(t, { institutionId: schoolId, ...overrides });
  const subsidiesOf = async (personId: string, token = admin): Promise<Claim[] | null> => {
    const r = await t.gql<{ person: { subsidies: Claim[] | null } | null }>(PERSON_SUBSIDIES, { id: personId }, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.person?.subsidies ?? null;
  };
  const claimOf = async (personId: string, scheme: string) => (await subsidiesOf(personId))!.find((c) => c.schemeCode === scheme);
  const employerClaims = async (employerId: string, token = admin) => {
    const r = await t.gql<{ employer: { subsidies: { claims: Claim[]; unnamed: { schemeCode: string; state: string; claims: number; maxAmountYuan: number }[]; unnamedShownFrom: number } | null } }>(
      EMPLOYER_SUBSIDIES,
      { id: employerId },
      { token },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.employer.subsidies;
  };
  /** A hire through the real path: a referral the caseworker moves to HIRED. */
  const hire = (personId: string, employerId: string) => hireThroughReferral(t, admin, personId, employerId);
  const apply = (input: Record<string, unknown>, token = fuzhou) => t.gql<{ applyForSubsidy: Claim }>(APPLY, { i: input }, { token });
  const documentsOf = async (code: string) =>
    (await queryRows<{ documents: string[] }>(t.db, sql`select documents from subsidy_schemes where code = ${code} order by version desc limit 1`))[0]!.documents;
  const expectNotEligible = (r: GqlResult<unknown>, fact: string) => {
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "NOT_ELIGIBLE" });
    const failing = (r.errors![0]!.extensions!.failingFacts as { fact: string }[]).map((f) => f.fact);
    expect(failing).toContain(fact);
  };

  beforeAll(async () => {
    ({ t, admin, fuzhou, xiamen, schoolId } = await startSubsidyApp());
  });
  afterAll(() => t.close());

  it("loads the 2018/2020 schemes as policy data, amounts the texts do not give marked reconstructed", async () => {
    const r = await t.gql<{ subsidySchemes: { code: string; version: number; amountYuan: number; amountKind: string; amountReconstructed: boolean; subject: string; issuingLevel: string; documents: string[] }[] }>(
      `{ subsidySchemes { code version amountYuan amountKind amountReconstructed subject issuingLevel documents } }`,
      {},
      { token: fuzhou },
    );
    expect(r.errors).toBeUndefined();
    const byCode = new Map(r.data!.subsidySchemes.map((s) => [s.code, s]));
    expect(byCode.get("JOB_SEARCH_GRADUATE")).toMatchObject({ version: 1, amountYuan: 2000, amountKind: "FIXED", amountReconstructed: false, subject: "PERSON" });
    expect(byCode.get("STARTUP_ONE_TIME")).toMatchObject({ amountYuan: 10000, amountKind: "CAPPED", amountReconstructed: false });
    expect(byCode.get("HIRING_POVERTY_LABOURER")).toMatchObject({ amountKind: "PER_PERSON", amountReconstructed: true, subject: "EMPLOYER" });
    expect(byCode.get("POVERTY_WORKSHOP_AWARD")).toMatchObject({ amountKind: "PER_PERSON", amountReconstructed: true, subject: "EMPLOYER" });
    for (const code of ["VOCATIONAL_TRAINING", "SKILL_ASSESSMENT", "PUBLIC_WELFARE_POST_WAGE", "PUBLIC_WELFARE_SOCIAL_INSURANCE"]) expect(byCode.get(code)?.amountReconstructed, code).toBe(true);
    expect([...byCode.values()].every((s) => s.documents.length > 0)).toBe(true);
  });

  // Per person scheme: a person who meets the rule holds an ELIGIBLE claim with the deciding version;
  // one who misses one fact holds none, and an application for them names the fact that failed.
  const personCases: { scheme: string; meets: Parameters<typeof makePerson>[1]; misses: Parameters<typeof makePerson>[1]; fact: string; amount: number }[] = [
    { scheme: "JOB_SEARCH_GRADUATE", meets: { registeredPoverty: true, ...THIS_YEAR_GRADUATE }, misses: { registeredPoverty: true, ...LAST_YEAR_GRADUATE }, fact: "graduationYear", amount: 2000 },
    { scheme: "STARTUP_ONE_TIME", meets: { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED" }, misses: { registeredPoverty: false, employmentStatus: "SELF_EMPLOYED" }, fact: "household.registeredPoverty", amount: 10000 },
    { scheme: "VOCATIONAL_TRAINING", meets: { registeredPoverty: true, trainingWishes: ["电工"] }, misses: { registeredPoverty: true, trainingWishes: [] }, fact: "trainingWishes", amount: 1500 },
    { scheme: "SKILL_ASSESSMENT", meets: { registeredPoverty: true, trainingWishes: ["焊工"] }, misses: { registeredPoverty: true, trainingWishes: [] }, fact: "trainingWishes", amount: 300 },
    { scheme: "PUBLIC_WELFARE_POST_WAGE", meets: { registeredPoverty: true, employmentStatus: "PUBLIC_WELFARE_POST" }, misses: { registeredPoverty: true, employmentStatus: "UNEMPLOYED" }, fact: "employmentStatus", amount: 12000 },
    { scheme: "PUBLIC_WELFARE_SOCIAL_INSURANCE", meets: { registeredPoverty: true, employmentStatus: "PUBLIC_WELFARE_POST" }, misses: { registeredPoverty: false, employmentStatus: "PUBLIC_WELFARE_POST" }, fact: "household.registeredPoverty", amount: 6000 },
  ];
  for (const c of personCases) {
    it(`${c.scheme}: eligible with the deciding version when the rule is met; one fact missing, not eligible, and the fact is named`, async () => {
      const yes = await person(c.meets);
      const claim = await claimOf(yes.id, c.scheme);
      expect(claim).toMatchObject({ state: "ELIGIBLE", schemeVersion: 1, maxAmountYuan: c.amount, employerId: null, regionCode: yes.householdRegionCode });
      const no = await person(c.misses);
      expect(await claimOf(no.id, c.scheme)).toBeUndefined();
      const before = await snapshot();
      expectNotEligible(await apply({ schemeCode: c.scheme, personId: no.id, documents: await documentsOf(c.scheme) }), c.fact);
      expect(await snapshot()).toEqual(before);
    });
  }

  it("JOB_SEARCH_GRADUATE follows the person: a correction that makes them eligible adds the claim, one that unmakes it removes it", async () => {
    const p = await person({ registeredPoverty: false, ...THIS_YEAR_GRADUATE });
    expect(await claimOf(p.id, "JOB_SEARCH_GRADUATE")).toBeUndefined();
    const update = `mutation($id: ID!, $i: PersonFieldsInput!) { updatePerson(id: $id, input: $i) { id } }`;
    expect((await t.gql(update, { id: p.id, i: { minimumLiving: true } }, { token: fuzhou })).errors).toBeUndefined();
    expect(await claimOf(p.id, "JOB_SEARCH_GRADUATE")).toMatchObject({ state: "ELIGIBLE", schemeVersion: 1 });
    expect((await t.gql(update, { id: p.id, i: { minimumLiving: false } }, { token: fuzhou })).errors).toBeUndefined();
    expect(await claimOf(p.id, "JOB_SEARCH_GRADUATE")).toBeUndefined();
  });

  it("HIRING_POVERTY_LABOURER: a hire (HIRED referral) of a poverty labourer makes the employer eligible per person; a non-poverty hire does not", async () => {
    const employer = await makeEmployer(t.db, { isPovertyWorkshop: false });
    const poor = await person({ registeredPoverty: true, institutionId: null });
    const other = await person({ registeredPoverty: false, institutionId: null });
    await hire(poor.id, employer.id);
    await hire(other.id, employer.id);
    const claims = (await employerClaims(employer.id))!.claims;
    expect(claims.filter((c) => c.schemeCode === "HIRING_POVERTY_LABOURER")).toHaveLength(1);
    expect(claims.find((c) => c.schemeCode === "HIRING_POVERTY_LABOURER")).toMatchObject({ state: "ELIGIBLE", schemeVersion: 1, employerId: employer.id, maxAmountYuan: 1000 });
    // Not a workshop: no award.
    expect(claims.some((c) => c.schemeCode === "POVERTY_WORKSHOP_AWARD")).toBe(false);
    const before = await snapshot();
    expectNotEligible(await apply({ schemeCode: "HIRING_POVERTY_LABOURER", personId: other.id, employerId: employer.id, documents: await documentsOf("HIRING_POVERTY_LABOURER") }), "person.household.registeredPoverty");
    expectNotEligible(await apply({ schemeCode: "POVERTY_WORKSHOP_AWARD", personId: poor.id, employerId: employer.id, documents: await documentsOf("POVERTY_WORKSHOP_AWARD") }), "employer.povertyWorkshop");
    // An employer that never hired them: the hire is what failed.
    const stranger = await makeEmployer(t.db);
    expectNotEligible(await apply({ schemeCode: "HIRING_POVERTY_LABOURER", personId: poor.id, employerId: stranger.id, documents: await documentsOf("HIRING_POVERTY_LABOURER") }), "hire");
    expect(await snapshot()).toEqual(before);
  });

  it("POVERTY_WORKSHOP_AWARD: a poverty workshop's hire of a poverty labourer earns the award too, by the number employed", async () => {
    const workshop = await makeEmployer(t.db, { isPovertyWorkshop: true });
    const a = await person({ registeredPoverty: true, institutionId: null });
    const b = await person({ registeredPoverty: true, institutionId: null });
    const c = await person({ registeredPoverty: false, institutionId: null });
    for (const p of [a, b, c]) await hire(p.id, workshop.id);
    const claims = (await employerClaims(workshop.id))!.claims;
    const awards = claims.filter((x) => x.schemeCode === "POVERTY_WORKSHOP_AWARD");
    expect(awards).toHaveLength(2);
    expect(awards.every((x) => x.schemeVersion === 1 && x.state === "ELIGIBLE")).toBe(true);
    expect(awards.reduce((sum, x) => sum + x.maxAmountYuan, 0)).toBe(2000);
    expectNotEligible(await apply({ schemeCode: "POVERTY_WORKSHOP_AWARD", personId: c.id, employerId: workshop.id, documents: await documentsOf("POVERTY_WORKSHOP_AWARD") }), "person.household.registeredPoverty");
  });

  it("a claim walks ELIGIBLE → APPLIED → APPROVED → PAID_RECORDED by officials in scope, each step attributed; bad steps are refused and write nothing", async () => {
    const p = await person({ registeredPoverty: true, employmentStatus: "SELF_EMPLOYED" });
    const claim = (await claimOf(p.id, "STARTUP_ONE_TIME"))!;
    const documents = await documentsOf("STARTUP_ONE_TIME");
    const before = await snapshot();
    // Out of scope, missing documents, a step out of order, a person scheme with an employer, an unknown scheme: refused, nothing written.
    expect(codeOf(await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents }, xiamen))).toBe("NOT_FOUND");
    const missing = await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: documents.slice(1) });
    expect(missing.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.documents", missing: [documents[0]] });
    expect(codeOf(await t.gql(APPROVE, { c: claim.id, a: 5000 }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, employerId: (await makeEmployer(t.db)).id, documents }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await apply({ schemeCode: "NO_SUCH_SCHEME", personId: p.id, documents }))).toBe("BAD_USER_INPUT");
    const seeker = await t.token({ sub: "s-claim", role: Role.SEEKER, personId: p.id });
    expect(codeOf(await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents }, seeker))).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);

    const applied = await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents });
    expect(applied.errors).toBeUndefined();
    expect(applied.data!.applyForSubsidy).toMatchObject({ id: claim.id, state: "APPLIED", appliedBy: "caseworker:cw-fz", documents });
    // Twice: a CONFLICT, nothing written.
    const afterApply = await snapshot();
    expect(codeOf(await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents }))).toBe("CONFLICT");
    // Above the cap, and a payment before approval.
    const above = await t.gql(APPROVE, { c: claim.id, a: 10001 }, { token: fuzhou });
    expect(above.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "amountYuan", cap: 10000 });
    expect(codeOf(await t.gql(PAY, { c: claim.id, p: "FJ-PAY-1" }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(APPROVE, { c: claim.id, a: 8000 }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(afterApply);

    const approved = await t.gql<{ approveSubsidyClaim: Claim }>(APPROVE, { c: claim.id, a: 8000 }, { token: fuzhou });
    expect(approved.data!.approveSubsidyClaim).toMatchObject({ state: "APPROVED", approvedAmountYuan: 8000, reviewedBy: "caseworker:cw-fz" });
    expect(codeOf(await t.gql(REJECT, { c: claim.id, r: "材料不全" }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    const paid = await t.gql<{ recordSubsidyPayment: Claim }>(PAY, { c: claim.id, p: "FJ-PAY-2026-0001" }, { token: admin });
    expect(paid.data!.recordSubsidyPayment).toMatchObject({ state: "PAID_RECORDED", paymentReference: "FJ-PAY-2026-0001", paidRecordedBy: "admin:admin", approvedAmountYuan: 8000 });
    expect(paid.data!.recordSubsidyPayment.paidRecordedAt).toEqual(expect.any(String));
    // Paid already: the step was taken (a second request, or another official's that lost the race), a conflict.
    expect(codeOf(await t.gql(PAY, { c: claim.id, p: "FJ-PAY-AGAIN" }, { token: admin }))).toBe("CONFLICT");
    // The person sees their own; a claim that is done is no longer re-decided (a change of status keeps it).
    expect((await subsidiesOf(p.id, seeker))!.find((c) => c.id === claim.id)).toMatchObject({ state: "PAID_RECORDED" });
    const status = `mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED) { id } }`;
    expect((await t.gql(status, { id: p.id }, { token: fuzhou })).errors).toBeUndefined();
    expect(await claimOf(p.id, "STARTUP_ONE_TIME")).toMatchObject({ id: claim.id, state: "PAID_RECORDED" });

    // Rejection, with its reason.
    const q = await person({ registeredPoverty: true, trainingWishes: ["电工"] });
    expect((await apply({ schemeCode: "SKILL_ASSESSMENT", personId: q.id, documents: await documentsOf("SKILL_ASSESSMENT") })).errors).toBeUndefined();
    const qClaim = (await claimOf(q.id, "SKILL_ASSESSMENT"))!;
    expect(codeOf(await t.gql(REJECT, { c: qClaim.id, r: " " }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    const rejected = await t.gql<{ rejectSubsidyClaim: Claim }>(REJECT, { c: qClaim.id, r: "未取得职业资格证书" }, { token: fuzhou });
    expect(rejected.data!.rejectSubsidyClaim).toMatchObject({ state: "REJECTED", rejectionReason: "未取得职业资格证书", reviewedBy: "caseworker:cw-fz" });
  });

  it("visibility: officials in scope and the person see a person's subsidies; an employer sees counts until the person consents; other employers, mentors and partners see nothing", async () => {
    const employer = await makeEmployer(t.db, { isPovertyWorkshop: true });
    const p = await person({ registeredPoverty: true, institutionId: null });
    await hire(p.id, employer.id);
    const own = await t.token({ sub: "emp-own", role: Role.EMPLOYER, employerId: employer.id });
    const other = await t.token({ sub: "emp-other", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    const seeker = await t.token({ sub: "s-vis", role: Role.SEEKER, personId: p.id });
    const mentor = await t.token({ sub: "m-vis", role: Role.MENTOR });

    // The employer: no claim naming the person, and no count of one claim (it would point at the one person it hired: the policy shows 3 up).
    const alone = await employerClaims(employer.id, own);
    expect(alone).toEqual({ claims: [], unnamed: [], unnamedShownFrom: 3 });
    // Two more poverty labourers hired: counts by scheme and state, still no claim naming anyone.
    for (let i = 0; i < 2; i++) await hire((await person({ registeredPoverty: true, institutionId: null })).id, employer.id);
    const before = await employerClaims(employer.id, own);
    expect(before!.claims).toEqual([]);
    expect(before!.unnamed.map((u) => u.schemeCode).sort()).toEqual(["HIRING_POVERTY_LABOURER", "POVERTY_WORKSHOP_AWARD"]);
    expect(before!.unnamed.every((u) => u.claims === 3 && u.state === "ELIGIBLE")).toBe(true);
    expect(await employerClaims(employer.id, other)).toBeNull();
    expect(await employerClaims(employer.id, mentor)).toBeNull();
    // Officials: every claim, named; a caseworker of another region: none of them.
    expect((await employerClaims(employer.id, fuzhou))!.claims.filter((c) => c.personName === p.name)).toHaveLength(2);
    expect((await employerClaims(employer.id, fuzhou))!.claims.every((c) => c.personName !== null)).toBe(true);
    expect(await employerClaims(employer.id, xiamen)).toBeNull();

    // The person finds the employer's claims naming them (their own view), and consents on one: the employer sees that one, named.
    const HIRING_CLAIMS = `query($p: ID!) { person(id: $p) { hiringSubsidyClaims { id schemeCode personConsented } } }`;
    const mine = await t.gql<{ person: { hiringSubsidyClaims: { id: string; schemeCode: string; personConsented: boolean }[] | null } }>(HIRING_CLAIMS, { p: p.id }, { token: seeker });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.person.hiringSubsidyClaims!.map((c) => [c.schemeCode, c.personConsented]).sort()).toEqual([["HIRING_POVERTY_LABOURER", false], ["POVERTY_WORKSHOP_AWARD", false]]);
    const officialView = await t.gql<{ person: { hiringSubsidyClaims: unknown[] | null } }>(HIRING_CLAIMS, { p: p.id }, { token: fuzhou });
    expect(officialView.data!.person.hiringSubsidyClaims).toHaveLength(2);
    const hiring = mine.data!.person.hiringSubsidyClaims!.find((c) => c.schemeCode === "HIRING_POVERTY_LABOURER")!;
    expect(codeOf(await t.gql(CONSENT, { c: hiring.id }, { token: await t.token({ sub: "s-else", role: Role.SEEKER, personId: (await person()).id }) }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(CONSENT, { c: hiring.id }, { token: own }))).toBe("FORBIDDEN");
    expect((await t.gql(CONSENT, { c: hiring.id }, { token: seeker })).errors).toBeUndefined();
    const after = await employerClaims(employer.id, own);
    expect(after!.claims.map((c) => [c.schemeCode, c.personName, c.personConsented])).toEqual([["HIRING_POVERTY_LABOURER", p.name, true]]);
    // The two other hiring claims are fewer than 3: not counted to the employer.
    expect(after!.unnamed.map((u) => [u.schemeCode, u.claims])).toEqual([["POVERTY_WORKSHOP_AWARD", 3]]);
    const asEmployer = await t.gql<{ employer: { subsidies: { claims: { person: unknown; personId: string | null }[] } } }>(`query($id: ID!) { employer(id: $id) { subsidies { claims { person { id } personId } } } }`, { id: employer.id }, { token: own });
    expect(asEmployer.data!.employer.subsidies.claims).toEqual([{ person: null, personId: p.id }]);
    // Taken back: counted again, not named (and asking twice gives the same answer).
    const WITHDRAW = `mutation($c: ID!) { withdrawSubsidyDisclosure(claimId: $c) { id personConsented } }`;
    expect(codeOf(await t.gql(WITHDRAW, { c: hiring.id }, { token: own }))).toBe("FORBIDDEN");
    for (let i = 0; i < 2; i++) {
      const withdrawn = await t.gql<{ withdrawSubsidyDisclosure: { personConsented: boolean } }>(WITHDRAW, { c: hiring.id }, { token: seeker });
      expect(withdrawn.data!.withdrawSubsidyDisclosure.personConsented).toBe(false);
    }
    const withdrawnView = await employerClaims(employer.id, own);
    expect(withdrawnView!.claims).toEqual([]);
    expect(withdrawnView!.unnamed.map((u) => u.schemeCode).sort()).toEqual(["HIRING_POVERTY_LABOURER", "POVERTY_WORKSHOP_AWARD"]);
    expect((await t.gql(CONSENT, { c: hiring.id }, { token: seeker })).errors).toBeUndefined();
    // Each consent and each withdrawal is audited (who, which employer, which claim); asking twice wrote nothing more.
    const audits = await queryRows<{ action: string; actor: string; employer_id: string; detail: { claimId: string; subject: string } }>(
      t.db,
      sql`select action, actor, employer_id, detail from decision_audit where person_id = ${p.id} order by at, id`,
    );
    expect(audits.map((a) => a.action)).toEqual(["CONSENT_GRANTED", "CONSENT_REVOKED", "CONSENT_GRANTED"]);
    expect(audits.every((a) => a.actor === "seeker:s-vis" && a.employer_id === employer.id && a.detail.claimId === hiring.id && a.detail.subject === "SUBSIDY_CLAIM")).toBe(true);

    // Employers read no list of claims; a partner reaches none of it.
    expect(codeOf(await t.gql(CLAIMS, {}, { token: own }))).toBe("FORBIDDEN");
    const { apiKey } = await issuePartnerKey(t.db, "test", { name: `补贴测试平台${Date.now()}` });
    expect(codeOf(await t.gql(CLAIMS, {}, { apiKey }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`{ subsidyFigures { schemeCode } }`, {}, { apiKey }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(APPLY, { i: { schemeCode: "HIRING_POVERTY_LABOURER", personId: p.id, employerId: employer.id, documents: [] } }, { apiKey }))).toBe("FORBIDDEN");
    const partnerView = await t.gql<{ employer: { subsidies: unknown } }>(`query($id: ID!) { employer(id: $id) { subsidies { unnamed { claims } } } }`, { id: employer.id }, { apiKey });
    expect(partnerView.data!.employer.subsidies).toBeNull();

    // The person's own subsidies: to them and officials in scope; a caseworker elsewhere cannot reach the person at all.
    expect(await subsidiesOf(p.id, seeker)).toEqual([]);
    expect(await subsidiesOf(p.id, xiamen)).toBeNull();
  });

  it("lists claims as a connection within the official's scope, filtered and paged", async () => {
    const a = await person({ registeredPoverty: true, trainingWishes: ["电工"] });
    const b = await person({ registeredPoverty: true, trainingWishes: ["电工"], householdRegionCode: "350203" });
    const page = async (token: string, f: Record<string, unknown>, first = 100, after?: string) => {
      const r = await t.gql<{ subsidyClaims: { totalCount: number; edges: { cursor: string; node: { id: string; schemeCode: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(CLAIMS, { f, first, after }, { token });
      expect(r.errors).toBeUndefined();
      return r.data!.subsidyClaims;
    };
    const mine = async (token: string) => (await page(token, { schemeCode: "VOCATIONAL_TRAINING" })).edges.map((e) => e.node.id);
    const aClaim = (await claimOf(a.id, "VOCATIONAL_TRAINING"))!.id;
    const bClaim = (await claimOf(b.id, "VOCATIONAL_TRAINING"))!.id;
    expect(await mine(fuzhou)).toContain(aClaim);
    expect(await mine(fuzhou)).not.toContain(bClaim);
    expect(await mine(xiamen)).toContain(bClaim);
    expect(await mine(xiamen)).not.toContain(aClaim);
    const all = await page(admin, { state: "ELIGIBLE" });
    const [{ n }] = (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from subsidy_claims where state = 'ELIGIBLE'`)) as [{ n: number }];
    expect(all.totalCount).toBe(n);
    const first = await page(admin, { state: "ELIGIBLE" }, 2);
    const second = await page(admin, { state: "ELIGIBLE" }, 2, first.pageInfo.endCursor);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.edges.map((e) => e.node.id)).toEqual(all.edges.slice(2, 4).map((e) => e.node.id));
    expect(codeOf(await t.gql(CLAIMS, { f: { personId: "not-an-id" } }, { token: admin }))).toBe("BAD_USER_INPUT");
  });

  it("reads subsidies in batches: a page of people and their claims (with their schemes) costs the same statements for 2 people as for 10", async () => {
    const school = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    for (let i = 0; i < 10; i++) await person({ institutionId: school, registeredPoverty: true, trainingWishes: ["电工"], ...THIS_YEAR_GRADUATE });
    const read = async (first: number) => {
      const r = await t.gql<{ people: { edges: { node: { subsidies: { schemeCode: string; scheme: { version: number } }[] } }[] } }>(
        `query($i: ID!, $n: Int) { people(first: $n, filter: { institutionId: $i }) { edges { node { id subsidies { schemeCode scheme { version } personName } } } } }`,
        { i: school, n: first },
        { token: admin },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.people.edges).toHaveLength(first);
      expect(r.data!.people.edges.every((e) => e.node.subsidies.some((c) => c.schemeCode === "VOCATIONAL_TRAINING"))).toBe(true);
      return r.sqlStatements;
    };
    const two = await read(2);
    expect(two).toBeGreaterThan(0);
    expect(await read(10)).toBe(two);
  });

  it("refuses a scheme whose rule does not parse, is not JSON logic, or names an unknown fact — writing nothing", async () => {
    const base = { code: "TEST_SCHEME", name: "测试补贴", subject: "PERSON", amountKind: "FIXED", amountYuan: 100, documents: ["身份证"], issuingLevel: "COUNTY", validFrom: serviceToday() };
    const before = await snapshot();
    const refuse = async (input: Record<string, unknown>, needle: string, token = admin) => {
      const r = await t.gql(PUBLISH, { i: { ...base, ...input } }, { token });
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe("BAD_USER_INPUT");
      expect(r.errors![0]!.message).toContain(needle);
    };
    await refuse({ ruleJson: `{"and": [` }, "not valid JSON");
    await refuse({ ruleJson: `{"no_such_operator": [1]}` }, "JSON-logic");
    await refuse({ ruleJson: `{"==": [{"var": "household.wealthy"}, true]}` }, "household.wealthy");
    await refuse({ ruleJson: `{"==": [{"var": "employer.povertyWorkshop"}, true]}` }, "employer.povertyWorkshop"); // an employer fact in a person scheme
    await refuse({ ruleJson: `{"==": [{"var": {"cat": ["house", "hold"]}}, true]}` }, "JSON-logic"); // a computed name
    await refuse({ ruleJson: `true`, amountKind: "PER_PERSON" }, "");
    expect(codeOf(await t.gql(PUBLISH, { i: { ...base, ruleJson: "true" } }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("a new version re-decides exactly the people it affects; claims applied for keep the version they were applied under", async () => {
    const poverty = await person({ registeredPoverty: true, ...THIS_YEAR_GRADUATE });
    const living = await person({ minimumLiving: true, ...THIS_YEAR_GRADUATE });
    const disabled = await person({ disabled: true, ...THIS_YEAR_GRADUATE });
    const disabledApplied = await person({ disabled: true, ...THIS_YEAR_GRADUATE });
    const zero = await person({ zeroEmployment: true, ...THIS_YEAR_GRADUATE });
    expect((await apply({ schemeCode: "JOB_SEARCH_GRADUATE", personId: disabledApplied.id, documents: await documentsOf("JOB_SEARCH_GRADUATE") })).errors).toBeUndefined();
    const holders = async () =>
      new Map(
        (await queryRows<{ person_id: string; id: string; scheme_version: number; state: string }>(t.db, sql`select person_id, id, scheme_version, state from subsidy_claims where scheme_code = 'JOB_SEARCH_GRADUATE'`)).map((r) => [r.person_id, r]),
      );
    const before = await holders();
    expect(before.has(poverty.id) && before.has(living.id) && before.has(disabled.id) && !before.has(zero.id)).toBe(true);
    // Version 2: disabled graduates no longer; zero-employment households now.
    const rule = `{"and":[{"==":[{"var":"isGraduate"},true]},{"==":[{"var":"graduationYear"},{"var":"year"}]},{"or":[{"==":[{"var":"household.registeredPoverty"},true]},{"==":[{"var":"household.minimumLiving"},true]},{"==":[{"var":"household.zeroEmployment"},true]}]}]}`;
    const published = await t.gql<{ publishSubsidyScheme: { version: number } }>(PUBLISH, {
      i: { code: "JOB_SEARCH_GRADUATE", name: "一次性求职创业补贴", subject: "PERSON", ruleJson: rule, amountKind: "FIXED", amountYuan: 2000, documents: await documentsOf("JOB_SEARCH_GRADUATE"), issuingLevel: "PROVINCE", validFrom: serviceToday() },
    }, { token: admin });
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishSubsidyScheme.version).toBe(2);
    const [request] = await queryRows<{ reason: string; status: string }>(t.db, sql`select reason, status from category_reevaluations order by requested_at desc limit 1`);
    expect(request).toEqual({ reason: "SUBSIDY_PUBLISHED", status: "PENDING" });
    await reevaluateEveryone(t.db);
    const after = await holders();
    // Gained: exactly the zero-employment graduate; lost: exactly the disabled one who had not applied.
    const gained = [...after.keys()].filter((id) => !before.has(id));
    const lost = [...before.keys()].filter((id) => !after.has(id));
    expect(gained).toEqual([zero.id]);
    expect(lost).toEqual([disabled.id]);
    expect(after.get(zero.id)).toMatchObject({ scheme_version: 2, state: "ELIGIBLE" });
    // Everyone still eligible keeps their claim (the same row), now decided by version 2.
    for (const id of [poverty.id, living.id]) expect(after.get(id)).toMatchObject({ id: before.get(id)!.id, scheme_version: 2 });
    expect(after.get(disabledApplied.id)).toMatchObject({ id: before.get(disabledApplied.id)!.id, scheme_version: 1, state: "APPLIED" });
  });

  it("subsidy figures by scheme and prefecture are what the database holds, within the caller's scope", async () => {
    type Figure = { schemeCode: string; prefecture: string; eligible: number; eligibleYuan: number; applied: number; approved: number; approvedYuan: number; paid: number; paidYuan: number };
    const read = async (token: string) => {
      const r = await t.gql<{ subsidyFigures: Figure[] }>(`{ subsidyFigures { schemeCode prefecture eligible eligibleYuan applied approved approvedYuan paid paidYuan } }`, {}, { token });
      expect(r.errors).toBeUndefined();
      return r.data!.subsidyFigures;
    };
    // A claim of its own taken to PAID_RECORDED, so every column has something to hold.
    const p = await person({ registeredPoverty: true, employmentStatus: "SELF_EMPLOYED" });
    const claim = (await apply({ schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: await documentsOf("STARTUP_ONE_TIME") })).data!.applyForSubsidy;
    expect((await t.gql(APPROVE, { c: claim.id, a: 6000 }, { token: fuzhou })).errors).toBeUndefined();
    expect((await t.gql(PAY, { c: claim.id, p: "FJ-PAY-FIGURES" }, { token: fuzhou })).errors).toBeUndefined();
    const expected = await queryRows<Figure>(
      t.db,
      sql`select scheme_code as "schemeCode", substr(region_code, 1, 4) as prefecture, count(*)::int as eligible, sum(max_amount_yuan)::int as "eligibleYuan",
                 count(applied_at)::int as applied, count(*) filter (where approved_amount_yuan is not null)::int as approved, coalesce(sum(approved_amount_yuan), 0)::int as "approvedYuan",
                 count(payment_reference)::int as paid, coalesce(sum(approved_amount_yuan) filter (where payment_reference is not null), 0)::int as "paidYuan"
          from subsidy_claims group by 1, 2 order by 1, 2`,
    );
    expect(expected.some((f) => f.paid > 0)).toBe(true);
    expect(await read(admin)).toEqual(expected);
    expect((await read(xiamen)).every((f) => f.prefecture === "3502")).toBe(true);

    // The campaign report's subsidy sheet: the same rows, then their total.
    const [campaign] = await queryRows<{ id: string }>(t.db, sql`select id from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES'`);
    const csv = await fetch(`${t.url.replace(/\/graphql$/, "")}/reports/campaigns/${campaign!.id}.csv?sheet=subsidies`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines[0]).toContain("补贴项目");
    const body = lines.slice(1).map((l) => l.split(","));
    const cols = (f: Figure) => [f.schemeCode, f.prefecture, f.eligible, f.eligibleYuan, f.applied, (f as Figure & { appliedYuan?: number }).appliedYuan, f.approved, f.approvedYuan, f.paid, f.paidYuan];
    expect(body.slice(0, -1).map((r) => [r[0], r[1], ...r.slice(2).map(Number)].filter((_, i) => i !== 5))).toEqual(expected.map((f) => cols(f).filter((_, i) => i !== 5)));
    const total = body.at(-1)!;
    expect(total[0]).toBe("合计");
    expect(Number(total[2])).toBe(expected.reduce((n, f) => n + f.eligible, 0));
    expect(Number(total[9])).toBe(expected.reduce((n, f) => n + f.paidYuan, 0));
    // The report's page has the same table.
    const page = await (await fetch(`${t.url.replace(/\/graphql$/, "")}/reports/campaigns/${campaign!.id}`, { headers: { authorization: `Bearer ${admin}` } })).text();
    const table = /<table id="subsidy-table">([\s\S]*?)<\/table>/.exec(page)![1]!;
    expect(table.match(/<tr>/g)).toHaveLength(1 + expected.length + 1);
    expect(table).toContain(`<td class="n">${expected.reduce((n, f) => n + f.eligible, 0)}</td>`);
  });
});
