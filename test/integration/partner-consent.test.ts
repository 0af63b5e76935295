import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { newId } from "../../src/db/ids.js";
import { serviceToday } from "../../src/dates.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makePerson, makePosting } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

const GRANT = `mutation($p: ID!, $s: [PartnerConsentScope!]!, $e: LocalDate!) { grantPartnerConsent(partnerId: $p, scope: $s, expiresOn: $e) { id scopes expiresOn revokedAt live partner { id } } }`;
const APPLY = `mutation($c: ID!, $p: ID!) { applyForSeeker(consentId: $c, postingId: $p) { id postingId status statusAt createdAt posting { id } } }`;
const inDays = (n: number) => new Date(Date.parse(`${serviceToday()}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe("applications with consent: a partner applies for a seeker only under a live consent", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
  });
  afterAll(() => t.close());

  const partner = async () => {
    const issued = await issuePartnerKey(t.db, "test", { name: `代投网${Math.random().toString(36).slice(2, 10)}` });
    return { apiKey: issued.apiKey, partnerId: issued.partner.id };
  };
  const seeker = async () => {
    const person = await makePerson(t);
    return { personId: person.id, token: await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id }) };
  };
  const grant = async (token: string, partnerId: string, expiresOn = inDays(30)) => {
    const r = await t.gql<{ grantPartnerConsent: { id: string; live: boolean } }>(GRANT, { p: partnerId, s: ["APPLY"], e: expiresOn }, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.grantPartnerConsent;
  };
  const referralCount = async (personId: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where person_id = ${personId}`))[0]!.n;
  const consentAudits = (personId: string) => queryRows<{ action: string }>(t.db, sql`select action from decision_audit where person_id = ${personId} order by at, action`);

  it("a seeker grants, lists and revokes consents (audited); bad dates are refused, nothing written", async () => {
    const { apiKey: _key, partnerId } = await partner();
    const me = await seeker();
    for (const e of [serviceToday(), inDays(-1), inDays(366)]) {
      expect(codeOf(await t.gql(GRANT, { p: partnerId, s: ["APPLY"], e }, { token: me.token }))).toBe("BAD_USER_INPUT");
    }
    expect(codeOf(await t.gql(GRANT, { p: newId(), s: ["APPLY"], e: inDays(30) }, { token: me.token }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(GRANT, { p: partnerId, s: ["APPLY"], e: inDays(30) }, { token: tokens.admin }))).toBe("FORBIDDEN");
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from partner_consents where person_id = ${me.personId}`))[0]!.n).toBe(0);

    const consent = await grant(me.token, partnerId, inDays(365));
    expect(consent.live).toBe(true);
    const listed = await t.gql<{ viewer: { partnerConsents: { id: string; scopes: string[]; live: boolean; partner: { id: string } }[] } }>(`{ viewer { partnerConsents { id scopes live partner { id } } } }`, {}, { token: me.token });
    expect(listed.data!.viewer.partnerConsents).toEqual([{ id: consent.id, scopes: ["APPLY"], live: true, partner: { id: partnerId } }]);
    // Another seeker cannot revoke it: NOT_FOUND.
    const other = await seeker();
    expect(codeOf(await t.gql(`mutation($id: ID!) { revokePartnerConsent(id: $id) { id } }`, { id: consent.id }, { token: other.token }))).toBe("NOT_FOUND");
    const revoked = await t.gql<{ revokePartnerConsent: { live: boolean; revokedAt: string } }>(`mutation($id: ID!) { revokePartnerConsent(id: $id) { live revokedAt } }`, { id: consent.id }, { token: me.token });
    expect(revoked.data!.revokePartnerConsent.live).toBe(false);
    expect(revoked.data!.revokePartnerConsent.revokedAt).not.toBeNull();
    expect((await consentAudits(me.personId)).map((r) => r.action)).toEqual(["CONSENT_GRANTED", "CONSENT_REVOKED"]);
    // Anyone else's viewer lists none.
    expect((await t.gql<{ viewer: { partnerConsents: unknown[] } }>(`{ viewer { partnerConsents { id } } }`, {})).data!.viewer.partnerConsents).toEqual([]);
  });

  it("applies under a live consent: stored as the seeker's own (never counted), with the partner and consent; the partner sees only the status", async () => {
    const { apiKey, partnerId } = await partner();
    const me = await seeker();
    const posting = await makePosting(t.db, { minEducation: "NONE" });
    const consent = await grant(me.token, partnerId);
    // The partner's endpoint, straight into the table: the migration's trigger fills the outbox.
    const webhookId = newId();
    await t.db.execute(sql`insert into webhooks (id, partner_id, url, events, secret_sealed, created_by) values (${webhookId}, ${partnerId}, 'https://partner.example/hook', array['APPLICATION_CREATED'], 'sealed', 'test')`);

    const applied = await t.gql<{ applyForSeeker: { id: string; postingId: string; status: string; posting: { id: string } } }>(APPLY, { c: consent.id, p: posting.id }, { apiKey });
    expect(applied.errors).toBeUndefined();
    expect(applied.data!.applyForSeeker).toMatchObject({ postingId: posting.id, status: "APPLIED", posting: { id: posting.id } });
    const id = applied.data!.applyForSeeker.id;
    const [row] = await queryRows<{ person_id: string; source: string; via_partner_id: string; partner_consent_id: string; made_by: string }>(t.db, sql`select person_id, source::text, via_partner_id, partner_consent_id, made_by from referrals where id = ${id}`);
    expect(row).toEqual({ person_id: me.personId, source: "SELF", via_partner_id: partnerId, partner_consent_id: consent.id, made_by: `partner:${partnerId}` });

    // The partner's view: no person anywhere in the type, nor in the webhook's body.
    const fields = await t.gql<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "PartnerApplication") { fields { name } } }`);
    expect(fields.data!.__type.fields.map((f) => f.name).sort()).toEqual(["createdAt", "id", "posting", "postingId", "status", "statusAt"]);
    const list = await t.gql<{ partnerApplications: { totalCount: number; edges: { node: { id: string; status: string } }[] } }>(`{ partnerApplications(first: 10) { totalCount edges { node { id status } } } }`, {}, { apiKey });
    expect(list.data!.partnerApplications).toEqual({ totalCount: 1, edges: [{ node: { id, status: "APPLIED" } }] });
    const deliveries = await queryRows<{ event_type: string; payload: { type: string; data: Record<string, unknown> } }>(t.db, sql`select event_type, payload from webhook_deliveries where webhook_id = ${webhookId}`);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.event_type).toBe("APPLICATION_CREATED");
    expect(Object.keys(deliveries[0]!.payload.data).sort()).toEqual(["applicationId", "postingExternalId", "postingId", "previousStatus", "status"]);
    expect(JSON.stringify(deliveries[0]!.payload)).not.toContain(me.personId);

    // Another partner reading it: NOT_FOUND; its list has none.
    const other = await partner();
    expect(codeOf(await t.gql(`query($id: ID!) { partnerApplication(id: $id) { id } }`, { id }, { apiKey: other.apiKey }))).toBe("NOT_FOUND");
    expect((await t.gql<{ partnerApplications: { totalCount: number } }>(`{ partnerApplications { totalCount } }`, {}, { apiKey: other.apiKey })).data!.partnerApplications.totalCount).toBe(0);
    // Again for the same posting: CONFLICT, nothing written.
    expect(codeOf(await t.gql(APPLY, { c: consent.id, p: posting.id }, { apiKey }))).toBe("CONFLICT");
    expect(await referralCount(me.personId)).toBe(1);
  });

  it("without a live consent — none, another partner's, revoked, expired, on a partner's own key or a seeker's token — FORBIDDEN and nothing written; what was applied continues", async () => {
    const { apiKey, partnerId } = await partner();
    const other = await partner();
    const me = await seeker();
    const posting = await makePosting(t.db, { minEducation: "NONE" });
    const before = await referralCount(me.personId);
    expect(codeOf(await t.gql(APPLY, { c: newId(), p: posting.id }, { apiKey }))).toBe("FORBIDDEN");
    const consent = await grant(me.token, partnerId);
    expect(codeOf(await t.gql(APPLY, { c: consent.id, p: posting.id }, { apiKey: other.apiKey }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(APPLY, { c: consent.id, p: posting.id }, { token: me.token }))).toBe("FORBIDDEN");
    expect(await referralCount(me.personId)).toBe(before);

    // Applied once, then revoked: no new application; the first continues and stays readable.
    const first = await t.gql<{ applyForSeeker: { id: string } }>(APPLY, { c: consent.id, p: posting.id }, { apiKey });
    const firstId = first.data!.applyForSeeker.id;
    await t.gql(`mutation($id: ID!) { revokePartnerConsent(id: $id) { id } }`, { id: consent.id }, { token: me.token });
    const second = await makePosting(t.db, { minEducation: "NONE" });
    expect(codeOf(await t.gql(APPLY, { c: consent.id, p: second.id }, { apiKey }))).toBe("FORBIDDEN");
    expect(await referralCount(me.personId)).toBe(before + 1);
    expect((await t.gql<{ partnerApplication: { status: string } }>(`query($id: ID!) { partnerApplication(id: $id) { status } }`, { id: firstId }, { apiKey })).data!.partnerApplication.status).toBe("APPLIED");

    // Expired (its last day passed): FORBIDDEN.
    const renewed = await grant(me.token, partnerId);
    await t.db.execute(sql`update partner_consents set expires_on = ${inDays(-1)}::date where id = ${renewed.id}`);
    expect(codeOf(await t.gql(APPLY, { c: renewed.id, p: second.id }, { apiKey }))).toBe("FORBIDDEN");
    expect(await referralCount(me.personId)).toBe(before + 1);
  });

  it("a partner's applications count against the seeker's daily allowance, and never toward a referral minimum", async () => {
    const { apiKey, partnerId } = await partner();
    const me = await seeker();
    const consent = await grant(me.token, partnerId);
    const postings = [await makePosting(t.db, { minEducation: "NONE" }), await makePosting(t.db, { minEducation: "NONE" }), await makePosting(t.db, { minEducation: "NONE" })];
    await t.gql(`mutation { setApplicationPolicy(maxPerDay: 2) { version } }`, {}, { token: tokens.admin });
    expect((await t.gql(`mutation($p: ID!) { applyToPosting(postingId: $p) { id } }`, { p: postings[0]!.id }, { token: me.token })).errors).toBeUndefined();
    expect((await t.gql(APPLY, { c: consent.id, p: postings[1]!.id }, { apiKey })).errors).toBeUndefined();
    expect(codeOf(await t.gql(APPLY, { c: consent.id, p: postings[2]!.id }, { apiKey }))).toBe("RATE_LIMITED");
    expect(await referralCount(me.personId)).toBe(2);
    const sources = await queryRows<{ source: string }>(t.db, sql`select distinct source::text from referrals where person_id = ${me.personId}`);
    expect(sources).toEqual([{ source: "SELF" }]);
  });
});
