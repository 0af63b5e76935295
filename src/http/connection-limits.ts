import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { TrustedProxies } from "./client-address.js";

/**
 * What one client may hold of the HTTP server: Node's own timeouts for the headers and the whole
 * request, and at most `maxConnectionsPerAddress` open connections per address (WebSockets included,
 * which subscriptions.ts caps lower again). A connection over the cap is answered 503
 * TOO_MANY_CONNECTIONS and closed before its request is read. Benchmarks on loopback (every client
 * one address) raise the cap or set it to 0 (none). A trusted reverse proxy (TRUSTED_PROXIES) is not
 * capped: every client behind it shares its address at this level, before any header says who they are.
 */
export function limitConnections(server: Server, http: Config["http"], log: Logger, trusted: TrustedProxies = () => false): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = Math.max(http.requestTimeoutMs, http.headersTimeoutMs);
  if (http.maxConnectionsPerAddress <= 0) return;
  const open = new Map<string, number>();
  let lastSaid = 0;
  // Node's own listener (which starts reading requests) runs only for a connection within the cap.
  const nodeListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    if (trusted(address)) {
      for (const listener of nodeListeners) listener.call(server, socket);
      return;
    }
    const n = (open.get(address) ?? 0) + 1;
    open.set(address, n);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    if (n > http.maxConnectionsPerAddress) {
      // Said once a minute at most: a flood would otherwise flood the log too.
      if (Date.now() - lastSaid > 60_000) {
        lastSaid = Date.now();
        log.warn({ max: http.maxConnectionsPerAddress }, "an address is over its connection cap: refusing its new connections");
      }
      // Refused before a request is read, so before its Accept-Language: said in both languages.
      const body = JSON.stringify({ errors: [{ message: `来自此地址的连接过多（最多 ${http.maxConnectionsPerAddress} 个），请稍后再试 / Too many connections from this address (at most ${http.maxConnectionsPerAddress}): try again later`, extensions: { code: "TOO_MANY_CONNECTIONS" } }] });
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${body}`);
      socket.on("error", () => undefined);
      // Half-open until the client reads and closes; cut off if it does not.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    for (const listener of nodeListeners) listener.call(server, socket);
  });
}
