import type { IncomingHttpHeaders } from "node:http";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { badInput, unauthenticated } from "../errors.js";
import { msg } from "../i18n.js";
import { employerOfUser } from "../modules/employers/employer.service.js";
import { viewerFromApiKey } from "../modules/partners/partner.service.js";
import { viewerFromToken } from "./jwt.js";
import { anonymous, Role, type Viewer } from "./viewer.js";

/**
 * `Authorization: Bearer <JWT>` for people, `X-Api-Key` for partner sites, neither for the public.
 * A credential that is present but wrong is refused, never downgraded to anonymous.
 */
export async function viewerFromRequest(db: Database, config: Config, headers: IncomingHttpHeaders): Promise<Viewer> {
  const authorization = headers.authorization;
  const apiKey = headers["x-api-key"];
  if (authorization !== undefined && apiKey !== undefined) throw badInput("headers", msg("Authorization 与 X-Api-Key 只能发送其一，不能同时发送", "Send either Authorization or X-Api-Key, not both"));
  if (apiKey !== undefined) return viewerFromApiKey(db, String(apiKey).trim());
  // Present but empty is a wrong credential, not an anonymous request.
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated(msg("Authorization 的格式须为 `Bearer <token>`", "Authorization must be `Bearer <token>`"));
    const viewer = await viewerFromToken(config.auth, match[1]!);
    // A company user who signed their employer up carries no employerId: the link is looked up.
    if (viewer.kind === "user" && viewer.role === Role.EMPLOYER && !viewer.employerId) {
      const employerId = await employerOfUser(db, viewer.userId);
      if (employerId) return { ...viewer, employerId };
    }
    return viewer;
  }
  return anonymous;
}
