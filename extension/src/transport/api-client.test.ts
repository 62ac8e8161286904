import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeApiServer } from "../../test/fake-api-server";
import type { WireHeartbeat } from "../wire/wakatime-v1";
import { createApiClient } from "./api-client";

const USER_AGENT = "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)";
const wire = (time: number, over: Partial<WireHeartbeat> = {}): WireHeartbeat => ({
  entity: "/p/a.ts",
  type: "file",
  category: "coding",
  time,
  is_write: false,
  machine: "devbox",
  user_agent: USER_AGENT,
  ...over,
});

let server: FakeApiServer;
beforeEach(async () => {
  server = await new FakeApiServer().start();
});
afterEach(async () => {
  await server.stop();
});
const client = (over: { apiKey?: string; apiUrl?: string; timeoutMs?: number } = {}) =>
  createApiClient({
    apiUrl: over.apiUrl ?? server.apiUrl,
    apiKey: over.apiKey ?? server.validKey,
    userAgent: USER_AGENT,
    machineName: "devbox",
    ...(over.timeoutMs ? { timeoutMs: over.timeoutMs } : {}),
  });

describe("createApiClient.sendBulk (against a real loopback server)", () => {
  it("posts the batch as JSON with WakaTime's headers", async () => {
    const outcome = await client().sendBulk([wire(1), wire(2)]);
    expect(outcome).toEqual({ kind: "answered", statuses: [201, 201] });
    const [req] = server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/api/v1/users/current/heartbeats.bulk");
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(server.validKey).toString("base64")}`);
    expect(req?.headers["user-agent"]).toBe(USER_AGENT);
    expect(req?.headers["x-machine-name"]).toBe("devbox");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.body).toEqual([wire(1), wire(2)]);
  });

  it("reports per-item statuses in order: 201 stored, 202 duplicate, 400 bad", async () => {
    await client().sendBulk([wire(1)]);
    const bad = { ...wire(3), entity: undefined } as unknown as WireHeartbeat;
    expect(await client().sendBulk([wire(2), wire(1), bad])).toEqual({
      kind: "answered",
      statuses: [201, 202, 400],
    });
  });

  it("tolerates a trailing slash in the API URL", async () => {
    expect((await client({ apiUrl: server.apiUrl + "/" }).sendBulk([wire(1)])).kind).toBe("answered");
  });

  it("asks for a retry on 500 and passes Retry-After on", async () => {
    server.behaviour = { kind: "status", status: 500 };
    expect(await client().sendBulk([wire(1)])).toEqual({ kind: "retry", reason: "HTTP 500" });
    server.behaviour = { kind: "status", status: 429, retryAfterSeconds: 7 };
    expect(await client().sendBulk([wire(1)])).toEqual({
      kind: "retry",
      reason: "HTTP 429",
      retryAfterMs: 7000,
    });
  });

  it("reports a bad key as unauthorized", async () => {
    expect(await client({ apiKey: "waka_wrong" }).sendBulk([wire(1)])).toEqual({
      kind: "unauthorized",
      httpStatus: 401,
    });
  });

  it("reports a whole-request 400 as a rejected batch", async () => {
    server.behaviour = { kind: "status", status: 400 };
    expect(await client().sendBulk([wire(1)])).toEqual({ kind: "rejected", httpStatus: 400 });
  });

  it("asks for a retry when the answer is not the bulk shape", async () => {
    server.behaviour = { kind: "garbage" };
    expect((await client().sendBulk([wire(1)])).kind).toBe("retry");
  });

  it("gives up on a server that does not answer in time", async () => {
    server.behaviour = { kind: "hang" };
    expect(await client({ timeoutMs: 200 }).sendBulk([wire(1)])).toEqual({
      kind: "retry",
      reason: "timeout",
    });
  });

  it("asks for a retry when the connection is refused", async () => {
    await server.stop();
    expect(await client().sendBulk([wire(1)])).toEqual({ kind: "retry", reason: "ECONNREFUSED" });
  });
});

describe("createApiClient.fetchToday", () => {
  it("reads today's total", async () => {
    expect(await client().fetchToday()).toEqual({
      kind: "ok",
      today: { text: "1 hr 5 mins", totalSeconds: 3900 },
    });
    expect(server.requests[0]?.path).toBe("/api/v1/users/current/statusbar/today");
  });
  it("reports failures and bad keys", async () => {
    expect(await client({ apiKey: "nope" }).fetchToday()).toEqual({ kind: "unauthorized" });
    await server.stop();
    expect(await client().fetchToday()).toEqual({ kind: "failed", reason: "ECONNREFUSED" });
  });
});
