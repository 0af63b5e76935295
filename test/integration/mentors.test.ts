import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { runCli } from "../../src/cli/commands.js";
import { queryRows } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { CampaignRunner } from "../../src/modules/referrals/campaign-run.worker.js";
import { makeInstitution, makePerson, personDraft } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const CREATE = `mutation($i: CreateMentorInput!) { createMentor(input: $i) { id name phoneMasked capacity activeMentees active regionCode institutionId } }`;
const ASSIGN = `mutation($p: ID!, $m: ID, $r: String) { assignMentor(personId: $p, mentorId: $m, overrideReason: $r) { id matchedBy overrideReason mentor { id } person { id } } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateMentor(id: $id) { mentor { id active activeMentees } reassigned { matchedBy mentor { id } person { id } } unassigned { personId reason } } }`;
const PERSON = `query($id: ID!) { person(id: $id) { mentor { id } mentorships { mentor { id } matchedBy endedAt endReason endedBy } } }`;
type Created = { createMentor: { id: string; name: string; phoneMasked: string | null; capacity: number; activeMentees: number; active: boolean } };
type Assigned = { assignMentor: { id: string; matchedBy: string; overrideReason: string | null; mentor: { id: string }; person: { id: string } | null } };
type PersonView = { person: { mentor: { id: string } | null; mentorships: { mentor: { id: string }; matchedBy: string; endedAt: string | null; endReason: string | null; endedBy: string | null }[] } };

describe("红娘 mentors", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let schoolId: string;
  let nanpingSchoolId: string;
  const counts = async () =>
    (await queryRows<{ mentors: number; mentorships: number; load: number }>(
      t.db,
      sql`select (select count(*) from mentors)::int as mentors, (select count(*) from mentorships)::int as mentorships, (select coalesce(sum(active_mentees), 0) from mentors)::int as load`,
    ))[0]!;
  /** A 2020 graduate of a registered-poverty household, out of work: KG2, which the policy marks mentor-eligible. */
  const eligible = async (overrides: Parameters<typeof makePerson>[1] = {}) => (await makePerson(t, { registeredPoverty: true, institutionId: schoolId, ...overrides })).id;
  const mentor = async (input: Record<string, unknown>, token = admin) => {
    const r = await t.gql<Created>(CREATE, { i: { name: "林老师", capacity: 5, ...input } }, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.createMentor;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    fuzhou = await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" });
    xiamen = await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" });
    schoolId = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    nanpingSchoolId = (await makeInstitution(t.db, { regionCode: "350702" })).id;
  });
  afterAll(() => t.close());

  it("registers mentors with a masked phone; refuses bad capacities, places and scopes, writing nothing", async () => {
    const m = await mentor({ regionCode: "350102", phone: "13905911234" });
    expect(m).toMatchObject({ capacity: 5, activeMentees: 0, active: true, phoneMasked: "139****1234" });
    const before = await counts();
    const refuse = async (input: Record<string, unknown>, code: string, token = admin) => {
      const r = await t.gql(CREATE, { i: { name: "王老师", capacity: 3, regionCode: "350102", ...input } }, { token });
      expect(codeOf(r), JSON.stringify(input)).toBe(code);
    };
    await refuse({ capacity: 0 }, "BAD_USER_INPUT");
    await refuse({ capacity: -2 }, "BAD_USER_INPUT");
    await refuse({ capacity: 101 }, "BAD_USER_INPUT");
    await refuse({ regionCode: null }, "BAD_USER_INPUT"); // placed nowhere
    await refuse({ regionCode: "359999" }, "BAD_USER_INPUT"); // no such region
    await refuse({ phone: "12345" }, "BAD_USER_INPUT");
    await refuse({ name: "  " }, "BAD_USER_INPUT");
    await refuse({ regionCode: "350203" }, "FORBIDDEN", fuzhou); // a Xiamen mentor by a Fuzhou caseworker
    await refuse({}, "FORBIDDEN", await t.token({ sub: "m", role: Role.MENTOR }));
    await mentor({ regionCode: "350102", userId: "mentor-login-1" });
    await refuse({ userId: "mentor-login-1" }, "CONFLICT");
    expect((await counts()).mentors).toBe(before.mentors + 1);
  });

  it("40 concurrent assignments to a mentor of capacity 5 make exactly 5 pairings", async () => {
    const m = await mentor({ regionCode: "350121", capacity: 5 });
    const people = await Promise.all(Array.from({ length: 40 }, () => eligible()));
    const results = await Promise.all(people.map((p) => t.gql<Assigned>(ASSIGN, { p, m: m.id }, { token: admin })));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(5);
    expect(results.filter((r) => codeOf(r) === "CONFLICT")).toHaveLength(35);
    const [row] = await queryRows<{ load: number; pairings: number }>(
      t.db,
      sql`select m.active_mentees::int as load, (select count(*) from mentorships s where s.mentor_id = m.id and s.ended_at is null)::int as pairings from mentors m where m.id = ${m.id}`,
    );
    expect(row).toEqual({ load: 5, pairings: 5 });
  });

  it("chooses automatically: same institution, then county, then prefecture, lowest load first; nobody within reach is a CONFLICT", async () => {
    const otherSchool = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    const atSchool = await mentor({ institutionId: otherSchool, capacity: 2 });
    const inCounty = await mentor({ regionCode: "350181", capacity: 1 });
    const inCity = await mentor({ regionCode: "350100", capacity: 4 });
    const person = (o: Parameters<typeof makePerson>[1] = {}) => eligible({ institutionId: otherSchool, householdRegionCode: "350181", originRegionCode: "350181", ...o });
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await t.gql<Assigned>(ASSIGN, { p: await person() }, { token: admin });
      expect(r.errors).toBeUndefined();
      order.push(`${r.data!.assignMentor.matchedBy}:${r.data!.assignMentor.mentor.id}`);
    }
    // The Minhou county has other mentors too (earlier tests placed some in Fuzhou): count only these three.
    expect(order.slice(0, 3)).toEqual([`INSTITUTION:${atSchool.id}`, `INSTITUTION:${atSchool.id}`, `COUNTY:${inCounty.id}`]);
    expect(order.slice(3).every((o) => o.startsWith("PREFECTURE:"))).toBe(true);
    // Far away (Nanping, another school): nobody within reach.
    const before = await counts();
    const far = await eligible({ institutionId: nanpingSchoolId, householdRegionCode: "350702", originRegionCode: "350702" });
    const r = await t.gql(ASSIGN, { p: far }, { token: admin });
    expect(codeOf(r)).toBe("CONFLICT");
    expect(await counts()).toEqual(before);
    void inCity;
  });

  it("refuses bad assignments with a code and writes nothing", async () => {
    const full = await mentor({ regionCode: "350102", capacity: 1 });
    await t.gql(ASSIGN, { p: await eligible(), m: full.id }, { token: admin });
    const inactive = await mentor({ regionCode: "350102", capacity: 3 });
    await t.gql(DEACTIVATE, { id: inactive.id }, { token: admin });
    const xm = await mentor({ regionCode: "350203", capacity: 3 });
    const fz = await mentor({ regionCode: "350102", capacity: 3 });
    const person = await eligible();
    const ineligible = await eligible({ registeredPoverty: false });
    const before = await counts();
    const refuse = async (vars: Record<string, unknown>, code: string, token = admin) => expect(codeOf(await t.gql(ASSIGN, vars, { token })), JSON.stringify(vars)).toBe(code);
    await refuse({ p: person, m: full.id }, "CONFLICT"); // full
    await refuse({ p: person, m: inactive.id }, "CONFLICT"); // inactive
    await refuse({ p: person, m: xm.id }, "NOT_FOUND", fuzhou); // a mentor outside the caseworker's region (no existence oracle)
    await refuse({ p: person, m: fz.id }, "NOT_FOUND", xiamen); // the person is outside the Xiamen caseworker's scope
    await refuse({ p: ineligible, m: fz.id }, "BAD_USER_INPUT"); // not eligible under the policy
    await refuse({ p: ineligible, m: fz.id, r: "特殊困难，经科室同意" }, "FORBIDDEN", fuzhou); // only an admin overrides
    await refuse({ p: "not-an-id", m: fz.id }, "BAD_USER_INPUT");
    await refuse({ p: person, m: "00000000-0000-7000-8000-000000000000" }, "NOT_FOUND");
    expect(await counts()).toEqual(before);
    // An admin may override eligibility with a reason, recorded.
    const r = await t.gql<Assigned>(ASSIGN, { p: ineligible, m: fz.id, r: "特殊困难，经科室同意" }, { token: admin });
    expect(r.data?.assignMentor).toMatchObject({ matchedBy: "CHOSEN", overrideReason: "特殊困难，经科室同意" });
    // Assigning the same mentor again is a CONFLICT; a new one moves the person (history kept).
    expect(codeOf(await t.gql(ASSIGN, { p: person, m: fz.id }, { token: admin }))).toBeUndefined();
    expect(codeOf(await t.gql(ASSIGN, { p: person, m: fz.id }, { token: admin }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(ASSIGN, { p: person }, { token: admin }))).toBe("CONFLICT"); // already has one
    const other = await mentor({ regionCode: "350102", capacity: 3 });
    expect(codeOf(await t.gql(ASSIGN, { p: person, m: other.id }, { token: fuzhou }))).toBeUndefined();
    const view = await t.gql<PersonView>(PERSON, { id: person }, { token: admin });
    expect(view.data!.person.mentor).toEqual({ id: other.id });
    expect(view.data!.person.mentorships.map((m) => [m.mentor.id, m.endReason])).toEqual([
      [fz.id, "REASSIGNED"],
      [other.id, null],
    ]);
    const [loads] = await queryRows<{ fz: number; other: number }>(t.db, sql`select (select active_mentees from mentors where id = ${fz.id})::int as fz, (select active_mentees from mentors where id = ${other.id})::int as other`);
    expect(loads).toEqual({ fz: 1, other: 1 });
  });

  it("capacity never below the mentees a mentor has; never zero", async () => {
    const m = await mentor({ regionCode: "350103", capacity: 3 });
    for (let i = 0; i < 2; i++) await t.gql(ASSIGN, { p: await eligible(), m: m.id }, { token: admin });
    const SET = `mutation($id: ID!, $c: Int!) { setMentorCapacity(id: $id, capacity: $c) { capacity activeMentees } }`;
    expect(codeOf(await t.gql(SET, { id: m.id, c: 1 }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { id: m.id, c: 0 }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { id: m.id, c: 4 }, { token: xiamen }))).toBe("NOT_FOUND");
    expect((await t.gql(SET, { id: m.id, c: 2 }, { token: fuzhou })).data).toEqual({ setMentorCapacity: { capacity: 2, activeMentees: 2 } });
  });

  it("deactivating a mentor pairs their mentees again by the rules, keeps the history, and lists those nobody can take", async () => {
    const leaving = await mentor({ regionCode: "350722", capacity: 3 });
    const staying = await mentor({ regionCode: "350723", capacity: 1 });
    const mentees: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await eligible({ institutionId: nanpingSchoolId, householdRegionCode: "350722", originRegionCode: "350722" });
      expect(codeOf(await t.gql(ASSIGN, { p, m: leaving.id }, { token: admin }))).toBeUndefined();
      mentees.push(p);
    }
    const r = await t.gql<{ deactivateMentor: { mentor: { active: boolean; activeMentees: number }; reassigned: { matchedBy: string; mentor: { id: string }; person: { id: string } }[]; unassigned: { personId: string; reason: string }[] } }>(
      DEACTIVATE,
      { id: leaving.id },
      { token: admin },
    );
    expect(r.errors).toBeUndefined();
    const out = r.data!.deactivateMentor;
    expect(out.mentor).toEqual({ id: leaving.id, active: false, activeMentees: 0 });
    expect(out.reassigned).toHaveLength(1);
    expect(out.reassigned[0]).toMatchObject({ matchedBy: "PREFECTURE", mentor: { id: staying.id } });
    expect(out.unassigned).toHaveLength(2);
    expect(out.unassigned.every((u) => u.reason.length > 0 && mentees.includes(u.personId))).toBe(true);
    const view = await t.gql<PersonView>(PERSON, { id: out.unassigned[0]!.personId }, { token: admin });
    expect(view.data!.person.mentor).toBeNull();
    expect(view.data!.person.mentorships).toMatchObject([{ mentor: { id: leaving.id }, endReason: "MENTOR_DEACTIVATED", endedBy: "admin:admin" }]);
    expect(codeOf(await t.gql(DEACTIVATE, { id: leaving.id }, { token: admin }))).toBe("CONFLICT");
  });

  it("employment ends the mentorship with that reason and frees the place", async () => {
    const m = await mentor({ regionCode: "350104", capacity: 2 });
    const p = await eligible();
    await t.gql(ASSIGN, { p, m: m.id }, { token: admin });
    const r = await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED) { id } }`, { id: p }, { token: admin });
    expect(r.errors).toBeUndefined();
    const view = await t.gql<PersonView>(PERSON, { id: p }, { token: admin });
    expect(view.data!.person.mentor).toBeNull();
    expect(view.data!.person.mentorships[0]).toMatchObject({ endReason: "EMPLOYED" });
    const [row] = await queryRows<{ load: number }>(t.db, sql`select active_mentees::int as load from mentors where id = ${m.id}`);
    expect(row!.load).toBe(0);
  });

  it("a mentor sees their own record and mentees; caseworkers those in their scope", async () => {
    const m = await mentor({ regionCode: "350105", capacity: 2, userId: "mentor-login-2" });
    const p = await eligible();
    await t.gql(ASSIGN, { p, m: m.id }, { token: admin });
    const Q = `query($id: ID!) { mentor(id: $id) { id mentees { id } } }`;
    const self = await t.gql<{ mentor: { id: string; mentees: { id: string }[] } | null }>(Q, { id: m.id }, { token: await t.token({ sub: "mentor-login-2", role: Role.MENTOR }) });
    expect(self.data!.mentor).toEqual({ id: m.id, mentees: [{ id: p }] });
    const stranger = await t.gql<{ mentor: unknown }>(Q, { id: m.id }, { token: await t.token({ sub: "mentor-login-9", role: Role.MENTOR }) });
    expect(stranger.data!.mentor).toBeNull();
    expect((await t.gql<{ mentor: unknown }>(Q, { id: m.id }, { token: xiamen })).data!.mentor).toBeNull();
    const list = await t.gql<{ mentors: { edges: { node: { id: string } }[]; totalCount: number } }>(
      `{ mentors(filter: { regionCode: "350105" }, first: 10) { edges { node { id } } totalCount } }`,
      {},
      { token: fuzhou },
    );
    expect(list.data!.mentors.edges.map((e) => e.node.id)).toEqual([m.id]);
    expect(list.data!.mentors.totalCount).toBe(1);
  });

  it("mentors log follow-ups on their own mentees only; overdue follows the policy's days; coverage matches the database", async () => {
    const school = (await makeInstitution(t.db, { regionCode: "350503" })).id;
    const quanzhou = { institutionId: school, householdRegionCode: "350503", originRegionCode: "350503" };
    const m = await mentor({ regionCode: "350503", capacity: 10, userId: "mentor-qz" });
    const mentorToken = await t.token({ sub: "mentor-qz", role: Role.MENTOR });
    // Another mentor, of this test's own (in Sanming, where no one here is paired automatically).
    await mentor({ regionCode: "350404", capacity: 1, userId: "mentor-sm" });
    const otherMentor = await t.token({ sub: "mentor-sm", role: Role.MENTOR });
    const paired: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await eligible(quanzhou);
      expect(codeOf(await t.gql(ASSIGN, { p, m: m.id }, { token: admin }))).toBeUndefined();
      paired.push(p);
    }
    const waiting = [await eligible(quanzhou), await eligible(quanzhou)];
    const override = await eligible({ ...quanzhou, registeredPoverty: false });
    expect(codeOf(await t.gql(ASSIGN, { p: override, m: m.id, r: "残疾，经审批" }, { token: admin }))).toBeUndefined();
    // Two pairings began 20 days ago; one of them had a contact 3 days ago.
    await t.db.execute(sql`update mentorships set started_at = now() - interval '20 days' where person_id = any(${sql.param(paired.slice(0, 2))}::uuid[])`);
    const LOG = `mutation($p: ID!, $c: FollowUpChannel!, $o: FollowUpOutcome!, $n: String, $at: DateTimeISO) { logFollowUp(personId: $p, channel: $c, outcome: $o, note: $n, at: $at) { id channel outcome at } }`;
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const logged = await t.gql(LOG, { p: paired[0], c: "PHONE", o: "REACHED", n: "已推荐3个岗位", at: threeDaysAgo }, { token: mentorToken });
    expect(logged.errors, JSON.stringify(logged.errors)).toBeUndefined();
    const followUps = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from mentor_follow_ups`))[0]!.n;
    const before = await followUps();
    const refuse = async (vars: Record<string, unknown>, code: string, token = mentorToken) => expect(codeOf(await t.gql(LOG, { c: "WECHAT", o: "REACHED", ...vars }, { token })), JSON.stringify(vars)).toBe(code);
    await refuse({ p: paired[1] }, "NOT_FOUND", otherMentor); // not their mentee
    await refuse({ p: paired[1] }, "FORBIDDEN", admin); // by the person's mentor only
    await refuse({ p: waiting[0] }, "NOT_FOUND"); // nobody's mentee
    await refuse({ p: paired[1], at: new Date(Date.now() + 86_400_000).toISOString() }, "BAD_USER_INPUT"); // in the future
    await refuse({ p: paired[2], at: new Date(Date.now() - 30 * 86_400_000).toISOString() }, "BAD_USER_INPUT"); // before the pairing began
    await refuse({ p: paired[1], n: "bad\u0000note" }, "BAD_USER_INPUT");
    await refuse({ p: paired[1], c: "FAX" }, "BAD_USER_INPUT");
    expect(await followUps()).toBe(before);

    const OVERDUE = `query($id: ID!) { person(id: $id) { mentorships { overdue lastContactAt followUps { channel outcome } } } }`;
    const overdue = async (p: string) => (await t.gql<{ person: { mentorships: { overdue: boolean }[] } }>(OVERDUE, { id: p }, { token: admin })).data!.person.mentorships.at(-1)!.overdue;
    expect(await Promise.all(paired.map(overdue))).toEqual([false, true, false]);
    const COVERAGE = `query($f: MentorCoverageFilter) { mentorCoverage(filter: $f) { eligible assigned unassigned overdue pairedOutsidePolicy followUpDays } }`;
    const coverage = async (token = admin) => (await t.gql<{ mentorCoverage: Record<string, number> }>(COVERAGE, { f: { institutionId: school } }, { token })).data?.mentorCoverage;
    // Counted in the database: 5 eligible (3 paired, 2 waiting), 1 paired by override, 1 overdue at 14 days.
    const [db] = await queryRows<{ eligible: number; assigned: number; overdue: number }>(
      t.db,
      sql`select (select count(distinct pc.person_id) from person_categories pc join target_categories c on c.id = pc.category_id join people p on p.id = pc.person_id where c.mentor_eligible and p.institution_id = ${school})::int as eligible,
                 (select count(*) from mentorships s join people p on p.id = s.person_id where s.ended_at is null and p.institution_id = ${school} and p.registered_poverty)::int as assigned,
                 (select count(*) from mentorships s join people p on p.id = s.person_id where s.ended_at is null and p.institution_id = ${school}
                    and coalesce((select max(f.at) from mentor_follow_ups f where f.mentorship_id = s.id), s.started_at) < now() - interval '14 days')::int as overdue`,
    );
    expect(db).toEqual({ eligible: 5, assigned: 3, overdue: 1 });
    expect(await coverage()).toEqual({ eligible: 5, assigned: 3, unassigned: 2, overdue: 1, pairedOutsidePolicy: 1, followUpDays: 14 });
    expect(await coverage(xiamen)).toEqual({ eligible: 0, assigned: 0, unassigned: 0, overdue: 0, pairedOutsidePolicy: 0, followUpDays: 14 });
    // campaignProgress carries the same figures per institution (the override's person is mentored, not eligible).
    const PROGRESS = `{ campaignProgress(groupBy: INSTITUTION) { rows { key mentorEligible mentored mentorOverdue } total { mentored } } }`;
    const progress = await t.gql<{ campaignProgress: { rows: { key: string; mentorEligible: number; mentored: number; mentorOverdue: number }[]; total: { mentored: number } } }>(PROGRESS, {}, { token: admin });
    expect(progress.data!.campaignProgress.rows.find((r) => r.key === school)).toEqual({ key: school, mentorEligible: 5, mentored: 4, mentorOverdue: 1 });
    const [all] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from mentorships where ended_at is null`);
    expect(progress.data!.campaignProgress.total.mentored).toBe(all!.n);
    // The policy is data: at 30 days nobody is overdue yet; bad values are refused and change nothing.
    const POLICY = `mutation($d: Int!) { setMentoringPolicy(followUpDays: $d) { version followUpDays } }`;
    expect(codeOf(await t.gql(POLICY, { d: 0 }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(POLICY, { d: 30 }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect((await t.gql(POLICY, { d: 30 }, { token: admin })).data).toEqual({ setMentoringPolicy: { version: 2, followUpDays: 30 } });
    expect(await overdue(paired[1]!)).toBe(false);
    expect(await coverage()).toMatchObject({ overdue: 0, followUpDays: 30 });
    await t.gql(POLICY, { d: 14 }, { token: admin });
  });

  it("assignMentorsAutomatically pairs a scope in the background: capacities held with two runs and a crash, those left over listed with the reason", async () => {
    const school = (await makeInstitution(t.db, { regionCode: "350602" })).id;
    const zhangzhou = { institutionId: school, householdRegionCode: "350602", originRegionCode: "350602" };
    const people: string[] = [];
    for (let i = 0; i < 9; i++) people.push(await eligible(zhangzhou));
    await eligible({ ...zhangzhou, registeredPoverty: false }); // not eligible: not an item
    const atSchool = await mentor({ institutionId: school, capacity: 3 });
    const inCity = await mentor({ regionCode: "350600", capacity: 3 });
    const START = `mutation($s: FulfilScopeInput!) { assignMentorsAutomatically(scope: $s) { id kind status total } }`;
    const RUN = `query($id: ID!) { campaignRun(id: $id) { kind status total processed created stillBelow reasons { reason count } stillBelowPeople { personId reason } } }`;
    // Bad scopes: a code, nothing written.
    const runs = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaign_runs`))[0]!.n;
    const before = await runs();
    for (const [scope, code] of [[{}, "BAD_USER_INPUT"], [{ regionCode: "3599" }, "BAD_USER_INPUT"], [{ regionCode: "3506", institutionId: school }, "BAD_USER_INPUT"], [{ personId: people[0] }, "NOT_FOUND"]] as const) {
      expect(codeOf(await t.gql(START, { s: scope }, { token: "personId" in scope ? xiamen : admin })), JSON.stringify(scope)).toBe(code);
    }
    expect(await runs()).toBe(before);

    const a = await t.gql<{ assignMentorsAutomatically: { id: string; kind: string; status: string; total: number } }>(START, { s: { regionCode: "3506" } }, { token: admin });
    expect(a.data!.assignMentorsAutomatically).toMatchObject({ kind: "MENTORS", status: "QUEUED", total: 9 });
    const b = await t.gql<{ assignMentorsAutomatically: { id: string; total: number } }>(START, { s: { institutionId: school } }, { token: admin });
    expect(b.data!.assignMentorsAutomatically.total).toBe(9);
    const log = createLogger("silent");
    // A crash mid-batch leaves nothing; two runners at once after it.
    await expect(new CampaignRunner(t.db, t.app.search.engine, log, 0, 4).drain({ beforeCommit: () => { throw new Error("the process died"); } })).rejects.toThrow("the process died");
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from mentorships m join people p on p.id = m.person_id where p.institution_id = ${school}`))[0]!.n).toBe(0);
    await Promise.all([new CampaignRunner(t.db, t.app.search.engine, log, 0, 2).drain(), new CampaignRunner(t.db, t.app.search.engine, log, 0, 2).drain()]);
    const view = async (id: string) => (await t.gql<{ campaignRun: { kind: string; status: string; total: number; processed: number; created: number; stillBelow: number; reasons: { reason: string; count: number }[]; stillBelowPeople: { personId: string; reason: string }[] } }>(RUN, { id }, { token: admin })).data!.campaignRun;
    const [first, second] = [await view(a.data!.assignMentorsAutomatically.id), await view(b.data!.assignMentorsAutomatically.id)];
    expect(first).toMatchObject({ kind: "MENTORS", status: "DONE", processed: 9 });
    expect(second).toMatchObject({ status: "DONE", processed: 9 });
    // Six places within reach: six pairings in all, three left with the reason in each run's report.
    expect(first.created + second.created).toBe(6);
    expect(first.stillBelow).toBe(3);
    expect(first.reasons.map((r) => [r.reason.includes("红娘"), r.count])).toEqual([[true, 3]]);
    expect(first.stillBelowPeople.every((p) => people.includes(p.personId) && p.reason.length > 0)).toBe(true);
    const [loads] = await queryRows<{ school: number; city: number; pairings: number; people: number }>(
      t.db,
      sql`select (select active_mentees from mentors where id = ${atSchool.id})::int as school, (select active_mentees from mentors where id = ${inCity.id})::int as city,
                 (select count(*) from mentorships m join people p on p.id = m.person_id where p.institution_id = ${school} and m.ended_at is null)::int as pairings,
                 (select count(distinct m.person_id) from mentorships m join people p on p.id = m.person_id where p.institution_id = ${school} and m.ended_at is null)::int as people`,
    );
    expect(loads).toEqual({ school: 3, city: 3, pairings: 6, people: 6 });
    // The institution first: the school's mentor took three as INSTITUTION.
    const levels = await queryRows<{ matched_by: string; n: number }>(t.db, sql`select matched_by, count(*)::int as n from mentorships m join people p on p.id = m.person_id where p.institution_id = ${school} group by 1 order by 1`);
    expect(levels).toEqual([{ matched_by: "INSTITUTION", n: 3 }, { matched_by: "PREFECTURE", n: 3 }]);
    // A second run now pairs nobody new: only the three still waiting are its items.
    const again = await t.gql<{ assignMentorsAutomatically: { id: string; total: number } }>(START, { s: { regionCode: "3506" } }, { token: admin });
    expect(again.data!.assignMentorsAutomatically.total).toBe(3);
    await t.app.runner.drain();
    expect(await view(again.data!.assignMentorsAutomatically.id)).toMatchObject({ status: "DONE", created: 0, stillBelow: 3 });
  });

  it("the CLI works only mentor runs, and prints the outcome", async () => {
    const school = (await makeInstitution(t.db, { regionCode: "350802" })).id;
    const person = await eligible({ institutionId: school, householdRegionCode: "350802", originRegionCode: "350802" });
    const m = await mentor({ institutionId: school, capacity: 1 });
    // A referral run left pending: the mentor CLI (no search index) must not touch it.
    await t.db.execute(sql`update campaigns set ends_on = (now() at time zone 'Asia/Shanghai')::date + 30 where status = 'ACTIVE'`);
    const referralRun = await t.gql<{ fulfilReferralMinimums: { id: string; total: number } }>(`mutation { fulfilReferralMinimums(scope: { regionCode: "3508" }) { id total } }`, {}, { token: admin });
    expect(referralRun.data!.fulfilReferralMinimums.total).toBeGreaterThan(0);
    const out: string[] = [];
    const env = { NODE_ENV: "test", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent" };
    expect(await runCli(["assign-mentors", "--region", "3508"], env, { out: (s) => out.push(s), err: () => undefined }, { database: t.app.database })).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ status: "DONE", total: 1, processed: 1, created: 1, stillBelow: 0 });
    const view = await t.gql<PersonView>(PERSON, { id: person }, { token: admin });
    expect(view.data!.person.mentor).toEqual({ id: m.id });
    const [pending] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaign_run_items where run_id = ${referralRun.data!.fulfilReferralMinimums.id} and state = 'PENDING'`);
    expect(pending!.n).toBe(referralRun.data!.fulfilReferralMinimums.total);
    await t.app.runner.drain();
    await expect(runCli(["assign-mentors", "--region", "3508", "--institution", school], env, { out: () => undefined, err: () => undefined }, { database: t.app.database }).catch((e: Error) => e.message)).resolves.toMatch(/exactly one/);
  });

  it("review fixes: no province placement; an override's mentee is not re-paired automatically; a seeker sees only their own pairing; an import that records a job ends the pairing; opposite moves at once do not deadlock", async () => {
    expect(codeOf(await t.gql(CREATE, { i: { name: "省级", capacity: 3, regionCode: "350000" } }, { token: admin }))).toBe("BAD_USER_INPUT");

    const school = (await makeInstitution(t.db, { regionCode: "350902" })).id;
    const ningde = { institutionId: school, householdRegionCode: "350902", originRegionCode: "350902" };
    const leaving = await mentor({ institutionId: school, capacity: 3 });
    const other = await mentor({ institutionId: school, capacity: 3 });
    const special = await eligible({ ...ningde, registeredPoverty: false });
    expect(codeOf(await t.gql(ASSIGN, { p: special, m: leaving.id, r: "残疾，经审批" }, { token: admin }))).toBeUndefined();
    const regular = await eligible(ningde);
    expect(codeOf(await t.gql(ASSIGN, { p: regular, m: leaving.id }, { token: admin }))).toBeUndefined();
    const out = (await t.gql<{ deactivateMentor: { reassigned: { mentor: { id: string }; person: { id: string } }[]; unassigned: { personId: string; reason: string }[] } }>(DEACTIVATE, { id: leaving.id }, { token: admin })).data!.deactivateMentor;
    expect(out.reassigned.map((r) => [r.person.id, r.mentor.id])).toEqual([[regular, other.id]]);
    expect(out.unassigned).toEqual([{ personId: special, reason: expect.stringContaining("重新指定") as string }]);

    // A seeker reaches their mentor, but not the mentor's other pairings.
    const classmate = await eligible(ningde);
    expect(codeOf(await t.gql(ASSIGN, { p: classmate, m: other.id }, { token: admin }))).toBeUndefined();
    const seeker = await t.token({ sub: "s-ningde", role: Role.SEEKER, personId: regular });
    const seen = await t.gql<{ person: { mentor: { id: string; mentorships: { person: { id: string } | null; followUps: unknown[] }[]; mentees: { id: string }[] } } }>(
      `query($id: ID!) { person(id: $id) { mentor { id mentorships { person { id } followUps { note } } mentees { id } } } }`,
      { id: regular },
      { token: seeker },
    );
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.person.mentor.mentorships.map((m) => m.person?.id)).toEqual([regular]);
    expect(seen.data!.person.mentor.mentees).toEqual([{ id: regular }]);

    // The import records a job: the pairing ends as EMPLOYED and the place is free.
    const draft = personDraft({ householdRegionCode: "350902" });
    const hiredLater = await eligible({ ...draft, ...ningde });
    expect(codeOf(await t.gql(ASSIGN, { p: hiredLater, m: other.id }, { token: admin }))).toBeUndefined();
    const csv = `姓名,身份证号,户籍地代码,生源地代码,就业状态\n${draft.name},${draft.idNumber},350902,350902,已就业\n`;
    const imported = await t.gql<{ importPeople: { updated: number } }>(`mutation($input: ImportPeopleInput!) { importPeople(input: $input) { updated } }`, { input: { csv } }, { token: admin });
    expect(imported.data?.importPeople.updated).toBe(1);
    const history = await t.gql<PersonView>(PERSON, { id: hiredLater }, { token: admin });
    expect(history.data!.person.mentor).toBeNull();
    expect(history.data!.person.mentorships.at(-1)).toMatchObject({ endReason: "EMPLOYED" });
    const [load] = await queryRows<{ load: number; actual: number }>(
      t.db,
      sql`select active_mentees::int as load, (select count(*) from mentorships where mentor_id = ${other.id} and ended_at is null)::int as actual from mentors where id = ${other.id}`,
    );
    expect(load!.load).toBe(load!.actual);

    // Two people moved across two mentors in opposite directions, many times at once: no deadlock, loads exact.
    const a = await mentor({ regionCode: "350902", capacity: 10 });
    const b = await mentor({ regionCode: "350902", capacity: 10 });
    const pa = await eligible(ningde);
    const pb = await eligible(ningde);
    await t.gql(ASSIGN, { p: pa, m: a.id }, { token: admin });
    await t.gql(ASSIGN, { p: pb, m: b.id }, { token: admin });
    const moves = await Promise.all(Array.from({ length: 10 }, (_, i) => t.gql(ASSIGN, i % 2 ? { p: pa, m: i % 4 === 1 ? b.id : a.id } : { p: pb, m: i % 4 === 0 ? a.id : b.id }, { token: admin })));
    expect(moves.map((m) => codeOf(m) ?? "OK").every((c) => c === "OK" || c === "CONFLICT")).toBe(true);
    const [loads] = await queryRows<{ ok: boolean }>(
      t.db,
      sql`select bool_and(m.active_mentees = (select count(*) from mentorships s where s.mentor_id = m.id and s.ended_at is null)) as ok from mentors m`,
    );
    expect(loads!.ok).toBe(true);
  });

  it("eligibility is DOMAIN §4's, as policy data: registered-poverty graduates of the campaign's year out of work (M1), not every KG2 member", async () => {
    const fz = await mentor({ regionCode: "350102", capacity: 5 });
    const zeroEmployment = await eligible({ registeredPoverty: false, zeroEmployment: true }); // KG2, not M1
    const earlierYear = await eligible({ graduationDate: "2019-06-30", leaveSchoolDate: "2019-07-01" }); // KG2, not the campaign's cohort
    const CATS = `query($id: ID!) { person(id: $id) { targetCategories { category { code mentorEligible } } } }`;
    const cats = async (id: string) => (await t.gql<{ person: { targetCategories: { category: { code: string; mentorEligible: boolean } }[] } }>(CATS, { id }, { token: admin })).data!.person.targetCategories.map((c) => c.category);
    expect(await cats(zeroEmployment)).toContainEqual({ code: "KG2_POVERTY_UNEMPLOYED", mentorEligible: false });
    expect((await cats(zeroEmployment)).some((c) => c.mentorEligible)).toBe(false);
    expect((await cats(earlierYear)).some((c) => c.mentorEligible)).toBe(false);
    for (const p of [zeroEmployment, earlierYear]) expect(codeOf(await t.gql(ASSIGN, { p, m: fz.id }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(await cats(await eligible())).toContainEqual({ code: "M1_POVERTY_COHORT_UNEMPLOYED", mentorEligible: true });
  });
});
