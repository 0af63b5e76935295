import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { runCli } from "../../src/cli/commands.js";
import { viewerFromToken } from "../../src/auth/jwt.js";
import { makeEmployer } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const VIEWER = `{ viewer { role userId regionCode employerId partnerName scopes } }`;

describe("authentication and roles", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("treats a request without credentials as anonymous", async () => {
    const result = await t.gql<{ viewer: { role: string | null } }>(VIEWER);
    expect(result.data!.viewer.role).toBeNull();
  });

  it("reads role and scope from a bearer token", async () => {
    const employer = await makeEmployer(t.db);
    const caseworker = await t.gql<{ viewer: { role: string; regionCode: string } }>(VIEWER, {}, { token: await t.token({ sub: "cw", role: Role.CASEWORKER, regionCode: "3501" }) });
    expect(caseworker.data!.viewer).toMatchObject({ role: "CASEWORKER", regionCode: "3501" });
    const asEmployer = await t.gql<{ viewer: { role: string; employerId: string } }>(VIEWER, {}, { token: await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id }) });
    expect(asEmployer.data!.viewer).toMatchObject({ role: "EMPLOYER", employerId: employer.id });
  });

  it.each([
    ["a malformed Authorization header", { headers: { authorization: "Token abc" } }],
    ["a token that is not a JWT", { token: "not.a.jwt" }],
  ])("refuses %s with 401 UNAUTHENTICATED, never as anonymous", async (_name, credentials) => {
    const result = await t.gql(VIEWER, {}, credentials);
    expect(result.status).toBe(401);
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
  });

  it("refuses a forged, an expired and a claim-less token", async () => {
    const key = (s: string) => new TextEncoder().encode(s);
    const forged = await new SignJWT({ role: "ADMIN" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuer(t.config.auth.issuer).setExpirationTime("1h").sign(key("another-secret-another-secret-another-secret"));
    const expired = await t.token({ sub: "x", role: Role.ADMIN }, Math.floor(Date.now() / 1000) - 60);
    // A seeker's token must name the person (an EMPLOYER's may not name its employer: a company user who signs one up).
    const noEmployer = await new SignJWT({ role: "SEEKER" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuer(t.config.auth.issuer).setExpirationTime("1h").sign(key(t.config.auth.jwtSecret));
    const noneAlg = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x","role":"ADMIN"}').toString("base64url")}.`;
    for (const [token, message] of [[forged, /not valid/], [expired, /expired/], [noEmployer, /claims/], [noneAlg, /not valid/]] as const) {
      const result = await t.gql(VIEWER, {}, { token });
      expect(result.status).toBe(401);
      expect(result.errors![0]!.message).toMatch(message);
    }
  });

  it("refuses a request that sends both a token and an API key", async () => {
    const result = await t.gql(VIEWER, {}, { token: await t.token({ sub: "a", role: Role.ADMIN }), apiKey: "jbpk_x" });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
  });

  it("admits partner keys an admin issued, and stops a revoked one at once", async () => {
    const admin = await t.token({ sub: "a", role: Role.ADMIN });
    const issued = await t.gql<{ issuePartnerKey: { apiKey: string; key: { id: string; keyPrefix: string }; partner: { name: string } } }>(
      `mutation { issuePartnerKey(name: "某招聘网", scopes: [POSTINGS_READ]) { apiKey key { id keyPrefix } partner { name } } }`,
      {},
      { token: admin },
    );
    expect(issued.errors).toBeUndefined();
    const { apiKey, key } = issued.data!.issuePartnerKey;
    expect(apiKey.startsWith(key.keyPrefix)).toBe(true);

    const asPartner = await t.gql<{ viewer: { role: string; partnerName: string; scopes: string[] } }>(VIEWER, {}, { apiKey });
    expect(asPartner.data!.viewer).toEqual({ role: "PARTNER", userId: null, regionCode: null, employerId: null, partnerName: "某招聘网", scopes: ["POSTINGS_READ"] });

    // The listing shows metadata only, never the key.
    const listed = await t.gql<{ partners: { name: string; keys: { keyPrefix: string }[] }[] }>(`{ partners { name keys { keyPrefix } } }`, {}, { token: admin });
    expect(JSON.stringify(listed.data)).not.toContain(apiKey);

    await t.gql(`mutation($id: ID!) { revokePartnerKey(keyId: $id) { revokedAt } }`, { id: key.id }, { token: admin });
    const revoked = await t.gql(VIEWER, {}, { apiKey });
    expect(revoked.status).toBe(401);
    expect(codeOf(revoked)).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(VIEWER, {}, { apiKey: "jbpk_" + "x".repeat(43) }))).toBe("UNAUTHENTICATED");
  });

  it("keeps admin operations from everyone else", async () => {
    const caseworker = await t.token({ sub: "c", role: Role.CASEWORKER, regionCode: "35" });
    expect(codeOf(await t.gql(`mutation { issuePartnerKey(name: "x") { apiKey } }`, {}, { token: caseworker }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`{ partners { name } }`))).toBe("UNAUTHENTICATED");
    // Scopes are an enum: an unknown one is refused before anything runs (the CLI's is checked by the service).
    const badScope = await t.gql(`mutation { issuePartnerKey(name: "y", scopes: [PEOPLE_READ]) { apiKey } }`, {}, { token: await t.token({ sub: "a", role: Role.ADMIN }) });
    expect(badScope.errors![0]!.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
  });

  it("the CLI mints tokens the server accepts, and issues partner keys", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { NODE_ENV: "test", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent" };
    const code = await runCli(["token", "--role", "CASEWORKER", "--region", "3501"], env, { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(code).toBe(0);
    const viewer = await viewerFromToken(t.config.auth, out.join("").trim());
    expect(viewer).toMatchObject({ kind: "user", role: "CASEWORKER", regionCode: "3501" });

    const keyOut: string[] = [];
    expect(await runCli(["partner-key", "--name", "某招聘网"], env, { out: (s) => keyOut.push(s), err: () => undefined })).toBe(0);
    expect(keyOut.join("").trim()).toMatch(/^jbpk_[A-Za-z0-9_-]{43}$/);

    expect(await runCli(["token", "--role", "PARTNER"], env, { out: () => undefined, err: (s) => err.push(s) })).toBe(2);
    await expect(runCli(["token", "--role", "SEEKER"], env, { out: () => undefined, err: () => undefined })).rejects.toThrow(/personId/);
  });
});
