import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { Role, type Viewer } from "../../auth/viewer.js";
import { unauthenticated } from "../../errors.js";
import { msg } from "../../i18n.js";
import { isRegionPrefix } from "../../region-code.js";

/**
 * Short-lived signed links to a campaign's report, for a browser download (a browser cannot send the
 * Authorization header on a plain link). A link carries who asked (their role and scope, so the report
 * is the one they would get with their token), the campaign and the region it narrows to, and an
 * expiry; it opens every format of that report and nothing else. Signed with a key derived from the
 * JWT secret, so a link is never a bearer token and a token is never a link.
 */
const AUDIENCE = "campaign-report";
const linkKey = (jwtSecret: string) => createHash("sha256").update(`campaign-report-link\u0000${jwtSecret}`).digest();

const linkClaims = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum([Role.ADMIN, Role.CASEWORKER]),
  regionCode: z.string().refine(isRegionPrefix).optional(),
  institutionId: z.uuid().optional(),
  campaignId: z.uuid(),
  region: z.string().refine(isRegionPrefix).nullable(),
});

export interface ReportLinkGrant {
  viewer: Viewer;
  campaignId: string;
  region: string | null;
}

export async function signReportLink(jwtSecret: string, grant: ReportLinkGrant, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const v = grant.viewer;
  if (v.kind !== "user" || (v.role !== Role.ADMIN && v.role !== Role.CASEWORKER)) throw new TypeError("Report links are for administrators and caseworkers");
  // A link never outlives the credential that asked for it.
  const expiresAt = new Date(Math.min(Math.floor(Date.now() / 1000) + ttlSeconds, v.credentialExpiresAt ?? Infinity) * 1000);
  const token = await new SignJWT({
    role: v.role,
    ...(v.regionCode ? { regionCode: v.regionCode } : {}),
    ...(v.institutionId ? { institutionId: v.institutionId } : {}),
    campaignId: grant.campaignId,
    region: grant.region,
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(v.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(linkKey(jwtSecret));
  return { token, expiresAt };
}

/** The grant a link carries, if it is genuine, unexpired and for this campaign; UNAUTHENTICATED otherwise. */
export async function verifyReportLink(jwtSecret: string, token: string, campaignId: string): Promise<ReportLinkGrant> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, linkKey(jwtSecret), { algorithms: ["HS256"], audience: AUDIENCE, requiredClaims: ["exp"] }));
  } catch {
    throw unauthenticated(msg("报表链接无效或已过期：请重新获取（campaignReportLinks）", "The report link is not valid or has expired: ask for a new one (campaignReportLinks)"));
  }
  const claims = linkClaims.safeParse(payload);
  if (!claims.success || claims.data.campaignId !== campaignId.toLowerCase()) throw unauthenticated(msg("该报表链接不适用于此报表", "The report link is not valid for this report"));
  const c = claims.data;
  return {
    viewer: {
      kind: "user",
      userId: c.sub,
      role: c.role,
      ...(c.regionCode ? { regionCode: c.regionCode } : {}),
      ...(c.institutionId ? { institutionId: c.institutionId } : {}),
      credentialExpiresAt: (payload as { exp: number }).exp,
    },
    campaignId: c.campaignId,
    region: c.region,
  };
}
