import { describe, expect, it } from "vitest";
import { relayBatchOutcome } from "./send.ts";
import { keyHintOf, parseRelayInput, readRelayAnswer, relayBulkUrl, relayRetryDelaySeconds, relayWireHeartbeat, RELAY_RETRY_MAX_SECONDS } from "./relay.ts";
import { openSecret, sealSecret } from "./secret-box.ts";
import type { Heartbeat } from "../types.ts";

const KEY = "waka_00000000-0000-4000-8000-000000000000";

describe("relay settings", () => {
  it("normalises the API base and builds WakaTime's bulk URL under it", () => {
    const r = parseRelayInput({ url: " https://Wakapi.example.com/api/ ", key: KEY }, {});
    expect(r).toEqual({ ok: true, value: { url: "https://wakapi.example.com/api", key: KEY } });
    expect(relayBulkUrl("https://wakapi.example.com/api")).toBe("https://wakapi.example.com/api/users/current/heartbeats.bulk");
    expect(keyHintOf(KEY)).toBe("0000");
  });

  it("lets loopback through only when the platform allows it (local development)", () => {
    expect(parseRelayInput({ url: "http://127.0.0.1:8787/api/v1", key: KEY }, {}).ok).toBe(false);
    expect(parseRelayInput({ url: "http://127.0.0.1:8787/api/v1", key: KEY }, { allowLoopback: true }).ok).toBe(true);
    expect(parseRelayInput({ url: "http://192.168.1.2:8787/api/v1", key: KEY }, { allowLoopback: true }).ok).toBe(false);
  });
});

describe("relay backoff", () => {
  it("doubles from the base after each failure up to an hour, with +-10% jitter", () => {
    const low = Array.from({ length: 10 }, (_, i) => relayRetryDelaySeconds(i + 1, 30, () => 0));
    const mid = Array.from({ length: 10 }, (_, i) => relayRetryDelaySeconds(i + 1, 30, () => 0.5));
    expect(mid).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(low.map((d, i) => d / mid[i]!)).toEqual(Array(10).fill(0.9));
    expect(relayRetryDelaySeconds(1000, 30, () => 0.999)).toBeLessThanOrEqual(RELAY_RETRY_MAX_SECONDS * 1.1);
  });
});

describe("reading the upstream's answer", () => {
  it("takes WakaTime's per-item statuses: 2xx delivered, 4xx refused, 5xx retried", () => {
    const answer = readRelayAnswer(201, { responses: [[{ data: {} }, 201], [{ data: {} }, 202], [{ error: "bad time" }, 400], [null, 500]] }, 4);
    expect(answer).toEqual({ kind: "items", items: [{ kind: "done" }, { kind: "done" }, { kind: "refused", error: "upstream refused a heartbeat (400: bad time)" }, { kind: "retry" }] });
    // A 2xx without a per-item list (or of another length) counts as all delivered.
    expect(readRelayAnswer(202, null, 2)).toEqual({ kind: "items", items: [{ kind: "done" }, { kind: "done" }] });
  });

  it("retries the whole batch on a refused key, throttling and server errors; drops it on other 4xx", () => {
    expect(readRelayAnswer(401, { error: "Invalid API key" }, 3)).toEqual({ kind: "retry", error: "upstream refused the key (401: Invalid API key): check the key" });
    for (const status of [403, 408, 429, 500, 502, 503]) expect(readRelayAnswer(status, null, 1).kind).toBe("retry");
    expect(readRelayAnswer(413, { message: "too large" }, 1)).toEqual({ kind: "drop", error: "upstream refused the batch (413: too large)" });
    expect(readRelayAnswer(400, null, 1).kind).toBe("drop");
  });
});

describe("what is sent", () => {
  it("sends WakaTime's request fields and leaves nulls out", () => {
    const hb: Heartbeat = {
      time: 1_790_000_000.123,
      entity: "/src/a.ts",
      type: "file",
      category: "coding",
      project: "kodo",
      projectRootCount: null,
      branch: null,
      language: "TypeScript",
      dependencies: [],
      lines: 10,
      lineNumber: null,
      cursorPosition: null,
      lineAdditions: null,
      lineDeletions: null,
      isWrite: true,
      editor: "VS Code",
      operatingSystem: "Linux",
      machine: "laptop",
      userAgent: "wakatime/v1.90.0 (linux) vscode/1.95.0",
      aiLineChanges: null,
      humanLineChanges: null,
    };
    expect(relayWireHeartbeat(hb)).toEqual({ entity: "/src/a.ts", type: "file", category: "coding", time: 1_790_000_000.123, is_write: true, project: "kodo", language: "TypeScript", lines: 10, user_agent: "wakatime/v1.90.0 (linux) vscode/1.95.0" });
  });
});

describe("sealing the upstream key", () => {
  it("opens only under the same server secret and owner, and never repeats a ciphertext", async () => {
    const secret = "server-secret-0123456789abcdef";
    const a = await sealSecret(secret, "user-1", KEY);
    const b = await sealSecret(secret, "user-1", KEY);
    expect(a).not.toBe(b);
    expect(a).not.toContain(KEY);
    expect(await openSecret(secret, "user-1", a)).toBe(KEY);
    expect(await openSecret(secret, "user-2", a)).toBeNull();
    expect(await openSecret("another-secret-0123456789abcdef", "user-1", a)).toBeNull();
    const [v, iv, data] = a.split(".");
    const tampered = `${v}.${iv}.${data!.slice(0, -2)}${data!.endsWith("A") ? "B" : "A"}${data!.slice(-1)}`;
    expect(await openSecret(secret, "user-1", tampered)).toBeNull();
    expect(await openSecret(secret, "user-1", "garbage")).toBeNull();
  });
});

describe("relay batch outcome", () => {
  it("removes delivered and refused items, keeps 5xx ones for a retry, and drops a refused batch whole", () => {
    const answer = readRelayAnswer(201, { responses: [[{}, 201], [{ error: "bad" }, 400], [{}, 500], [{}, 202]] }, 4);
    if (answer.kind === "retry") throw new Error("expected per-item outcomes");
    expect(relayBatchOutcome(answer, ["a", "b", "c", "d"])).toEqual({ done: ["a", "b", "d"], forwarded: 2, dropped: 1, error: "upstream refused a heartbeat (400: bad)", retry: true });
    const refused = readRelayAnswer(422, { error: "no" }, 2);
    if (refused.kind === "retry") throw new Error("expected a drop");
    expect(relayBatchOutcome(refused, [1, 2])).toEqual({ done: [1, 2], forwarded: 0, dropped: 2, error: "upstream refused the batch (422: no)", retry: false });
  });
});
