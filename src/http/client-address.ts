import { BlockList, isIP, type BlockList as Blocks } from "node:net";
import type { IncomingMessage } from "node:http";

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function plain(address: string): string {
  const a = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

/** Whether TRUSTED_PROXIES holds an address, or a network (CIDR) holding it. */
export type TrustedProxies = (address: string) => boolean;

/** TRUSTED_PROXIES' entries (addresses, CIDRs) as a test; an empty list trusts no one. Entries are checked by config.ts. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return () => false;
  const list: Blocks = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/") as [string, string | undefined];
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    const a = plain(address);
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 6 ? "ipv6" : "ipv4");
  };
}

/**
 * The client's address: the peer's, unless the peer is a trusted proxy; then X-Forwarded-For is
 * read from the right, skipping trusted proxies, and the right-most untrusted address is the client
 * (entries to its left are whatever the client sent, so never believed). An entry that is not an
 * address stops the walk at the last trusted hop. Used by rate limits, connection caps and the access log.
 */
export function clientAddress(req: Pick<IncomingMessage, "socket" | "headers">, trusted: TrustedProxies): string {
  const peer = plain(req.socket.remoteAddress ?? "unknown");
  if (!trusted(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map(plain).filter((h) => h.length > 0);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    client = hop;
    if (!trusted(hop)) break;
  }
  return client;
}
