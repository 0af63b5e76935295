import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { orderByKeys } from "../../db/loader-helpers.js";
import { smsMessages, type MessageTemplateRow } from "./notification.table.js";
import { currentTemplates } from "./templates.js";

export function createNotificationLoaders(db: Executor) {
  return {
    smsMessageById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await db.select().from(smsMessages).where(inArray(smsMessages.id, [...ids])), (m) => m.id)),
    /** The templates in force, read once a request. */
    messageTemplates: new DataLoader<"current", Map<string, MessageTemplateRow>>(async (keys) => {
      const current = await currentTemplates(db);
      return keys.map(() => current);
    }),
  };
}
