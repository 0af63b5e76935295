import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { redecideWhenCalendarTurns } from "../../src/modules/subsidies/subsidy-calendar.js";
import { days, makeEmployer, makePerson, makePosting } from "../helpers/factories.js";
import { hireThroughReferral, startSubsidyApp } from "../helpers/subsidies.js";
import { codeOf, type TestApp } from "../helpers/test-app.js";

const YEAR = Number(serviceToday().slice(0, 4));
const THIS_YEAR_GRADUATE = { graduationDate: `${YEAR}-06-30`, leaveSchoolDate: `${YEAR}-07-01` };
const F = `id schemeCode schemeVersion state maxAmountYuan approvedAmountYuan regionCode employerId`;
const APPLY = `mutation($i: ApplyForSubsidyInput!) { applyForSubsidy(input: $i) { ${F} } }`;
const APPROVE = `mutation($c: ID!, $a: Int!) { approveSubsidyClaim(claimId: $c, amountYuan: $a) { ${F} } }`;
const PAY = `mutation($c: ID!, $p: String!) { recordSubsidyPayment(claimId: $c, paymentReference: $p) { ${F} } }`;
const PUBLISH = `mutation($i: SubsidySchemeInput!) { publishSubsidyScheme(input: $i) { id version } }`;
const EMP = `query($id: ID!) { employer(id: $id) { subsidies { claims { ${F} personName } unnamed { schemeCode state claims } } } }`;

describe("subsidies: what an independent review found (each failed before its fix)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let schoolId: string;
  const docs = async (code: string) => (await queryRows<{ documents: string[] }>(t.db, sql`select documents from subsidy_schemes where code = ${code} order by version desc limit 1`))[0]!.documents;
  const claims = (personId: string, code: string) => queryRows<{ id: string; scheme_version: number; state: string; max_amount_yuan: number; employer_id: string | null }>(t.db, sql`select id, scheme_version, state, max_amount_yuan, employer_id from subsidy_claims where person_id = ${personId} and scheme_code = ${code}`);
  /** A hire through the real path: a referral the caseworker moves to HIRED. */
  const hire = (personId: string, employerId: string) => hireThroughReferral(t, admin, personId, employerId);

  beforeAll(async () => {
    ({ t, admin, fuzhou, xiamen, schoolId } = await startSubsidyApp());
  });
  afterAll(() => t.close());

  it("an application is decided by the version in force: a narrower rule published since (its re-decision not run yet) refuses a person it no longer admits", async () => {
    const p = await makePerson(t, { disabled: true, institutionId: schoolId, ...THIS_YEAR_GRADUATE });
    expect((await claims(p.id, "JOB_SEARCH_GRADUATE"))[0]).toMatchObject({ scheme_version: 1, state: "ELIGIBLE" });
    const rule = `{"and":[{"==":[{"var":"isGraduate"},true]},{"==":[{"var":"graduationYear"},{"var":"year"}]},{"or":[{"==":[{"var":"household.registeredPoverty"},true]},{"==":[{"var":"household.minimumLiving"},true]}]}]}`;
    const pub = await t.gql(PUBLISH, { i: { code: "JOB_SEARCH_GRADUATE", name: "一次性求职创业补贴", subject: "PERSON", ruleJson: rule, amountKind: "FIXED", amountYuan: 2000, documents: await docs("JOB_SEARCH_GRADUATE"), issuingLevel: "PROVINCE", validFrom: serviceToday() } }, { token: admin });
    expect(pub.errors).toBeUndefined();
    const r = await t.gql(APPLY, { i: { schemeCode: "JOB_SEARCH_GRADUATE", personId: p.id, documents: await docs("JOB_SEARCH_GRADUATE") } }, { token: fuzhou });
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
    expect(r.errors![0]!.extensions).toMatchObject({ reason: "NOT_ELIGIBLE", schemeVersion: 2 });
    // Refused, so nothing written: the old decision stays until the re-decision the publication asked for reaches the person.
    expect((await claims(p.id, "JOB_SEARCH_GRADUATE"))[0]).toMatchObject({ scheme_version: 1, state: "ELIGIBLE" });
  });

  it("an application takes the cap in force: a lowered cap published since bounds the approval", async () => {
    const p = await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", institutionId: schoolId });
    expect((await claims(p.id, "STARTUP_ONE_TIME"))[0]).toMatchObject({ scheme_version: 1, max_amount_yuan: 10000 });
    const rule = `{"and":[{"==":[{"var":"employmentStatus"},"SELF_EMPLOYED"]},{"==":[{"var":"household.registeredPoverty"},true]}]}`;
    const pub = await t.gql(PUBLISH, { i: { code: "STARTUP_ONE_TIME", name: "一次性创业扶持补贴", subject: "PERSON", ruleJson: rule, amountKind: "CAPPED", amountYuan: 5000, documents: await docs("STARTUP_ONE_TIME"), issuingLevel: "COUNTY", validFrom: serviceToday() } }, { token: admin });
    expect(pub.errors).toBeUndefined();
    const applied = await t.gql<{ applyForSubsidy: { id: string; schemeVersion: number; maxAmountYuan: number } }>(APPLY, { i: { schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: await docs("STARTUP_ONE_TIME") } }, { token: fuzhou });
    expect(applied.errors).toBeUndefined();
    expect(applied.data!.applyForSubsidy).toMatchObject({ schemeVersion: 2, maxAmountYuan: 5000 });
    const above = await t.gql(APPROVE, { c: applied.data!.applyForSubsidy.id, a: 9000 }, { token: fuzhou });
    expect(codeOf(above)).toBe("BAD_USER_INPUT");
    expect((await claims(p.id, "STARTUP_ONE_TIME"))[0]!.state).toBe("APPLIED");
    const within = await t.gql(APPROVE, { c: applied.data!.applyForSubsidy.id, a: 5000 }, { token: fuzhou });
    expect(within.errors).toBeUndefined();
  });

  it("an employer's claim is handled by officials of the employer's county only, at every step (the hired person's caseworker elsewhere gets NOT_FOUND)", async () => {
    const employer = await makeEmployer(t.db, { regionCode: "350203", isPovertyWorkshop: false });
    const p = await makePerson(t, { registeredPoverty: true, institutionId: null });
    await hire(p.id, employer.id);
    const d = await docs("HIRING_POVERTY_LABOURER");
    // The Xiamen official finds the claim in their list with the person's id (to apply with), not the person (outside their scope); the employer sees neither before consent.
    const LIST = `{ subsidyClaims(filter: { schemeCode: "HIRING_POVERTY_LABOURER", state: ELIGIBLE }, first: 100) { edges { node { employerId personId person { id } } } } }`;
    const found = (await t.gql<{ subsidyClaims: { edges: { node: { employerId: string; personId: string | null; person: unknown } }[] } }>(LIST, {}, { token: xiamen })).data!.subsidyClaims.edges.map((e) => e.node).find((n) => n.employerId === employer.id);
    expect(found).toEqual({ employerId: employer.id, personId: p.id, person: null });
    const own = await t.token({ sub: "emp-handled", role: Role.EMPLOYER, employerId: employer.id });
    const OWN = `query($id: ID!) { employer(id: $id) { subsidies { claims { personId } unnamed { claims } } } }`;
    expect((await t.gql<{ employer: { subsidies: { claims: unknown[] } } }>(OWN, { id: employer.id }, { token: own })).data!.employer.subsidies.claims).toEqual([]);
    const byFuzhou = await t.gql(APPLY, { i: { schemeCode: "HIRING_POVERTY_LABOURER", personId: p.id, employerId: employer.id, documents: d } }, { token: fuzhou });
    expect(codeOf(byFuzhou)).toBe("NOT_FOUND");
    const byXiamen = await t.gql<{ applyForSubsidy: { id: string } }>(APPLY, { i: { schemeCode: "HIRING_POVERTY_LABOURER", personId: p.id, employerId: employer.id, documents: d } }, { token: xiamen });
    expect(byXiamen.errors).toBeUndefined();
    const approveByFuzhou = await t.gql(APPROVE, { c: byXiamen.data!.applyForSubsidy.id, a: 1000 }, { token: fuzhou });
    expect(codeOf(approveByFuzhou)).toBe("NOT_FOUND");
    const listed = await t.gql<{ subsidyClaims: { edges: { node: { id: string } }[] } }>(`{ subsidyClaims(first: 100) { edges { node { id } } } }`, {}, { token: fuzhou });
    expect(listed.data!.subsidyClaims.edges.map((e) => e.node.id)).not.toContain(byXiamen.data!.applyForSubsidy.id);
    const approveByXiamen = await t.gql(APPROVE, { c: byXiamen.data!.applyForSubsidy.id, a: 1000 }, { token: xiamen });
    expect(approveByXiamen.errors).toBeUndefined();
  });

  it("a fallback placement waits for the day the policy opens the fallback, and writes nothing before it", async () => {
    await queryRows(t.db, sql`update campaigns set ends_on = ${serviceToday(days(60))}::date where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES' returning id`);
    const c = await t.gql<{ fallbackCandidates: { open: boolean; opensOn: string } }>(`{ fallbackCandidates { open opensOn } }`, {}, { token: fuzhou });
    expect(c.data!.fallbackCandidates.open).toBe(false);
    const p = await makePerson(t, { registeredPoverty: true, institutionId: schoolId });
    const post = await makePosting(t.db, { kind: "PUBLIC_WELFARE", minEducation: "NONE", skills: [], majors: [] });
    const r = await t.gql(`mutation($p: ID!, $j: ID!) { placeInFallbackPost(personId: $p, postingId: $j) { id } }`, { p: p.id, j: post.id }, { token: fuzhou });
    expect(codeOf(r)).toBe("CONFLICT");
    expect(r.errors![0]!.extensions).toMatchObject({ opensOn: c.data!.fallbackCandidates.opensOn });
    expect(await queryRows(t.db, sql`select id from fallback_placements where person_id = ${p.id}`)).toEqual([]);
  });

  it("a database that held hires before subsidies: the migration records them (referrals and fair outcomes) and queues one re-decision", async () => {
    const employer = await makeEmployer(t.db, { regionCode: "350203" });
    const p = await makePerson(t, { registeredPoverty: true, institutionId: null });
    await hire(p.id, employer.id);
    // As before issue 26: the hire is in the referrals, not in subsidy_hires, and nothing is queued.
    await queryRows(t.db, sql`delete from subsidy_claims where person_id = ${p.id} and employer_id is not null returning id`);
    await queryRows(t.db, sql`delete from subsidy_hires where person_id = ${p.id} returning person_id`);
    await queryRows(t.db, sql`update category_reevaluations set status = 'SUPERSEDED', finished_at = now() where status in ('PENDING', 'RUNNING') returning id`);
    const migration = readFileSync(fileURLToPath(new URL("../../migrations/0043_subsidy_backfill.sql", import.meta.url)), "utf8");
    for (const statement of migration.split("--> statement-breakpoint")) await t.db.execute(sql.raw(statement));
    expect(await queryRows(t.db, sql`select employer_id as "employerId", recorded_by as "recordedBy", hired_on::text as "hiredOn" from subsidy_hires where person_id = ${p.id}`)).toEqual([
      { employerId: employer.id, recordedBy: "migration:0043", hiredOn: serviceToday() },
    ]);
    const queued = await queryRows<{ reason: string }>(t.db, sql`select reason from category_reevaluations where status = 'PENDING' and requested_by = 'migration:0043'`);
    expect(queued).toEqual([{ reason: "SUBSIDY_PUBLISHED" }]);
    // Run again (a second replica's start): nothing more.
    for (const statement of migration.split("--> statement-breakpoint")) await t.db.execute(sql.raw(statement));
    expect(await queryRows(t.db, sql`select 1 from category_reevaluations where status = 'PENDING'`)).toHaveLength(1);
    expect(await queryRows(t.db, sql`select 1 from subsidy_hires where person_id = ${p.id}`)).toHaveLength(1);
    await queryRows(t.db, sql`update category_reevaluations set status = 'SUPERSEDED', finished_at = now() where status = 'PENDING' returning id`);
  });

  it("the calendar queues one re-decision when the day turns what eligibility reads: a version coming into force, a new year — and none while nothing turned", async () => {
    const open = () => queryRows<{ requestedBy: string }>(t.db, sql`select requested_by as "requestedBy" from category_reevaluations where status in ('PENDING', 'RUNNING')`);
    const settle = () => queryRows(t.db, sql`update category_reevaluations set status = 'SUPERSEDED', finished_at = now() where status in ('PENDING', 'RUNNING') returning id`);
    await settle();
    const today = new Date();
    await redecideWhenCalendarTurns(t.db, today);
    expect(await redecideWhenCalendarTurns(t.db, today)).toBe(false);
    expect(await open()).toEqual([]);
    // A version published today to start in ten days: its publication queues a re-decision (for today's schemes) …
    const rule = `{"==":[{"var":"household.registeredPoverty"},true]}`;
    const later = serviceToday(days(10));
    const pub = await t.gql(PUBLISH, { i: { code: "SKILL_ASSESSMENT", name: "职业技能鉴定补贴", subject: "PERSON", ruleJson: rule, amountKind: "CAPPED", amountYuan: 800, documents: await docs("SKILL_ASSESSMENT"), issuingLevel: "COUNTY", validFrom: later } }, { token: admin });
    expect(pub.errors).toBeUndefined();
    expect(await open()).toHaveLength(1);
    await settle();
    // … and nothing more until the day it comes into force.
    expect(await redecideWhenCalendarTurns(t.db, today)).toBe(false);
    const thatDay = new Date(`${later}T12:00:00+08:00`);
    expect(await redecideWhenCalendarTurns(t.db, thatDay)).toBe(true);
    expect(await open()).toEqual([{ requestedBy: "system:subsidy-calendar" }]);
    expect(await redecideWhenCalendarTurns(t.db, thatDay)).toBe(false);
    await settle();
    // A new year (the graduation-year subsidy reads it).
    const nextYear = new Date(`${YEAR + 1}-01-02T12:00:00+08:00`);
    expect(await redecideWhenCalendarTurns(t.db, nextYear)).toBe(true);
    expect(await open()).toEqual([{ requestedBy: "system:subsidy-calendar" }]);
    await settle();
  });

  it("a new version cannot change who receives a scheme; a step taken already is a CONFLICT; the person sees the steps but not the officials who took them", async () => {
    const versions = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from subsidy_schemes where code = 'VOCATIONAL_TRAINING'`))[0]!.n;
    const before = await versions();
    const employerRule = `{"==":[{"var":"employer.povertyWorkshop"},true]}`;
    const turned = await t.gql(PUBLISH, { i: { code: "VOCATIONAL_TRAINING", name: "职业培训补贴", subject: "EMPLOYER", ruleJson: employerRule, amountKind: "CAPPED", amountYuan: 1000, documents: await docs("VOCATIONAL_TRAINING"), issuingLevel: "COUNTY", validFrom: serviceToday() } }, { token: admin });
    expect(codeOf(turned)).toBe("BAD_USER_INPUT");
    expect(turned.errors![0]!.extensions).toMatchObject({ subject: "PERSON" });
    expect(await versions()).toBe(before);

    const p = await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", institutionId: schoolId });
    const applied = await t.gql<{ applyForSubsidy: { id: string } }>(APPLY, { i: { schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: await docs("STARTUP_ONE_TIME") } }, { token: fuzhou });
    expect(applied.errors).toBeUndefined();
    const id = applied.data!.applyForSubsidy.id;
    expect((await t.gql(APPROVE, { c: id, a: 1000 }, { token: fuzhou })).errors).toBeUndefined();
    const again = await t.gql(APPROVE, { c: id, a: 2000 }, { token: admin });
    expect(codeOf(again)).toBe("CONFLICT");
    expect((await claims(p.id, "STARTUP_ONE_TIME"))[0]!.state).toBe("APPROVED");

    const seeker = await t.token({ sub: "s-steps", role: Role.SEEKER, personId: p.id });
    const STEPS = `query($p: ID!) { person(id: $p) { subsidies { schemeCode state appliedBy reviewedBy } } }`;
    type Steps = { person: { subsidies: { schemeCode: string; state: string; appliedBy: string | null; reviewedBy: string | null }[] } };
    const own = (await t.gql<Steps>(STEPS, { p: p.id }, { token: seeker })).data!.person.subsidies.find((c) => c.schemeCode === "STARTUP_ONE_TIME")!;
    expect(own).toMatchObject({ state: "APPROVED", appliedBy: null, reviewedBy: null });
    const official = (await t.gql<Steps>(STEPS, { p: p.id }, { token: fuzhou })).data!.person.subsidies.find((c) => c.schemeCode === "STARTUP_ONE_TIME")!;
    expect(official).toMatchObject({ appliedBy: "caseworker:cw-fz", reviewedBy: "caseworker:cw-fz" });
  });
  it("an employer sees counts of unnamed claims only from the disclosure policy's minimum; the minimum is policy data (administrators, 1–1000, nothing written when refused)", async () => {
    const employer = await makeEmployer(t.db, { regionCode: "350102", isPovertyWorkshop: false });
    const own = await t.token({ sub: "emp-disclose", role: Role.EMPLOYER, employerId: employer.id });
    for (let i = 0; i < 2; i++) await hire((await makePerson(t, { registeredPoverty: true, institutionId: null })).id, employer.id);
    const READ = `query($id: ID!) { employer(id: $id) { subsidies { claims { id } unnamed { schemeCode claims } unnamedShownFrom } } }`;
    const view = async (token: string) => (await t.gql<{ employer: { subsidies: { claims: unknown[]; unnamed: { schemeCode: string; claims: number }[]; unnamedShownFrom: number } } }>(READ, { id: employer.id }, { token })).data!.employer.subsidies;
    // Two claims, below the policy's 3: none counted to the employer; officials see both.
    expect(await view(own)).toEqual({ claims: [], unnamed: [], unnamedShownFrom: 3 });
    expect(await view(fuzhou)).toMatchObject({ unnamedShownFrom: 1 });
    expect((await view(fuzhou)).claims).toHaveLength(2);

    const SET = `mutation($m: Int!, $e: LocalDate) { setSubsidyDisclosurePolicy(minCount: $m, effectiveFrom: $e) { version minCount effectiveFrom } }`;
    const versions = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from subsidy_disclosure_policies`))[0]!.n;
    const before = await versions();
    for (const m of [0, -1, 1001]) expect(codeOf(await t.gql(SET, { m }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { m: 2, e: serviceToday(days(-1)) }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { m: 2 }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(SET, { m: 2 }, { token: own }))).toBe("FORBIDDEN");
    expect(await versions()).toBe(before);
    // A version from tomorrow changes nothing today; one from today does.
    expect((await t.gql(SET, { m: 1, e: serviceToday(days(1)) }, { token: admin })).errors).toBeUndefined();
    expect((await view(own)).unnamed).toEqual([]);
    const set = await t.gql<{ setSubsidyDisclosurePolicy: { version: number; minCount: number } }>(SET, { m: 2 }, { token: admin });
    expect(set.data!.setSubsidyDisclosurePolicy).toMatchObject({ version: before + 2, minCount: 2 });
    expect(await view(own)).toEqual({ claims: [], unnamed: [{ schemeCode: "HIRING_POVERTY_LABOURER", claims: 2 }], unnamedShownFrom: 2 });
    const inForce = await t.gql<{ subsidyDisclosurePolicy: { minCount: number } }>(`{ subsidyDisclosurePolicy { minCount } }`, {}, { token: fuzhou });
    expect(inForce.data!.subsidyDisclosurePolicy.minCount).toBe(2);
    // Back to 3 for the tests that follow.
    expect((await t.gql(SET, { m: 3 }, { token: admin })).errors).toBeUndefined();
  });

  it("an employer that changes (taken over by its registration: a poverty workshop, in another county) has its hires' claims decided again at once", async () => {
    const { partner } = await issuePartnerKey(t.db, "test", { name: `补贴接管测试平台${Date.now()}` });
    const claimed = await makeEmployer(t.db, { regionCode: "350102", isPovertyWorkshop: false, verified: false, claimedByPartnerId: partner.id });
    const p = await makePerson(t, { registeredPoverty: true, institutionId: null });
    await hire(p.id, claimed.id);
    expect((await claims(p.id, "HIRING_POVERTY_LABOURER")).map((c) => c.employer_id)).toEqual([claimed.id]);
    expect(await claims(p.id, "POVERTY_WORKSHOP_AWARD")).toEqual([]);
    const REGISTER = `mutation($i: RegisterEmployerInput!) { registerEmployer(input: $i) { id isPovertyWorkshop regionCode } }`;
    const registered = await t.gql<{ registerEmployer: { id: string; isPovertyWorkshop: boolean } }>(
      REGISTER,
      { i: { name: claimed.name, creditCode: claimed.creditCode, regionCode: "350203", isPovertyWorkshop: true } },
      { token: admin },
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerEmployer).toMatchObject({ id: claimed.id, isPovertyWorkshop: true });
    // In the same request: the workshop's award is owed, and both claims lie in the employer's new county.
    const regions = await queryRows<{ scheme_code: string; region_code: string }>(t.db, sql`select scheme_code, region_code from subsidy_claims where person_id = ${p.id} order by scheme_code`);
    expect(regions.filter((r) => r.scheme_code === "HIRING_POVERTY_LABOURER" || r.scheme_code === "POVERTY_WORKSHOP_AWARD")).toEqual([
      { scheme_code: "HIRING_POVERTY_LABOURER", region_code: "350203" },
      { scheme_code: "POVERTY_WORKSHOP_AWARD", region_code: "350203" },
    ]);
  });

  it("an official of the employer's county refused for a hire learns which of the person's facts failed, not their values (the person's own officials do)", async () => {
    const employer = await makeEmployer(t.db, { regionCode: "350203", isPovertyWorkshop: false });
    const p = await makePerson(t, { registeredPoverty: false, institutionId: null });
    await hire(p.id, employer.id);
    const input = { schemeCode: "HIRING_POVERTY_LABOURER", personId: p.id, employerId: employer.id, documents: await docs("HIRING_POVERTY_LABOURER") };
    const byXiamen = await t.gql(APPLY, { i: input }, { token: xiamen });
    expect(byXiamen.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "NOT_ELIGIBLE", failingFacts: [{ fact: "person.household.registeredPoverty", value: "null" }] });
    const byAdmin = await t.gql(APPLY, { i: input }, { token: admin });
    expect(byAdmin.errors![0]!.extensions).toMatchObject({ reason: "NOT_ELIGIBLE", failingFacts: [{ fact: "person.household.registeredPoverty", value: "false" }] });
  });
});
