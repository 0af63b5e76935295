import { afterEach, describe, expect, it, vi } from "vitest";
import { signToken, viewerFromToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";

const settings = { jwtSecret: "unit-secret-unit-secret-unit-secret-0123", issuer: "jiuye-bangfu" };
const codeOf = (p: Promise<unknown>) => p.then(() => "OK", (e: { code?: string }) => e.code ?? String(e));

/** A verified token is remembered (its signature is not checked again), but never past what it says. */
describe("remembered tokens", () => {
  afterEach(() => vi.useRealTimers());

  it("a remembered token still expires on time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-07T08:00:00Z"));
    const token = await signToken(settings, { sub: "caseworker-1", role: Role.CASEWORKER, regionCode: "350102" }, "60s");
    expect((await viewerFromToken(settings, token)).kind).toBe("user");
    expect(await codeOf(viewerFromToken(settings, token))).toBe("OK");
    vi.setSystemTime(new Date("2026-12-07T08:01:01Z"));
    expect(await codeOf(viewerFromToken(settings, token))).toBe("UNAUTHENTICATED");
  });

  it("is remembered for the settings it was verified with: another secret or issuer refuses it", async () => {
    const token = await signToken(settings, { sub: "admin-1", role: Role.ADMIN }, "1h");
    expect(await codeOf(viewerFromToken(settings, token))).toBe("OK");
    expect(await codeOf(viewerFromToken({ ...settings, jwtSecret: "another-secret-another-secret-0123456789" }, token))).toBe("UNAUTHENTICATED");
    expect(await codeOf(viewerFromToken({ ...settings, issuer: "someone-else" }, token))).toBe("UNAUTHENTICATED");
  });

  it("hands out a copy: a caller changing its viewer does not change the next request's", async () => {
    const token = await signToken(settings, { sub: "caseworker-2", role: Role.CASEWORKER, regionCode: "350102" }, "1h");
    for (let i = 0; i < 2; i++) ((await viewerFromToken(settings, token)) as { regionCode?: string }).regionCode = "35";
    expect(((await viewerFromToken(settings, token)) as { regionCode?: string }).regionCode).toBe("350102");
  });
});
