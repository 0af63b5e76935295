import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loggableMessage } from "../../src/logger.js";

describe("loggableMessage", () => {
  it("gives a query error's driver message and statement, never its parameters (drizzle's own message lists them)", () => {
    const idNumber = "350102199001011234";
    const error = new DrizzleQueryError("insert into people (id_number, phone)\n  values ($1, $2)", [idNumber, "13800000000"], new Error('duplicate key value violates unique constraint "people_id_hash_key"'));
    expect(error.message).toContain(idNumber);
    const shown = loggableMessage(error);
    expect(shown).not.toContain(idNumber);
    expect(shown).not.toContain("13800000000");
    expect(shown).toBe('duplicate key value violates unique constraint "people_id_hash_key" (in: insert into people (id_number, phone) values ($1, $2))');
  });

  it("gives any other error's message as it is", () => {
    expect(loggableMessage(new Error("boom"))).toBe("boom");
    expect(loggableMessage("plain")).toBe("plain");
  });
});
