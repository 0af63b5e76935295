import { serviceToday } from "../../src/dates.js";
import { randomInt } from "node:crypto";
import { sql } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../src/auth/viewer.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { newId } from "../../src/db/ids.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { insertEmployer } from "../../src/modules/employers/employer.repository.js";
import type { EmployerRow } from "../../src/modules/employers/employer.table.js";
import { insertPosting } from "../../src/modules/postings/posting.repository.js";
import type { PostingRow, postings } from "../../src/modules/postings/posting.table.js";

// Unique per process and per call, so factories never collide with each other or earlier rows.
let serial = randomInt(1_000_000, 900_000_000);
export const unique = () => ++serial;

export const FUZHOU_GULOU = "350102";
export const XIAMEN_SIMING = "350203";
export const days = (n: number) => new Date(Date.now() + n * 86_400_000);

const factoryViewer: Viewer = { kind: "user", userId: "factory", role: Role.ADMIN };

export function makeEmployer(db: Database, overrides: Partial<typeof import("../../src/modules/employers/employer.table.js").employers.$inferInsert> = {}): Promise<EmployerRow> {
  const regionCode = overrides.regionCode ?? FUZHOU_GULOU;
  const n = unique();
  return insertEmployer(db, {
    id: newId(),
    name: `测试单位${n}有限公司`,
    creditCode: syntheticCreditCode(regionCode, n),
    regionCode,
    verified: true,
    createdBy: actorOf(factoryViewer),
    ...overrides,
  });
}

/** An OPEN posting valid for 30 days, for an employer it makes unless one is given. */
export async function makePosting(db: Database, overrides: Partial<typeof postings.$inferInsert> = {}): Promise<PostingRow> {
  const employerId = overrides.employerId ?? (await makeEmployer(db, overrides.regionCode ? { regionCode: overrides.regionCode } : {})).id;
  return insertPosting(db, {
    id: newId(),
    employerId,
    title: `软件测试工程师${unique()}`,
    description: "负责软件测试",
    skills: ["测试"],
    majors: ["计算机科学与技术"],
    minEducation: "BACHELOR",
    regionCode: FUZHOU_GULOU,
    salaryMin: 6000,
    salaryMax: 9000,
    headcount: 2,
    kind: "REGULAR",
    status: "OPEN",
    validUntil: days(30),
    publishedAt: new Date(),
    source: "EMPLOYER",
    createdBy: actorOf(factoryViewer),
    ...overrides,
  });
}

/** Row counts of every table a write could touch: compared before and after a refused request. */
export async function tableCounts(db: Database): Promise<Record<string, number>> {
  const rows = await queryRows<{ t: string; n: number }>(
    db,
    sql`select 'employers' as t, count(*)::int as n from employers
        union all select 'postings', count(*)::int from postings
        union all select 'partners', count(*)::int from partners
        union all select 'partner_api_keys', count(*)::int from partner_api_keys`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

/** A digest of every posting row, to prove a refused write changed nothing (not just the counts). */
export async function postingsDigest(db: Database): Promise<string> {
  const [row] = await queryRows<{ d: string | null }>(db, sql`select md5(string_agg(p::text, '|' order by p.id)) as d from postings p`);
  return row?.d ?? "empty";
}

// ---------------------------------------------------------------- the ledger

import { institutions, type InstitutionRow } from "../../src/modules/institutions/institution.table.js";
import { syntheticResidentId } from "../../src/pii/resident-id.js";
import type { PersonDraft } from "../../src/modules/people/person-record.validator.js";

export async function makeInstitution(db: Database, overrides: Partial<typeof institutions.$inferInsert> = {}): Promise<InstitutionRow> {
  const n = unique();
  const [row] = await db
    .insert(institutions)
    .values({ id: newId(), code: `T${n}`, name: `测试大学${n}`, kind: "UNIVERSITY", regionCode: FUZHOU_GULOU, ...overrides })
    .returning();
  return row!;
}

/** A valid, unique person draft: a 2020 graduate born 1998, from Fuzhou, unemployed. */
export function personDraft(overrides: Partial<PersonDraft> & { birthDate?: string; gender?: "MALE" | "FEMALE"; idRegion?: string } = {}): PersonDraft {
  const { birthDate = "1998-05-17", gender = "FEMALE", idRegion = overrides.householdRegionCode ?? FUZHOU_GULOU, ...rest } = overrides;
  return {
    name: `测试人${unique()}`,
    idNumber: syntheticResidentId(idRegion, birthDate, unique(), gender),
    phone: `139${String(unique()).padStart(8, "0").slice(-8)}`,
    householdRegionCode: FUZHOU_GULOU,
    originRegionCode: FUZHOU_GULOU,
    ...rest,
  };
}

/** The active campaign's window made to run through today and 60 days on (it is policy data), so today's referrals count. */
export async function openCampaignWindow(db: Database): Promise<void> {
  await db.execute(sql`update campaigns set ends_on = ${serviceToday(days(60))}::date where status = 'ACTIVE'`);
}

// ---------------------------------------------------------------- people

import { registerPerson } from "../../src/modules/people/person.service.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { PiiCipher } from "../../src/pii/pii-crypto.js";

type PersonOverrides = Parameters<typeof personDraft>[0] & { institutionId?: string | null };

/**
 * A person in the ledger, registered through the service as a caseworker would (categories decided
 * by the rules, ID number and phone sealed), with the parents they need made for them: by default a
 * key-group graduate — graduated 2020 from a university it makes in their county, unemployed, so
 * their referral minimum is 3. `institutionId: null` makes someone who never studied there.
 */
export async function makePerson(t: { db: Database; app: { pii: PiiCipher } }, overrides: PersonOverrides = {}): Promise<PersonRow> {
  const household = overrides.householdRegionCode ?? FUZHOU_GULOU;
  const institutionId = overrides.institutionId === undefined ? (await makeInstitution(t.db, { regionCode: household })).id : overrides.institutionId;
  const graduate = institutionId ? { graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } : {};
  const draft = personDraft({ originRegionCode: household, ...graduate, ...overrides, householdRegionCode: household });
  const done = await registerPerson({ db: t.db, pii: t.app.pii }, factoryViewer, { ...draft, institutionId });
  if (done.status !== "REGISTERED") throw new Error("makePerson: the factory's viewer sees the whole ledger, so nothing is queued");
  return done.person;
}

// ---------------------------------------------------------------- referrals, mentors

import { recommendPostings } from "../../src/modules/referrals/referral.service.js";
import type { ReferralRow } from "../../src/modules/referrals/referral.table.js";
import { assignMentor, createMentor, logFollowUp } from "../../src/modules/mentors/mentor.service.js";
import type { FollowUpRow, MentorRow, MentorshipRow } from "../../src/modules/mentors/mentor.table.js";

/** A referral of a posting to a person, made by an administrator (the posting must fit the person: `makePosting(db, { minEducation: "NONE" })` fits the default person). */
export async function makeReferral(db: Database, personId: string, postingId: string): Promise<ReferralRow> {
  const [item] = await recommendPostings(db, factoryViewer, { personId, postingIds: [postingId] });
  if (!item?.referral) throw new Error(`makeReferral: ${item?.error?.code} ${item?.error?.message}`);
  return item.referral;
}

/** An active mentor in Fuzhou's Gulou district with room for ten, acting as the MENTOR login `userId` (made unique unless given). */
export function makeMentor(t: { db: Database; app: { pii: PiiCipher } }, overrides: { name?: string; institutionId?: string | null; regionCode?: string | null; capacity?: number; userId?: string; phone?: string } = {}): Promise<MentorRow> {
  const n = unique();
  return createMentor({ db: t.db, pii: t.app.pii }, factoryViewer, { name: `导师${n}`, regionCode: FUZHOU_GULOU, capacity: 10, userId: `mentor-${n}`, ...overrides });
}

/** A pairing of a person with a mentor, by an administrator (overriding the policy, so anyone can be paired). */
export function makeMentorship(db: Database, personId: string, mentorId: string): Promise<MentorshipRow> {
  return assignMentor(db, factoryViewer, { personId, mentorId, overrideReason: "测试配对" });
}

/** A contact logged by the person's mentor (`mentor.userId`), now. */
export function makeFollowUp(db: Database, mentor: Pick<MentorRow, "userId">, personId: string): Promise<FollowUpRow> {
  const viewer: Viewer = { kind: "user", userId: mentor.userId!, role: Role.MENTOR };
  return logFollowUp(db, viewer, { personId, channel: "PHONE", outcome: "REACHED" });
}

/** An ACTIVE partner–employer link (as an official's linkPartnerEmployer leaves it), straight into the table: the partner's pushes for the employer are public. */
export async function linkPartner(db: Database, partnerId: string, employerId: string): Promise<void> {
  await db.execute(
    sql`insert into partner_employer_links (id, partner_id, employer_id, status, decided_at, decided_by) values (${newId()}, ${partnerId}, ${employerId}, 'ACTIVE', now(), 'admin:factory')
        on conflict (partner_id, employer_id) do update set status = 'ACTIVE', decided_at = now(), decided_by = 'admin:factory'`,
  );
}
