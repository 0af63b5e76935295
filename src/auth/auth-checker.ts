import type { AuthChecker } from "type-graphql";
import { unauthenticated } from "../errors.js";
import type { Context } from "../graphql/context.js";
import type { Role } from "./viewer.js";

/** Coarse role gate for @Authorized; ownership and region scope are the services' rules. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (viewer.kind === "anonymous") throw unauthenticated();
  return roles.length === 0 || roles.includes(viewer.role);
};
