import { randomFillSync } from "node:crypto";
import { v7 as uuidv7, validate as isUuid } from "uuid";

// Random bytes for ids, drawn from the system in blocks: one call per 256 ids rather than one per id
// (a campaign run writes hundreds of thousands of rows; the per-id call was 2 % of its CPU).
const BLOCK = 4096;
let block = new Uint8Array(0);
let at = BLOCK;
const v7State = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

/**
 * New primary keys are UUID v7: time-ordered, so `order by id desc` is newest-first and keysets stay
 * simple. Within one millisecond the counter goes up by one from a random start (the `uuid` package's
 * own rule, RFC 9562 method 1), so ids made one after another in a process always ascend.
 */
export const newId = (): string => {
  if (at + 16 > block.length) {
    block = randomFillSync(new Uint8Array(BLOCK));
    at = 0;
  }
  const random = block.subarray(at, (at += 16));
  const now = Date.now();
  if (now > v7State.msecs) {
    v7State.msecs = now;
    v7State.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    v7State.seq = (v7State.seq + 1) | 0;
    if (v7State.seq === 0) v7State.msecs++;
  }
  return uuidv7({ random, msecs: v7State.msecs, seq: v7State.seq });
};
export { isUuid };
