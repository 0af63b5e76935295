import { decodeJwt, jwtVerify, SignJWT, errors as joseErrors } from "jose";
import { z } from "zod";
import { unauthenticated } from "../errors.js";
import { msg } from "../i18n.js";
import { isRegionPrefix, REGION_PREFIX_RULE } from "../region-code.js";
import { Role, type Viewer } from "./viewer.js";

export interface JwtSettings {
  jwtSecret: string;
  issuer: string;
  /** The longest a token may live, in seconds (`AUTH_MAX_TOKEN_LIFETIME`; default 30 days). */
  maxTokenLifetimeSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 30 * 86_400;
// Clocks of the signer and this server may differ a little: an issue time up to this far ahead is not held against a token.
const CLOCK_SKEW_SECONDS = 60;

/** Why a token's lifetime is refused, or null: `exp − iat` and `exp − now` must both be within the cap. */
export function lifetimeProblem(settings: JwtSettings, exp: number, iat: number | undefined, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const max = settings.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (iat !== undefined && exp - iat > max) return `the token lives longer than ${max} seconds (AUTH_MAX_TOKEN_LIFETIME)`;
  if (exp - nowSeconds > max + CLOCK_SKEW_SECONDS) return `the token expires more than ${max} seconds from now (AUTH_MAX_TOKEN_LIFETIME)`;
  return null;
}

const claimsSchema = z
  .object({
    // actor columns store "<role>:<sub>" in 100 characters
    sub: z.string().min(1).max(64),
    role: z.enum([Role.ADMIN, Role.CASEWORKER, Role.MENTOR, Role.EMPLOYER, Role.SEEKER]),
    regionCode: z.string().refine(isRegionPrefix, REGION_PREFIX_RULE).optional(),
    institutionId: z.uuid().transform((v) => v.toLowerCase()).optional(),
    employerId: z.uuid().transform((v) => v.toLowerCase()).optional(),
    personId: z.uuid().transform((v) => v.toLowerCase()).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.role === Role.SEEKER && !c.personId) ctx.addIssue({ code: "custom", message: "SEEKER tokens need personId" });
    if (c.role === Role.CASEWORKER && !c.regionCode && !c.institutionId)
      ctx.addIssue({ code: "custom", message: "CASEWORKER tokens need regionCode or institutionId" });
  });

export type TokenClaims = z.infer<typeof claimsSchema>;

const key = (secret: string) => new TextEncoder().encode(secret);

/** `expiresIn`: a span such as "12h", or an absolute time in epoch seconds. */
export async function signToken(settings: JwtSettings, claims: TokenClaims, expiresIn: string | number = "12h"): Promise<string> {
  const valid = claimsSchema.parse(claims);
  const { sub, ...rest } = valid;
  const token = await new SignJWT(rest)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuer(settings.issuer)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(settings.jwtSecret));
  // A token the server would refuse is not handed out (`cli token --expires 400d`).
  const { exp, iat } = decodeJwt(token);
  const problem = lifetimeProblem(settings, exp!, iat);
  if (problem) throw new RangeError(`Cannot sign this token: ${problem}`);
  return token;
}

/**
 * Tokens already verified, by settings and token (a client sends the same token with every request;
 * verifying its signature is a round trip through the thread pool). What depends on the clock — the
 * expiry, the lifetime cap — is checked again on every use. Bounded: the oldest is forgotten first.
 */
const verified = new Map<string, Viewer & { credentialExpiresAt: number }>();
const VERIFIED_CAPACITY = 10_000;

/** A bearer token's viewer; a bad, expired or forged token is UNAUTHENTICATED, never anonymous. */
export async function viewerFromToken(settings: JwtSettings, token: string): Promise<Viewer> {
  const cacheKey = `${settings.issuer}\u0000${settings.maxTokenLifetimeSeconds ?? ""}\u0000${settings.jwtSecret}\u0000${token}`;
  const known = verified.get(cacheKey);
  if (known) {
    const now = Math.floor(Date.now() / 1000);
    if (known.credentialExpiresAt <= now) {
      verified.delete(cacheKey);
      throw unauthenticated(msg("令牌已过期", "The token has expired"));
    }
    if (lifetimeProblem(settings, known.credentialExpiresAt, undefined, now) !== null) throw unauthenticated(msg("令牌有效期过长：请重新获取令牌", "The token lives too long: ask for a new one"));
    return { ...known };
  }
  const viewer = await verifyToken(settings, token);
  if (verified.size >= VERIFIED_CAPACITY) verified.delete(verified.keys().next().value!);
  verified.set(cacheKey, viewer);
  return { ...viewer };
}

async function verifyToken(settings: JwtSettings, token: string): Promise<Viewer & { credentialExpiresAt: number }> {
  let payload: unknown;
  try {
    // A token without an expiry would never expire: `exp` is required.
    ({ payload } = await jwtVerify(token, key(settings.jwtSecret), { algorithms: ["HS256"], issuer: settings.issuer, requiredClaims: ["exp"] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated(msg("令牌已过期", "The token has expired"));
    throw unauthenticated(msg("令牌无效", "The token is not valid"));
  }
  // A token valid for years (exp in 5138) would outlive any revocation of its holder: its lifetime is capped.
  const { exp, iat } = payload as { exp: number; iat?: unknown };
  if (lifetimeProblem(settings, exp, typeof iat === "number" ? iat : undefined) !== null) throw unauthenticated(msg("令牌有效期过长：请重新获取令牌", "The token lives too long: ask for a new one"));
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthenticated(msg("令牌的声明信息无效", "The token's claims are not valid"));
  const c = claims.data;
  return {
    kind: "user",
    userId: c.sub,
    role: c.role,
    ...(c.regionCode ? { regionCode: c.regionCode } : {}),
    ...(c.institutionId ? { institutionId: c.institutionId } : {}),
    ...(c.employerId ? { employerId: c.employerId } : {}),
    ...(c.personId ? { personId: c.personId } : {}),
    credentialExpiresAt: exp,
  };
}
