/**
 * Where a webhook may point (issue 22): a URL on one of its partner's approved prefixes, HTTPS in
 * production, and — unless private addresses are allowed (outside production only) — a host that is
 * and resolves to public addresses only, checked when it is registered and again on every connection
 * (a name that resolved to a public address at registration may resolve to 127.0.0.1 later: DNS
 * rebinding). URLs are read with WHATWG URL, which also normalises the odd forms of an address
 * (http://2130706433/, http://0x7f.1/, http://[::ffff:127.0.0.1]/ are all 127.0.0.1).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";

/** Where webhooks may go: the config's rules (config.webhooks). */
export interface WebhookTargetRules {
  httpsOnly: boolean;
  allowPrivate: boolean;
}

const MAX_URL = 500;

/** A URL parsed and put in its one normal form, or BAD_USER_INPUT naming `field`. */
export function normaliseWebhookUrl(raw: string, field: string, rules: Pick<WebhookTargetRules, "httpsOnly">): URL {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL) throw badInput(field, msg(`网址须为 1–${MAX_URL} 个字符`, `A URL is 1–${MAX_URL} characters`));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(field, msg("网址无效", "Not a valid URL"));
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw badInput(field, msg("网址须以 https:// 开头", "A webhook URL is http(s)"));
  if (rules.httpsOnly && url.protocol !== "https:") throw badInput(field, msg("生产环境中网址须以 https:// 开头", "A webhook URL must be https:// in production"));
  if (url.username || url.password) throw badInput(field, msg("网址不能包含用户名或密码", "A webhook URL cannot carry a user name or password"));
  if (url.hash || text.includes("#")) throw badInput(field, msg("网址不能包含片段（#）", "A webhook URL cannot have a fragment (#)"));
  if (url.href.length > MAX_URL) throw badInput(field, msg(`网址须为 1–${MAX_URL} 个字符`, `A URL is 1–${MAX_URL} characters`));
  return url;
}

/**
 * An approved prefix's normal form: origin and path (no query). A prefix names a whole path segment
 * or more: `https://a.example/hooks` admits `/hooks` and `/hooks/…`, never `/hooksmith`.
 */
export function normaliseUrlPrefix(raw: string, rules: Pick<WebhookTargetRules, "httpsOnly">): string {
  const url = normaliseWebhookUrl(raw, "urlPrefix", rules);
  if (url.search) throw badInput("urlPrefix", msg("前缀不能包含查询串（?）", "A prefix cannot have a query (?)"));
  return url.href;
}

/** Whether a URL is on an approved prefix: the same origin, and the path at or under the prefix's. */
export function urlOnPrefix(url: URL, prefix: string): boolean {
  const p = new URL(prefix);
  if (p.origin !== url.origin) return false;
  if (url.pathname === p.pathname) return true;
  const base = p.pathname.endsWith("/") ? p.pathname : `${p.pathname}/`;
  return url.pathname.startsWith(base);
}

/**
 * IPv6 global unicast: the only block IANA allocates from (2000::/3). Outside it, ipaddr.js calls some
 * special blocks "unicast" — the deprecated IPv4-compatible ::/96 (`::7f00:1` is 127.0.0.1 on a host
 * that still routes it), and the rest of ::/8 (RFC 4291) — so they are refused here.
 */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/**
 * Whether an address is one a webhook may reach: unicast on the public internet (nothing loopback,
 * private, link-local, CGNAT …; in IPv6 also nothing with an IPv4 address inside — IPv4-compatible,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4, Teredo, SIIT — only 2000::/3 outside those).
 */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 0 || address.includes("%")) return false; // an IPv6 zone (fe80::1%eth0) is link-local anyway
  // IPv6 in its normal form first: ipaddr.js reads `::a.b.c.d` (IPv4-compatible) as `::ffff:a.b.c.d`.
  const text = version === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  if (!ipaddr.isValid(text)) return false;
  // process: ::ffff:a.b.c.d is a.b.c.d, and is judged as that.
  const parsed = ipaddr.process(text);
  if (parsed.range() !== "unicast") return false;
  return parsed.kind() === "ipv4" || (parsed as ipaddr.IPv6).match(IPV6_GLOBAL_UNICAST);
}

/** The host of a URL as an address when it is one (WHATWG URL gives IPv6 in brackets). */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/**
 * At registration: refuses (BAD_USER_INPUT on `field`) a host that is, or resolves to, any address
 * that is not public, when private addresses are not allowed. A name that does not resolve is refused too.
 */
export async function checkWebhookTarget(url: URL, field: string, rules: WebhookTargetRules): Promise<void> {
  if (rules.allowPrivate) return;
  const refused = () => badInput(field, msg("网址指向内网、回环或保留地址，不允许", "The URL points to a loopback, private or reserved address: not allowed"));
  const literal = literalAddress(url.hostname);
  if (literal) {
    if (!isPublicAddress(literal)) throw refused();
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    throw badInput(field, msg("无法解析网址中的主机名", "The URL's host name does not resolve"));
  }
  if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) throw refused();
}

/** Why a send was refused before connecting: the endpoint's host is, or now resolves to, a non-public address. */
export class PrivateAddressError extends Error {
  readonly code = "EPRIVATEADDRESS";
}

/**
 * At send time: a `lookup` for node:http(s) that resolves the host and fails unless every address is
 * public, so the connection goes to an address just checked (no second resolution in between).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, verbatim: true, ...(options.family ? { family: options.family } : {}) }, (err, addresses) => {
    if (err) return callback(err, "", 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (addresses.length === 0 || bad) return callback(new PrivateAddressError(`${hostname} resolves to a non-public address${bad ? ` (${bad.address})` : ""}`), "", 0);
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** A literal address in an endpoint's URL is checked before connecting (node:net does not look literals up). */
export function literalTargetAllowed(url: URL, rules: Pick<WebhookTargetRules, "allowPrivate">): boolean {
  if (rules.allowPrivate) return true;
  const literal = literalAddress(url.hostname);
  return literal === null || isPublicAddress(literal);
}
