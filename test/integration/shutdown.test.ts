import { describe, expect, it } from "vitest";
import { startTestApp } from "../helpers/test-app.js";

describe("graceful shutdown", () => {
  it("finishes requests in flight, then refuses new connections and closes the database", async () => {
    const t = await startTestApp();
    // Close once the server has received all twenty requests (a socket that has sent nothing yet is
    // idle and is closed at once — clients retry those).
    let received = 0;
    const allReceived = new Promise<void>((resolve) => t.app.http.on("request", () => ++received === 20 && resolve()));
    const inFlight = Array.from({ length: 20 }, () => t.gql<{ regions: unknown[] }>(`{ regions { code children { code } } }`));
    await allReceived;
    const closing = t.close();
    const results = await Promise.all(inFlight);
    await closing;
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.data!.regions).toHaveLength(31);
    }
    await expect(fetch(t.url, { method: "POST", body: "{}" })).rejects.toThrow();
    expect(t.app.http.listening).toBe(false);
  });
});
