/**
 * Sending sign-in mail. One small interface, two implementations: Resend's HTTP API in
 * production (a plain fetch, no SDK), and a local outbox for development that prints the
 * message to the console and keeps it in D1 for the dashboard's /dev/outbox page.
 */
import { drizzle } from "drizzle-orm/d1";
import { desc } from "drizzle-orm";
import { outboxMessages } from "../db/schema.ts";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The sign-in link the message carries (the outbox page shows it as a button). */
  link: string | null;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export function resendSender(apiKey: string, from: string, fetchFn: typeof fetch = fetch): EmailSender {
  return {
    async send(m) {
      const res = await fetchFn("https://api.resend.com/emails", {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ from, to: [m.to], subject: m.subject, text: m.text, html: m.html }),
      });
      if (!res.ok) throw new Error(`Resend answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
  };
}

/** Local development only: never configured when a real sender is (config.ts). */
export function localOutbox(d1: D1Database): EmailSender {
  const db = drizzle(d1);
  return {
    async send(m) {
      console.log(`[kodo outbox] to ${m.to}: ${m.subject}\n  ${m.link ?? m.text}`);
      await db.insert(outboxMessages).values({ id: crypto.randomUUID(), recipient: m.to, subject: m.subject, text: m.text, link: m.link, createdAt: new Date().toISOString() });
    },
  };
}

export async function outboxMessagesNewestFirst(d1: D1Database, limit = 20) {
  return drizzle(d1).select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
}

export function magicLinkMessage(to: string, url: string, minutes: number): EmailMessage {
  const text = `Sign in to Kodo with this link (valid for ${minutes} minutes, once):\n\n${url}\n\nIf you did not ask for it, ignore this mail.`;
  const safe = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = `<p>Sign in to Kodo with this link (valid for ${minutes} minutes, once):</p><p><a href="${safe}">Sign in to Kodo</a></p><p>If you did not ask for it, ignore this mail.</p>`;
  return { to, subject: "Your Kodo sign-in link", text, html, link: url };
}
