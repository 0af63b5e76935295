import { sql } from "drizzle-orm";
import { demoPartnerKey } from "../seed/demo.js";
import { signToken } from "./auth/jwt.js";
import { Role } from "./auth/viewer.js";
import type { Config } from "./config.js";
import { queryRows, type Database } from "./db/client.js";
import { serviceToday } from "./dates.js";

/** What a developer needs to try the API at once: tokens for each role and a query to paste. */
export async function banner(config: Config, url: string, db: Database): Promise<string> {
  const [employer] = await queryRows<{ id: string; name: string }>(
    db,
    sql`select id, name from employers where region_code like '3501%' order by created_at, id limit 1`,
  );
  const [person] = await queryRows<{ id: string; name: string }>(db, sql`select id, name from people where household_region_code like '3501%' order by id limit 1`);
  // A week, or less when AUTH_MAX_TOKEN_LIFETIME is shorter (a token over the cap would be refused).
  const lifetime = Math.min(7 * 86_400, config.auth.maxTokenLifetimeSeconds);
  const sign = (claims: Parameters<typeof signToken>[1]) => signToken(config.auth, claims, `${lifetime}s`);
  const tokens: [string, string][] = [
    ["ADMIN", await sign({ sub: "demo-admin", role: Role.ADMIN })],
    ["CASEWORKER (福州 3501)", await sign({ sub: "demo-caseworker", role: Role.CASEWORKER, regionCode: "3501" })],
    ["MENTOR", await sign({ sub: "demo-mentor", role: Role.MENTOR })],
  ];
  if (person) tokens.push([`SEEKER (${person.name}, in the ledger)`, await sign({ sub: "demo-seeker", role: Role.SEEKER, personId: person.id })]);
  if (employer) tokens.push([`EMPLOYER (${employer.name})`, await sign({ sub: "demo-employer", role: Role.EMPLOYER, employerId: employer.id })]);
  const query = `{ postings(first: 3, filter: { regionCode: "35" }) { totalCount edges { node { title salaryMin salaryMax employer { name } region { name } } } } }`;
  // This year's campaign and fair (the demo seeds them; on a real database, whatever is running).
  const [campaign] = await queryRows<{ id: string; code: string; starts_on: string; ends_on: string }>(
    db,
    sql`select id, code, starts_on::text, ends_on::text from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES' limit 1`,
  );
  const [fair] = await queryRows<{ id: string; title: string; status: string }>(db, sql`select id, title, status::text from job_fairs where status in ('OPEN', 'LIVE') order by starts_at desc, id limit 1`);
  // A Fuzhou key-group graduate below their minimum in it, for a caseworker's first recommendation.
  const [graduate] = campaign
    ? await queryRows<{ id: string }>(
        db,
        sql`select p.id from people p
            where p.household_region_code like '3501%'
              and exists (select 1 from person_categories pc join campaign_categories cc on cc.category_code = pc.category_code
                          where pc.person_id = p.id and cc.campaign_id = ${campaign.id})
              and not exists (select 1 from referrals r where r.person_id = p.id)
            order by p.id limit 1`,
      )
    : [];
  const tryLines: string[] = [];
  if (campaign) {
    tryLines.push(`  Current campaign: ${campaign.code} (${campaign.starts_on} … ${campaign.ends_on})  id ${campaign.id}`);
    // A demo database kept past its campaign's window (or a real one nobody has rolled over) says so.
    const today = serviceToday();
    if (campaign.ends_on < today || campaign.starts_on > today)
      tryLines.push(
        `  ! Today (${today}) is outside its window: referrals made today do not count in it. An administrator closes it`,
        "    (closeCampaign) and creates and activates this year's (createCampaign, activateCampaign); for a fresh demo, delete .data/pglite.",
      );
    if (graduate) tryLines.push(`  A Fuzhou key-group graduate below their minimum: person ${graduate.id}`);
    tryLines.push(
      "  As the caseworker: `{ person(id: \"<person>\") { matches(first: 3) { items { posting { id title } } } referralProgress { campaign { code } required counted } } }`,",
      "    then `mutation { recommendPostings(personId: \"<person>\", postingIds: [\"<posting>\"]) { referral { id } } }`,",
      `    and \`mutation { fulfilReferralMinimums(campaignId: "${campaign.id}", scope: { regionCode: "3501" }) { id status } }\``,
    );
  }
  if (fair) tryLines.push(`  Fair (${fair.status}): ${fair.title}  id ${fair.id} — subscribe over WebSocket: \`subscription { fairEvents(fairId: "${fair.id}") { __typename } }\``);
  return [
    "",
    "  就业帮扶 API — development mode (dev secrets; demo data)",
    `  GraphQL:  ${url}`,
    `  Health:   ${url.replace(/\/graphql$/, "/healthz")}  ·  ${url.replace(/\/graphql$/, "/readyz")}`,
    "",
    `  Demo tokens (Authorization: Bearer <token>, valid ${lifetime === 7 * 86_400 ? "7 days" : `${lifetime} seconds`}):`,
    ...tokens.map(([role, token]) => `    ${role}:\n      ${token}`),
    `  Demo partner key (X-Api-Key):\n      ${demoPartnerKey(config.auth.jwtSecret)}`,
    "",
    ...tryLines,
    "",
    "  Try:",
    `    curl -s ${url} -H 'content-type: application/json' \\`,
    `      -d '${JSON.stringify({ query })}'`,
    "",
  ].join("\n");
}

