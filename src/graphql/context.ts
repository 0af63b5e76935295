import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Viewer } from "../auth/viewer.js";
import type { PiiCipher } from "../pii/pii-crypto.js";
import type { SearchEngine } from "../search/search-port.js";
import type { EngineCalls } from "./engine-calls.js";
import { createEmployerLoaders } from "../modules/employers/employer.loaders.js";
import { createPartnerLoaders } from "../modules/partners/partner.loaders.js";
import { createPostingLoaders } from "../modules/postings/posting.loaders.js";
import { createScreeningLoaders } from "../modules/screening/screening.loaders.js";
import { createRegionLoaders } from "../modules/regions/region.loaders.js";
import { createAuditLoaders } from "../modules/audit/audit.loaders.js";
import { createPersonLoaders } from "../modules/people/person.loaders.js";
import { createMatchLoaders } from "../modules/matching/match.loaders.js";
import { createCampaignLoaders } from "../modules/categories/campaign.loaders.js";
import { createReferralLoaders } from "../modules/referrals/referral.loaders.js";
import { createMentorLoaders } from "../modules/mentors/mentor.loaders.js";
import { createFairLoaders } from "../modules/fairs/fair.loaders.js";
import { createNotificationLoaders } from "../modules/notifications/notification.loaders.js";

/** DataLoaders live for one request: built here, never shared between requests or users. */
export function createLoaders(db: Database, search: SearchEngine, request: { viewer: Viewer; requestId: string }) {
  const loaders = {
    ...createRegionLoaders(db),
    ...createEmployerLoaders(db),
    ...createPostingLoaders(db),
    ...createScreeningLoaders(db),
    ...createPartnerLoaders(db),
    ...createPersonLoaders(db),
    ...createAuditLoaders(db, request),
    ...createReferralLoaders(db),
    ...createCampaignLoaders(db),
    ...createMentorLoaders(db),
    ...createFairLoaders(db, request),
    ...createNotificationLoaders(db),
  };
  // Recommending reads through the loaders above, so every match in a request shares their batches.
  return { ...loaders, ...createMatchLoaders(db, search, loaders) };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  viewer: Viewer;
  db: Database;
  config: Config;
  pii: PiiCipher;
  search: SearchEngine;
  loaders: Loaders;
  requestId: string;
  log: Logger;
  /** Who the rate limits count this request against (see http/rate-limit.ts). */
  rateKey?: string;
  /** The request's calls to the search engine, capped (see engine-calls.ts); absent: not counted. */
  engineCalls?: EngineCalls;
}
