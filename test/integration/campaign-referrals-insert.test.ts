import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { newId } from "../../src/db/ids.js";
import { insertCampaignReferrals } from "../../src/modules/referrals/referral.repository.js";
import { days, makePerson, makePosting, makeReferral } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * A campaign batch's referrals and their first events are one statement (a data-modifying CTE): the
 * event's insert reads what the referral's returned, the events' foreign key and the notifying
 * trigger read referrals the same statement made.
 */
describe("a campaign batch's referrals with their events, in one statement", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const newRun = async () => {
    const id = newId();
    await t.db.execute(sql`insert into campaign_runs (id, scope, created_by, campaign_id) values (${id}, '{}'::jsonb, 'test', (select id from campaigns order by id limit 1))`);
    return id;
  };
  /** Per referral of the people: who made it, its events (RECOMMENDED ones by the run) and notices. */
  const told = (people: string[]) =>
    queryRows<{ personId: string; postingId: string; source: string; runId: string | null; events: number; byRun: number; notices: number }>(
      t.db,
      sql`select r.person_id as "personId", r.posting_id as "postingId", r.source::text as source, r.campaign_run_id as "runId",
                 (select count(*)::int from referral_events e where e.referral_id = r.id) as events,
                 (select count(*)::int from referral_events e where e.referral_id = r.id and e.from_status is null and e.to_status = 'RECOMMENDED' and e.by = 'system:fulfil') as "byRun",
                 (select count(*)::int from notifications n where n.referral_id = r.id and n.kind = 'REFERRAL' and n.person_id = r.person_id) as notices
          from referrals r where r.person_id = any(${sql.param(people)}::uuid[]) order by r.person_id, r.posting_id`,
    );

  it("makes each new pair once, with one event and one notice; a pair already referred, or twice in the batch, makes nothing more", async () => {
    const [a, b] = [(await makePerson(t, { degreeLevel: "BACHELOR" })).id, (await makePerson(t, { degreeLevel: "BACHELOR" })).id];
    const [p1, p2, p3] = [
      (await makePosting(t.db, { minEducation: "NONE", validUntil: days(30) })).id,
      (await makePosting(t.db, { minEducation: "NONE", validUntil: days(30) })).id,
      (await makePosting(t.db, { minEducation: "NONE", validUntil: days(30) })).id,
    ];
    // A caseworker had already referred a to p1 (its own event and notice).
    await makeReferral(t.db, a, p1);
    const run = await newRun();
    const made = await insertCampaignReferrals(
      t.db,
      [
        { personId: a, postingId: p1, campaignRunId: run },
        { personId: a, postingId: p2, campaignRunId: run },
        { personId: b, postingId: p2, campaignRunId: run },
        { personId: a, postingId: p2, campaignRunId: run },
        { personId: b, postingId: p3, campaignRunId: run },
      ],
      { by: "system:fulfil", note: "专项行动自动推荐" },
    );
    expect(made.sort()).toEqual([a, b, b].sort());
    const rows = await told([a, b]);
    const expected = [
      { personId: a, postingId: p1, source: expect.not.stringMatching(/^SYSTEM$/), runId: null, events: 1, byRun: 0, notices: 1 },
      { personId: a, postingId: p2, source: "SYSTEM", runId: run, events: 1, byRun: 1, notices: 1 },
      { personId: b, postingId: p2, source: "SYSTEM", runId: run, events: 1, byRun: 1, notices: 1 },
      { personId: b, postingId: p3, source: "SYSTEM", runId: run, events: 1, byRun: 1, notices: 1 },
    ].sort((x, y) => (x.personId + x.postingId < y.personId + y.postingId ? -1 : 1));
    expect(rows).toEqual(expected);

    // Again, in a transaction as a batch is: nothing new, and nothing for no rows at all.
    const again = await t.db.transaction(async (tx) => [
      await insertCampaignReferrals(tx, [{ personId: b, postingId: p3, campaignRunId: run }, { personId: a, postingId: p2, campaignRunId: run }], { by: "system:fulfil", note: "x" }),
      await insertCampaignReferrals(tx, [], { by: "system:fulfil", note: "x" }),
    ]);
    expect(again).toEqual([[], []]);
    expect(await told([a, b])).toEqual(rows);
  });
});
