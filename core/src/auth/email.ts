/**
 * Sending sign-in mail: one small port, implemented per platform (Resend's HTTP API here, a
 * plain fetch usable anywhere; Amazon SES in sam/; the local outbox of development in each
 * platform's own storage: D1 on Cloudflare, DynamoDB on AWS).
 */

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

/** A mail the local outbox kept (development only), as GET /api/kodo/dev/outbox lists it. */
export interface OutboxMessage {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  link: string | null;
  createdAt: string;
}

/** The local outbox of development: prints each mail and keeps it for the /dev/outbox page. */
export interface Outbox extends EmailSender {
  newestFirst(limit?: number): Promise<OutboxMessage[]>;
}

/** What the outbox prints: the link, so a developer can click it from the terminal. */
export function logOutboxMessage(m: EmailMessage): void {
  console.log(`[kodo outbox] to ${m.to}: ${m.subject}\n  ${m.link ?? m.text}`);
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

export function magicLinkMessage(to: string, url: string, minutes: number): EmailMessage {
  const text = `Sign in to Kodo with this link (valid for ${minutes} minutes, once):\n\n${url}\n\nIf you did not ask for it, ignore this mail.`;
  const safe = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = `<p>Sign in to Kodo with this link (valid for ${minutes} minutes, once):</p><p><a href="${safe}">Sign in to Kodo</a></p><p>If you did not ask for it, ignore this mail.</p>`;
  return { to, subject: "Your Kodo sign-in link", text, html, link: url };
}
