/**
 * Sign-in on AWS beyond the shared contract: the limits hold across Lambda containers (two
 * sam:local processes on one dynalite), a client cannot choose the address it is counted by,
 * and sign-in mail leaves through SES's real API shape (the SDK against a local endpoint).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { sesSender } from "../src/auth/ses.ts";
import { localDynamo, startRunner, type RunnerProcess } from "./helpers.ts";

describe("sign-in limits across containers", () => {
  let dynamo: Awaited<ReturnType<typeof localDynamo>>;
  let runners: RunnerProcess[] = [];
  beforeAll(async () => {
    dynamo = await localDynamo();
    // One after the other: both bundle into their own scratch folders.
    for (let i = 0; i < 2; i++) runners.push(await startRunner(dynamo.endpoint, { AUTH_RATE_LIMIT: "on" }));
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await dynamo?.close();
  });

  const requestLink = (runner: RunnerProcess, email: string, spoofedIp?: string) =>
    fetch(`${runner.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(spoofedIp ? { "x-kodo-client-ip": spoofedIp, "x-forwarded-for": spoofedIp } : {}) },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });

  it("counts one client's sign-in links on every container, whatever address headers it sends", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Another address each time (so only the per-client limit applies), alternating containers,
      // each request claiming to come from somewhere else.
      const res = await requestLink(runners[i % 2]!, `limit-${i}-${crypto.randomUUID().slice(0, 6)}@example.com`, `203.0.113.${i + 1}`);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe("SES sender", () => {
  let server: http.Server;
  const received: { path: string; body: any; auth: string | undefined }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: JSON.parse(body), auth: req.headers.authorization });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ MessageId: "local-1" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("sends the sign-in mail as SendEmail from the configured identity, text and HTML", async () => {
    const client = new SESv2Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await sesSender("Kodo <signin@kodo.example>", client).send({ to: "ada@example.com", subject: "Your Kodo sign-in link", text: "link: https://x/y", html: "<p>link</p>", link: "https://x/y" });
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe("/v2/email/outbound-emails");
    expect(received[0]!.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d+\/eu-west-1\/ses\/aws4_request/);
    expect(received[0]!.body).toEqual({
      FromEmailAddress: "Kodo <signin@kodo.example>",
      Destination: { ToAddresses: ["ada@example.com"] },
      Content: {
        Simple: {
          Subject: { Data: "Your Kodo sign-in link", Charset: "UTF-8" },
          Body: { Text: { Data: "link: https://x/y", Charset: "UTF-8" }, Html: { Data: "<p>link</p>", Charset: "UTF-8" } },
        },
      },
    });
  });
});
