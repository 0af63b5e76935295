import { describe, expect, it } from "vitest";
import { credentialHeaders } from "../../src/http/subscriptions.js";
import { createLogger } from "../../src/logger.js";
import { FairEventHub, MAX_BUFFERED, type FairEventMessage } from "../../src/modules/fairs/fair-events.js";

/** A database whose LISTEN is a function the test calls. */
function fakeDatabase() {
  const sent: { deliver?: (payload: string) => void; gap?: () => void; listens: number; stopped: number } = { listens: 0, stopped: 0 };
  return {
    sent,
    listen: async (_channel: string, onPayload: (p: string) => void, onGap?: () => void) => {
      sent.listens++;
      sent.deliver = onPayload;
      sent.gap = onGap;
      return async () => void sent.stopped++;
    },
  };
}

const event = (fairId: string, n: number): FairEventMessage => ({
  kind: "SLOT_FREED", fairId, sessionId: `s${n}`, seatsLeft: n, fairStatus: null, bookingId: null, personId: null, employerId: null, at: new Date(0).toISOString(),
});

describe("the fair event hub", () => {
  it("hands each fair's events to its own subscribers in order, and forgets a subscriber that returns", async () => {
    const db = fakeDatabase();
    const hub = new FairEventHub(createLogger("silent"));
    await Promise.all([hub.start(db), hub.start(db)]);
    expect(db.sent.listens).toBe(1); // two starts at once listen once
    const a = hub.subscribe("fair-a");
    const b = hub.subscribe("fair-b");
    db.sent.deliver!(JSON.stringify(event("fair-a", 1)));
    db.sent.deliver!(JSON.stringify(event("fair-b", 2)));
    db.sent.deliver!("not json");
    db.sent.deliver!(JSON.stringify(event("fair-a", 3)));
    expect((await a.next()).value.sessionId).toBe("s1");
    expect((await a.next()).value.sessionId).toBe("s3");
    expect((await b.next()).value.sessionId).toBe("s2");
    expect(hub.size).toBe(2);
    await a.return!();
    expect(hub.size).toBe(1);
    expect((await a.next()).done).toBe(true);
    await hub.close();
    expect(hub.size).toBe(0);
    expect((await b.next()).done).toBe(true);
    expect(db.sent.stopped).toBe(1);
  });

  it("replaces what a subscriber fell behind by with one RESYNC, then goes on; a lost connection sends RESYNC to all", async () => {
    const db = fakeDatabase();
    const hub = new FairEventHub(createLogger("silent"));
    await hub.start(db);
    const slow = hub.subscribe("f");
    for (let i = 0; i <= MAX_BUFFERED; i++) db.sent.deliver!(JSON.stringify(event("f", i)));
    db.sent.deliver!(JSON.stringify(event("f", 9999)));
    const first = await slow.next();
    expect(first.value.kind).toBe("RESYNC");
    expect((await slow.next()).value.sessionId).toBe("s9999");
    db.sent.gap!();
    expect((await slow.next()).value).toMatchObject({ kind: "RESYNC", fairId: "f" });
    expect(hub.size).toBe(1);
    await hub.close();
  });
});

describe("subscription credentials", () => {
  it("reads them from the payload, its headers, or the upgrade request; refuses non-strings and two different values", () => {
    expect(credentialHeaders({ authorization: "Bearer a" }, { authorization: "Bearer b" })).toEqual({ authorization: "Bearer a" });
    expect(credentialHeaders({ headers: { Authorization: "Bearer a" } }, {})).toEqual({ authorization: "Bearer a" });
    expect(credentialHeaders({ "X-Api-Key": "jbpk_x" }, {})).toEqual({ "x-api-key": "jbpk_x" });
    expect(credentialHeaders(undefined, { authorization: "Bearer up" })).toEqual({ authorization: "Bearer up" });
    expect(credentialHeaders({}, {})).toEqual({});
    expect(() => credentialHeaders({ authorization: 42 }, {})).toThrow(/must be a string/);
    expect(() => credentialHeaders({ authorization: "Bearer a", headers: { authorization: "Bearer b" } }, {})).toThrow(/twice/);
  });
});
