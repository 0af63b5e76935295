import { createHash } from "node:crypto";
import { registerEnumType } from "type-graphql";

export enum Role {
  ADMIN = "ADMIN",
  /** 人社 / 教育 caseworker, scoped to a region-code prefix and/or an institution. */
  CASEWORKER = "CASEWORKER",
  MENTOR = "MENTOR",
  /** Acts for one employer only. */
  EMPLOYER = "EMPLOYER",
  /** A third-party recruitment site (X-Api-Key). */
  PARTNER = "PARTNER",
  /** A job seeker acting for themself. */
  SEEKER = "SEEKER",
}
registerEnumType(Role, {
  name: "Role",
  description: "What a caller may do; scopes narrow it further.",
  valuesConfig: {
    ADMIN: { description: "An administrator: the whole province; blocks postings, issues partner keys, sets policy." },
    CASEWORKER: { description: "A caseworker of an HR & social-security or education bureau, scoped to a region-code prefix and/or an institution." },
    EMPLOYER: { description: "Acts for one employer only." },
    MENTOR: { description: "A 红娘 mentor, for their own mentees." },
    PARTNER: { description: "A third-party recruitment site (X-Api-Key)." },
    SEEKER: { description: "A job seeker acting for themself." },
  },
});

export type PartnerScope = "postings:read" | "postings:write" | "webhooks";
export const PARTNER_SCOPES: readonly PartnerScope[] = ["postings:read", "postings:write", "webhooks"];

/** The scopes as a GraphQL enum: the name a client sends, the value stored with the key. */
export enum PartnerScopeEnum {
  POSTINGS_READ = "postings:read",
  POSTINGS_WRITE = "postings:write",
  WEBHOOKS = "webhooks",
}
registerEnumType(PartnerScopeEnum, {
  name: "PartnerScope",
  description: "What a partner site's API key may do.",
  valuesConfig: {
    POSTINGS_READ: { description: "Read postings (reads are not narrowed by scope yet: any valid key reads what the public reads)." },
    POSTINGS_WRITE: { description: "Push the site's own postings (upsertPartnerPostings)." },
    WEBHOOKS: { description: "Register and manage the site's webhooks, and read and redeliver their deliveries. Keys issued before it existed lack it: issue a new key." },
  },
});
const scopesInSync: readonly PartnerScope[] = Object.values(PartnerScopeEnum);
if (scopesInSync.join() !== PARTNER_SCOPES.join()) throw new Error("PartnerScope out of sync");

export type Viewer =
  | { kind: "anonymous" }
  | {
      kind: "user";
      /** JWT `sub`: the identity provider's user id. */
      userId: string;
      role: Exclude<Role, Role.PARTNER>;
      regionCode?: string;
      institutionId?: string;
      employerId?: string;
      /** A seeker's own ledger record. */
      personId?: string;
      /** When the credential this viewer came from expires (a token's `exp`, in seconds): nothing it grants may outlive it. */
      credentialExpiresAt?: number;
    }
  | { kind: "partner"; role: Role.PARTNER; partnerId: string; partnerName: string; keyId: string; scopes: PartnerScope[] };

export const anonymous: Viewer = { kind: "anonymous" };

/** Who did it, for `created_by` columns and audit rows. */
export function actorOf(viewer: Viewer): string {
  switch (viewer.kind) {
    case "anonymous":
      return "anonymous";
    case "user":
      return `${viewer.role.toLowerCase()}:${viewer.userId}`;
    case "partner":
      return `partner:${viewer.partnerId}`;
  }
}

/**
 * The caller's whole identity as one short string: role, `sub`, region, institution, employer and
 * person for a token; partner and key id for an API key. Two credentials share it only if every one
 * of these matches, so what is keyed by it (Idempotency-Key answers, rate-limit buckets) never
 * crosses tenants — two employer tokens with one `sub` but different employers are two callers.
 */
export function identityOf(viewer: Viewer): string {
  switch (viewer.kind) {
    case "anonymous":
      return "anonymous";
    case "user": {
      const claims = [viewer.role, viewer.userId, viewer.regionCode ?? null, viewer.institutionId ?? null, viewer.employerId ?? null, viewer.personId ?? null];
      return `user:${viewer.role}:${createHash("sha256").update(JSON.stringify(claims)).digest("base64url")}`;
    }
    case "partner":
      return `key:${viewer.partnerId}:${viewer.keyId}`;
  }
}

export function roleOf(viewer: Viewer): Role | null {
  return viewer.kind === "anonymous" ? null : viewer.role;
}

/** A caseworker's region scope: a GB/T 2260 prefix of 2, 4 or 6 digits ("35" province, "3501" Fuzhou). */
export function regionWithinScope(scopePrefix: string | undefined, regionCode: string): boolean {
  return scopePrefix !== undefined && regionCode.startsWith(scopePrefix);
}
