/**
 * Remote import on the AWS adapter under the address policy, with real sockets: the SAM ports
 * (portsFromEnv: DynamoDB on dynalite, lambdaOutbound with node:dns and the guarded undici
 * fetch) serve the API in-process, and a real server on loopback counts what reaches it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApi } from "@kodo/core/http";
import { UNREACHABLE_TEXT, safeFetch } from "@kodo/core";
import { portsFromEnv } from "../src/ports.ts";
import { guardedFetch, lambdaOutbound, type LookupFn } from "../src/outbound.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, createUser, localDynamo } from "./helpers.ts";
import { refusedImportUrls } from "../../core/contract/remote-import-contract.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let server: http.Server;
let port: number;
const requests: string[] = [];

beforeAll(async () => {
  dynamo = await localDynamo();
  // A WakaTime-like server with no history: enough for a job to be created.
  server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: { total_seconds: 0, range: {} } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await dynamo?.close();
});

beforeEach(() => {
  requests.length = 0;
});

function app(extra: Record<string, string> = {}) {
  const { ports } = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint, ...extra });
  return createApi({ ports: () => ports });
}

async function startImport(a: ReturnType<typeof app>, url: string) {
  const { key } = await createUser(dynamo.doc);
  const res = await a.request("/api/kodo/account/imports", { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" }, body: JSON.stringify({ url, api_key: "k" }) });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

describe("remote import on AWS refuses what the Lambda could reach but the user could not", () => {
  const forms = () => refusedImportUrls(port);

  it("refuses every loopback, metadata and private spelling with the one unreachable text; the server sees nothing", async () => {
    const a = app();
    for (const url of forms()) expect(await startImport(a, url), url).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
    expect(requests).toEqual([]);
  });

  it("reaches the loopback server only with KODO_ALLOW_LOOPBACK_IMPORT=1", async () => {
    const res = await startImport(app({ KODO_ALLOW_LOOPBACK_IMPORT: "1" }), `http://127.0.0.1:${port}/api/v1`);
    expect(res.status).toBe(201);
    expect(requests[0]).toBe("/api/v1/users/current/all_time_since_today");
  });

  it("answers a closed port with the same text as a refused address", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await startImport(app({ KODO_ALLOW_LOOPBACK_IMPORT: "1" }), `http://127.0.0.1:${closedPort}/api/v1`)).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
  });
});

describe("the guarded fetch checks the address it connects to (DNS rebinding)", () => {
  /** A resolver whose answer for `host` changes: `answers` in turn, the last one repeated. */
  function rebinding(host: string, answers: string[]): { lookup: LookupFn; calls: () => number } {
    let n = 0;
    const lookup: LookupFn = (hostname, _opts, cb) => {
      if (hostname !== host) return cb(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }), []);
      const address = answers[Math.min(n++, answers.length - 1)]!;
      cb(null, [{ address, family: address.includes(":") ? 6 : 4 }]);
    };
    return { lookup, calls: () => n };
  }

  it("refuses a name that answers public to the check and loopback to the connection; nothing connects", async () => {
    const dns = rebinding("rebind.example.com", ["93.184.216.34", "127.0.0.1"]);
    const outbound = lambdaOutbound({}, dns.lookup);
    await expect(safeFetch(outbound, `http://rebind.example.com:${port}/api/v1`)).rejects.toThrow(UNREACHABLE_TEXT);
    expect(dns.calls()).toBe(2);
    expect(requests).toEqual([]);
  });

  it("connects when the address is allowed (loopback with the switch), so the guard is what refused above", async () => {
    const dns = rebinding("dev.example.com", ["127.0.0.1"]);
    const res = await guardedFetch({ allowLoopback: true }, dns.lookup)(`http://dev.example.com:${port}/x`);
    expect(res.status).toBe(200);
    expect(requests).toEqual(["/x"]);
    await expect(guardedFetch({}, dns.lookup)(`http://dev.example.com:${port}/y`)).rejects.toThrow();
    expect(requests).toEqual(["/x"]);
  });
});
