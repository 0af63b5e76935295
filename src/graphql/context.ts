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
import { createMatchLoaders, type MatchLoaderInputs } from "../modules/matching/match.loaders.js";
import { createCampaignLoaders } from "../modules/categories/campaign.loaders.js";
import { createReferralLoaders } from "../modules/referrals/referral.loaders.js";
import { createMentorLoaders } from "../modules/mentors/mentor.loaders.js";
import { createFairLoaders } from "../modules/fairs/fair.loaders.js";
import { createNotificationLoaders } from "../modules/notifications/notification.loaders.js";
import { createSubsidyLoaders } from "../modules/subsidies/subsidy.loaders.js";

/** What a module's loaders are built from: the request's database, engine and viewer. */
interface LoaderScope {
  db: Database;
  search: SearchEngine;
  request: { viewer: Viewer; requestId: string };
}

/** Each module's per-request loaders; matching reads through the others (postings, referrals), so a request's matches share their batches. */
const MODULES = [
  (s: LoaderScope) => createRegionLoaders(s.db),
  (s: LoaderScope) => createEmployerLoaders(s.db),
  (s: LoaderScope) => createPostingLoaders(s.db),
  (s: LoaderScope) => createScreeningLoaders(s.db),
  (s: LoaderScope) => createPartnerLoaders(s.db),
  (s: LoaderScope) => createPersonLoaders(s.db),
  (s: LoaderScope) => createAuditLoaders(s.db, s.request),
  (s: LoaderScope) => createReferralLoaders(s.db),
  (s: LoaderScope) => createCampaignLoaders(s.db),
  (s: LoaderScope) => createMentorLoaders(s.db),
  (s: LoaderScope) => createFairLoaders(s.db, s.request),
  (s: LoaderScope) => createNotificationLoaders(s.db),
  (s: LoaderScope) => createSubsidyLoaders(s.db),
  (s: LoaderScope, all: MatchLoaderInputs) => createMatchLoaders(s.db, s.search, all),
] as const;

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
export type Loaders = Intersection<ReturnType<(typeof MODULES)[number]>>;

/**
 * A request's loaders, each module's built when one of them is first used: most requests touch one
 * or two modules, and building all 26 DataLoaders for each (a `{ __typename }` as much as a page)
 * cost more than the request. `ctx.loaders.x` reads as a plain object; the getters are defined once
 * per process, on the prototype, from the names the first build gave.
 */
class RequestLoaders {
  readonly built: (object | undefined)[] = [];
  constructor(readonly scope: LoaderScope) {}
}

let defined = false;

function defineGetters(first: RequestLoaders): void {
  const seen = new Set<string>();
  MODULES.forEach((_, i) => {
    for (const name of Object.keys(first.built[i]!)) {
      if (seen.has(name)) throw new Error(`Two modules build a loader named ${name}`);
      seen.add(name);
      Object.defineProperty(RequestLoaders.prototype, name, {
        get(this: RequestLoaders) {
          const built = (this.built[i] ??= MODULES[i]!(this.scope, this as unknown as Loaders));
          const loader = (built as Record<string, unknown>)[name];
          // Kept on the request's object: the next `ctx.loaders.x` (a page asks a hundred times) is a plain read.
          Object.defineProperty(this, name, { value: loader, enumerable: true });
          return loader;
        },
      });
    }
  });
  defined = true;
}

/** DataLoaders live for one request: built here (lazily, per module), never shared between requests or users. */
export function createLoaders(db: Database, search: SearchEngine, request: { viewer: Viewer; requestId: string }): Loaders {
  const loaders = new RequestLoaders({ db, search, request });
  if (!defined) {
    // The first request builds every module's loaders (it uses them as its own), which names the getters.
    MODULES.forEach((build, i) => (loaders.built[i] = build(loaders.scope, loaders as unknown as Loaders)));
    defineGetters(loaders);
  }
  return loaders as unknown as Loaders;
}

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
