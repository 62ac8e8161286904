/** Local development's outbox on D1 (core/src/auth/email.ts): printed, and kept for /dev/outbox. */
import { drizzle } from "drizzle-orm/d1";
import { desc } from "drizzle-orm";
import { logOutboxMessage, type Outbox } from "@kodo/core/auth";
import { outboxMessages } from "../db/schema.ts";

/** Local development only: never configured when a real sender is (config.ts). */
export function d1Outbox(d1: D1Database): Outbox {
  const db = drizzle(d1);
  return {
    async send(m) {
      logOutboxMessage(m);
      await db.insert(outboxMessages).values({ id: crypto.randomUUID(), recipient: m.to, subject: m.subject, text: m.text, link: m.link, createdAt: new Date().toISOString() });
    },
    async newestFirst(limit = 20) {
      return db.select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
    },
  };
}
