import { expect } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { makeInstitution, makePosting, makeReferral } from "./factories.js";
import { startTestApp, type TestApp } from "./test-app.js";

/** The subsidy tests' app and officials: an administrator, a Fuzhou and a Xiamen caseworker, and a Fuzhou school. */
export async function startSubsidyApp(): Promise<{ t: TestApp; admin: string; fuzhou: string; xiamen: string; schoolId: string }> {
  const t = await startTestApp();
  return {
    t,
    admin: await t.token({ sub: "admin", role: Role.ADMIN }),
    fuzhou: await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }),
    xiamen: await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" }),
    schoolId: (await makeInstitution(t.db, { regionCode: "350102" })).id,
  };
}

const MOVE = `mutation($id: ID!, $s: ReferralStatus!) { updateReferralStatus(referralId: $id, status: $s) { id status } }`;

/** A hire as the API records one: a referral to a posting of the employer, moved to HIRED by an official. */
export async function hireThroughReferral(t: TestApp, official: string, personId: string, employerId: string): Promise<void> {
  const posting = await makePosting(t.db, { employerId, minEducation: "NONE" });
  const referral = await makeReferral(t.db, personId, posting.id);
  const moved = await t.gql(MOVE, { id: referral.id, s: "HIRED" }, { token: official });
  expect(moved.errors).toBeUndefined();
}
