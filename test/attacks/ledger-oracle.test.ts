import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { FUZHOU_GULOU, personDraft, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 15, finding 5: a caseworker of 3501 registering (or importing) an ID number held by a
 * Xiamen person was told CONFLICT "already registered" / "registered outside your scope" — an
 * existence oracle a CSV could run over thousands of numbers.
 */

const REGISTER = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { status person { id } registration { id status name idNumber requestedRegionCode person { id } } } }`;
const LIST = `query($d: RegistrationDirection!, $s: RegistrationStatus) { registrations(direction: $d, status: $s) { totalCount edges { node { id status source name person { id householdRegionCode } } } } }`;
const RESOLVE = `mutation($id: ID!, $d: RegistrationDecision!, $r: String) { resolveRegistration(id: $id, decision: $d, reason: $r) { status reason resolvedBy } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawRegistration(id: $id) { status } }`;

type Registered = {
  registerPerson: {
    status: string;
    person: { id: string } | null;
    registration: { id: string; status: string; name: string; idNumber: string; requestedRegionCode: string; person: { id: string } | null } | null;
  };
};
type Listed = { registrations: { totalCount: number; edges: { node: { id: string; status: string; source: string; name: string; person: { id: string; householdRegionCode: string } | null } }[] } };

describe("red team: the ledger as an existence oracle (issue 15)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let quanzhou: string;

  beforeAll(async () => {
    t = await startTestApp({ REGISTRATION_PENDING_CAP: "3" });
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    quanzhou = await t.token({ sub: "cw-qz", role: Role.CASEWORKER, regionCode: "3505" });
  });
  afterAll(() => t.close());

  const heldInXiamen = async () => {
    const draft = personDraft({ householdRegionCode: XIAMEN_SIMING, originRegionCode: XIAMEN_SIMING });
    const held = await t.gql<Registered>(REGISTER, { i: draft }, { token: admin });
    return { idNumber: draft.idNumber, heldId: held.data!.registerPerson.person!.id };
  };
  const counts = async () =>
    (await queryRows<{ people: number; requests: number }>(t.db, sql`select (select count(*) from people)::int as people, (select count(*) from registration_requests)::int as requests`))[0]!;

  it("5 (medium): existence oracle in the ledger — a number held elsewhere is queued for the holding region, the caller is told nothing of where, and the holder decides", async () => {
    const { idNumber, heldId } = await heldInXiamen();
    const before = await counts();

    // The attack as reported: Fuzhou registers a number Xiamen holds. No CONFLICT, no region, no id.
    const probe = await t.gql<Registered>(REGISTER, { i: { ...personDraft(), name: "探测", idNumber } }, { token: fuzhou });
    expect(probe.errors).toBeUndefined();
    const answer = probe.data!.registerPerson;
    expect(answer).toMatchObject({ status: "PENDING", person: null, registration: { status: "PENDING", name: "探测", requestedRegionCode: FUZHOU_GULOU, person: null } });
    expect(answer.registration!.idNumber).toBe(`${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`);
    expect(JSON.stringify(probe)).not.toMatch(new RegExp(`${heldId}|${XIAMEN_SIMING}|3502|already|outside`));
    // Nothing was registered: the ledger still has one person for that number, and one request.
    expect(await counts()).toEqual({ people: before.people, requests: before.requests + 1 });
    // Asking again answers with the same request, not a second one.
    const again = await t.gql<Registered>(REGISTER, { i: { ...personDraft(), name: "探测", idNumber } }, { token: fuzhou });
    expect(again.data!.registerPerson.registration!.id).toBe(answer.registration!.id);
    expect((await counts()).requests).toBe(before.requests + 1);

    // A CSV row of the same kind says "queued", never "registered outside your scope"; a new number beside it is created.
    const fresh = personDraft();
    const csv = ["name,idNumber,householdRegionCode,originRegionCode", `探测,${idNumber},${FUZHOU_GULOU},${FUZHOU_GULOU}`, `新人,${fresh.idNumber},${FUZHOU_GULOU},${FUZHOU_GULOU}`, ""].join("\n");
    const report = await t.gql<{ importPeople: { created: number; queued: number; queuedRows: { row: number; registrationId: string }[]; rejectedCount: number } }>(
      `mutation($csv: String!) { importPeople(input: { csv: $csv }) { created queued queuedRows { row registrationId } rejectedCount } }`,
      { csv },
      { token: fuzhou },
    );
    expect(report.data!.importPeople).toEqual({ created: 1, queued: 1, queuedRows: [{ row: 2, registrationId: answer.registration!.id }], rejectedCount: 0 });

    // The holding region sees the request with its person; the requester sees it without; a third region not at all.
    const received = await t.gql<Listed>(LIST, { d: "RECEIVED", s: "PENDING" }, { token: xiamen });
    expect(received.data!.registrations.edges.map((e) => e.node)).toEqual([{ id: answer.registration!.id, status: "PENDING", source: "REGISTRATION", name: "探测", person: { id: heldId, householdRegionCode: XIAMEN_SIMING } }]);
    const made = await t.gql<Listed>(LIST, { d: "MADE" }, { token: fuzhou });
    expect(made.data!.registrations.edges.map((e) => e.node.person)).toEqual([null]);
    expect((await t.gql<Listed>(LIST, { d: "RECEIVED" }, { token: quanzhou })).data!.registrations.totalCount).toBe(0);

    // Only the holder decides; a refusal needs its reason; a stranger cannot even find the request.
    const id = answer.registration!.id;
    expect(codeOf(await t.gql(RESOLVE, { id, d: "TRANSFER" }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(RESOLVE, { id, d: "TRANSFER" }, { token: quanzhou }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(RESOLVE, { id, d: "REFUSE" }, { token: xiamen }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(RESOLVE, { id, d: "REFUSE", r: "\ud800" }, { token: xiamen }))).toBe("BAD_USER_INPUT");
    const moved = await t.gql<{ resolveRegistration: { status: string; resolvedBy: string } }>(RESOLVE, { id, d: "TRANSFER", r: "已迁往福州" }, { token: xiamen });
    expect(moved.data!.resolveRegistration).toMatchObject({ status: "TRANSFERRED", resolvedBy: "caseworker:cw-xm" });
    // Decided once: Xiamen no longer holds the person (NOT_FOUND), and Fuzhou, which now does, finds it decided.
    expect(codeOf(await t.gql(RESOLVE, { id, d: "REFUSE", r: "改主意" }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(RESOLVE, { id, d: "REFUSE", r: "改主意" }, { token: fuzhou }))).toBe("CONFLICT");
    // The record moved to the requested place, so the requester now sees the person it asked for; its history is the ledger's own.
    const after = await t.gql<Listed>(LIST, { d: "MADE", s: "TRANSFERRED" }, { token: fuzhou });
    expect(after.data!.registrations.edges[0]!.node.person).toEqual({ id: heldId, householdRegionCode: FUZHOU_GULOU });
    const [person] = await queryRows<{ name: string; n: number }>(t.db, sql`select name, (select count(*) from people p2 where p2.id_number_hash = p.id_number_hash)::int as n from people p where id = ${heldId}`);
    expect(person).toEqual({ name: "探测", n: 1 });
  });

  it("5 (medium): a caller with REGISTRATION_PENDING_CAP requests open registers nothing more — new numbers included, so the cap tells nothing — and withdrawing does not make room; a decision does", async () => {
    const requester = await t.token({ sub: "cw-fz-2", role: Role.CASEWORKER, regionCode: "3501" });
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { idNumber } = await heldInXiamen();
      const r = await t.gql<Registered>(REGISTER, { i: { ...personDraft(), idNumber } }, { token: requester });
      queued.push(r.data!.registerPerson.registration!.id);
    }
    const before = await counts();
    const { idNumber: heldNumber } = await heldInXiamen();
    const held = await t.gql(REGISTER, { i: { ...personDraft(), idNumber: heldNumber } }, { token: requester });
    const brandNew = await t.gql(REGISTER, { i: personDraft() }, { token: requester });
    expect([codeOf(held), codeOf(brandNew)]).toEqual(["CAPACITY_EXCEEDED", "CAPACITY_EXCEEDED"]);
    const csv = ["name,idNumber,householdRegionCode,originRegionCode", `新人,${personDraft().idNumber},${FUZHOU_GULOU},${FUZHOU_GULOU}`, ""].join("\n");
    expect(codeOf(await t.gql(`mutation($csv: String!) { importPeople(input: { csv: $csv }) { created } }`, { csv }, { token: requester }))).toBe("CAPACITY_EXCEEDED");
    expect((await counts()).people).toBe(before.people + 1); // only the admin's Xiamen person
    // Someone else's request is not theirs to withdraw; their own is — but a withdrawn request keeps its place for 30 days.
    expect(codeOf(await t.gql(WITHDRAW, { id: queued[0] }, { token: fuzhou }))).toBe("NOT_FOUND");
    expect((await t.gql<{ withdrawRegistration: { status: string } }>(WITHDRAW, { id: queued[0] }, { token: requester })).data!.withdrawRegistration.status).toBe("WITHDRAWN");
    expect(codeOf(await t.gql(REGISTER, { i: personDraft() }, { token: requester }))).toBe("CAPACITY_EXCEEDED");
    // The holder's refusal frees a place. The requester reads the reason, but not who refused (that would name the region).
    expect((await t.gql<{ resolveRegistration: { resolvedBy: string } }>(RESOLVE, { id: queued[1], d: "REFUSE", r: "身份证号有误" }, { token: xiamen })).data!.resolveRegistration.resolvedBy).toBe("caseworker:cw-xm");
    const seen = await t.gql<{ registration: { status: string; reason: string; resolvedBy: string | null } }>(`query($id: ID!) { registration(id: $id) { status reason resolvedBy } }`, { id: queued[1] }, { token: requester });
    expect(seen.data!.registration).toEqual({ status: "REFUSED", reason: "身份证号有误", resolvedBy: null });
    expect((await t.gql<Registered>(REGISTER, { i: personDraft() }, { token: requester })).data!.registerPerson.status).toBe("REGISTERED");
  });

  it("5 (medium): six registrations of one caller at once cannot pass the cap together — the count is taken under a per-caller lock", async () => {
    const requester = await t.token({ sub: "cw-fz-6", role: Role.CASEWORKER, regionCode: "3501" });
    const numbers = [];
    for (let i = 0; i < 6; i++) numbers.push((await heldInXiamen()).idNumber);
    const answers = await Promise.all(numbers.map((idNumber) => t.gql<Registered>(REGISTER, { i: { ...personDraft(), idNumber } }, { token: requester })));
    const outcomes = answers.map((a) => a.data?.registerPerson.status ?? codeOf(a)).sort();
    expect(outcomes).toEqual(["CAPACITY_EXCEEDED", "CAPACITY_EXCEEDED", "CAPACITY_EXCEEDED", "PENDING", "PENDING", "PENDING"]);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from registration_requests where requested_by = 'caseworker:cw-fz-6'`);
    expect(row!.n).toBe(3);
  });

  it("5 (medium): a request is seen by its requester and the holding region only — a third region gets null, a seeker is refused", async () => {
    const { idNumber, heldId } = await heldInXiamen();
    const mine = await t.gql<Registered>(REGISTER, { i: { ...personDraft(), idNumber } }, { token: await t.token({ sub: "cw-fz-5", role: Role.CASEWORKER, regionCode: "3501" }) });
    const id = mine.data!.registerPerson.registration!.id;
    const ONE = `query($id: ID!) { registration(id: $id) { id } }`;
    expect((await t.gql<{ registration: { id: string } | null }>(ONE, { id }, { token: xiamen })).data!.registration).toEqual({ id });
    expect((await t.gql<{ registration: null }>(ONE, { id }, { token: quanzhou })).data!.registration).toBeNull();
    expect((await t.gql<{ registration: null }>(ONE, { id }, { token: fuzhou })).data!.registration).toBeNull(); // same region, another caseworker, the person not in scope
    const seeker = await t.token({ sub: "seeker-x", role: Role.SEEKER, personId: heldId });
    expect(codeOf(await t.gql(ONE, { id }, { token: seeker }))).toBe("FORBIDDEN");
  });

  it("5 (medium): whether an import is refused depends on what is stored, never on which rows are held elsewhere; the same file imported twice answers the same", async () => {
    const requester = await t.token({ sub: "cw-fz-3", role: Role.CASEWORKER, regionCode: "3501" });
    const IMPORT = `mutation($csv: String!) { importPeople(input: { csv: $csv }) { created unchanged queued queuedRows { row registrationId } rejected { row code } } }`;
    type Report = { importPeople: { created: number; unchanged: number; queued: number; queuedRows: { row: number; registrationId: string }[]; rejected: { row: number; code: string }[] } };
    const fileOf = (numbers: string[]) => ["name,idNumber,householdRegionCode,originRegionCode", ...numbers.map((n) => `探测,${n},${FUZHOU_GULOU},${FUZHOU_GULOU}`), ""].join("\n");
    const held = [];
    for (let i = 0; i < 6; i++) held.push((await heldInXiamen()).idNumber);

    // Room for 3: two held numbers and a new one — both queued, the new one created.
    const first = fileOf([held[0]!, held[1]!, personDraft().idNumber]);
    const once = (await t.gql<Report>(IMPORT, { csv: first }, { token: requester })).data!.importPeople;
    expect(once).toMatchObject({ created: 1, queued: 2, rejected: [] });
    // The same file again: the same requests (a number already open takes no new place), the new person unchanged.
    const before = await counts();
    const twice = (await t.gql<Report>(IMPORT, { csv: first }, { token: requester })).data!.importPeople;
    expect(twice).toEqual({ created: 0, unchanged: 1, queued: 2, queuedRows: once.queuedRows, rejected: [] });
    expect(await counts()).toEqual(before);

    // Room for 1, a file with four held numbers: the batch is not refused for what it holds — all four are queued (a batch may pass the cap).
    const over = (await t.gql<Report>(IMPORT, { csv: fileOf(held.slice(2, 6)) }, { token: requester })).data!.importPeople;
    expect(over).toMatchObject({ created: 0, queued: 4, rejected: [] });
    // Now no room: any file is refused, whatever it holds.
    expect(codeOf(await t.gql(IMPORT, { csv: fileOf([personDraft().idNumber]) }, { token: requester }))).toBe("CAPACITY_EXCEEDED");
    expect(codeOf(await t.gql(IMPORT, { csv: fileOf([held[0]!]) }, { token: requester }))).toBe("CAPACITY_EXCEEDED");
  });
});
