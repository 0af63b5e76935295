import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
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
});
