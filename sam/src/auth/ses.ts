/**
 * Sign-in mail through Amazon SES (API v2). The function may send only from the identity the
 * stack names (template.yaml: ses:SendEmail on that identity), and from no other.
 */
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import type { EmailSender } from "@kodo/core/auth";

export function sesSender(from: string, client: Pick<SESv2Client, "send"> = new SESv2Client({ maxAttempts: 3 })): EmailSender {
  return {
    async send(m) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [m.to] },
          Content: {
            Simple: {
              Subject: { Data: m.subject, Charset: "UTF-8" },
              Body: { Text: { Data: m.text, Charset: "UTF-8" }, Html: { Data: m.html, Charset: "UTF-8" } },
            },
          },
        }),
      );
    },
  };
}
