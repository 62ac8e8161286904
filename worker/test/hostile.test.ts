import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { aUser, call, freshStorage, getJson, postBeats, storedCounts, wire } from "./helpers.ts";

beforeEach(freshStorage);

const T = Date.UTC(2026, 9, 5, 9) / 1000;
const BULK = "/api/v1/users/current/heartbeats.bulk";

async function expectJson4xx(res: Response, status?: number) {
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = await res.json<any>();
  expect(typeof body.error).toBe("string");
  return body.error as string;
}

describe("hostile input", () => {
  it("refuses whole requests that are not heartbeats, storing nothing", async () => {
    const u = await aUser();
    const raw = (body: BodyInit, headers: Record<string, string> = {}) =>
      call(BULK, { method: "POST", key: u.key, body, headers: { "content-type": "application/json", ...headers } });

    expect(await expectJson4xx(await raw("{not json"), 400)).toMatch(/JSON/);
    expect(await expectJson4xx(await raw(""), 400)).toMatch(/Body required/);
    await expectJson4xx(await raw("42"), 400);
    await expectJson4xx(await raw('"a string"'), 400);
    await expectJson4xx(await raw("null"), 400);
    expect(await expectJson4xx(await raw(new Uint8Array([0x5b, 0xff, 0xfe, 0x5d])), 400)).toMatch(/UTF-8/);
    // 2 MiB body, declared and streamed
    const big = JSON.stringify([wire(T, { entity: "x".repeat(2 * 1024 * 1024) })]);
    expect(await expectJson4xx(await raw(big), 413)).toMatch(/too large/);
    const streamed = new ReadableStream({
      start(c) {
        for (let i = 0; i < 3; i++) c.enqueue(new TextEncoder().encode("[" + " ".repeat(700_000)));
        c.close();
      },
    });
    await expectJson4xx(await call(BULK, { method: "POST", key: u.key, body: streamed, headers: { "content-type": "application/json" } }), 413);
    // 10 000 items: over the batch limit
    const many = Array.from({ length: 10_000 }, (_, i) => ({ entity: "a", time: T + i }));
    expect(await expectJson4xx(await raw(JSON.stringify(many)), 400)).toMatch(/1000/);
    // deeply nested JSON: valid JSON, so the one (nested-array) item is refused on its own
    const nested = await raw("[".repeat(100_000) + "]".repeat(100_000));
    expect(nested.status).toBe(201);
    expect((await nested.json<any>()).responses).toEqual([[{ error: expect.stringMatching(/object/) }, 400]]);
    const single = await call("/api/v1/users/current/heartbeats", {
      method: "POST",
      key: u.key,
      body: '{"a":' + "[".repeat(100_000) + "]".repeat(100_000) + "}",
    });
    expect(await expectJson4xx(single, 400)).toMatch(/entity/);
    expect(await storedCounts(u.id)).toEqual({ boardEntries: 0, heartbeats: 0 });
  });

  it("refuses each bad item with a reason and stores none of them", async () => {
    const u = await aUser();
    const bad = [
      { entity: 42, time: T },
      { entity: "a", time: "yesterday" },
      { entity: "a", time: Number.NaN },
      { entity: "a", time: -5 },
      { entity: "a", time: Date.now() / 1000 + 7200 },
      { entity: "a\u0000b", time: T },
      { entity: "a", time: T, project: "p\u0000" },
      { entity: "x".repeat(5000), time: T },
      { entity: "a", time: T, project: "p".repeat(5000) },
      { entity: "a", time: T, is_write: "maybe" },
      { entity: "a", time: T, lines: "many" },
      { entity: "a", time: T, category: "napping" },
      { entity: "a", time: T, type: "spaceship" },
      { time: T },
      null,
      [],
      "heartbeat",
    ];
    const res = await postBeats(u.key, bad);
    expect(res.status).toBe(201);
    const { responses } = await res.json<any>();
    expect(responses).toHaveLength(bad.length);
    for (const [i, [body, status]] of responses.entries()) {
      expect(status, JSON.stringify(bad[i])?.slice(0, 80)).toBe(400);
      expect(body.error.length).toBeGreaterThan(3);
    }
    // JSON NaN cannot be sent; a body with a bare NaN literal is malformed JSON
    const nan = await call(BULK, { method: "POST", key: u.key, body: `[{"entity":"a","time":NaN}]` });
    await expectJson4xx(nan, 400);
    expect(await storedCounts(u.id)).toEqual({ boardEntries: 0, heartbeats: 0 });
  });

  it("stores SQL and markup in names as inert text, returned verbatim", async () => {
    // Decision: such names are legitimate data (a file may be called <b>.html); they are bound
    // as parameters, never interpolated, and JSON-encoded on the way out.
    const u = await aUser();
    const nasty = { project: "'; DROP TABLE users; --", branch: "<script>alert(1)</script>", language: '"><img src=x onerror=alert(1)>' };
    await postBeats(u.key, [wire(T, nasty), wire(T + 60, nasty)]);
    const s = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(s.data[0].projects[0].name).toBe(nasty.project);
    const users = await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
    expect(users!.n).toBe(1);
    const hb = await getJson("/api/v1/users/current/heartbeats?date=2026-10-05", u.key);
    expect(hb.data[0].branch).toBe(nasty.branch);
  });

  it("round-trips names that need escaping or look like JSON through the log, unchanged", async () => {
    // The log insert hands the batch to SQLite as one JSON document (jsonb_each): every string
    // must come back exactly as sent, never read as JSON, a number or NULL.
    const u = await aUser();
    const names = ["null", "true", "123", "1e3", "[1,2]", '{"a":1}', 'q"uote\\back\\slash', "tab\tnew\nline", "line\u2028sep", "🙂 émoji e\u0301", "עברית"];
    const beats = names.map((name, i) => wire(T + i * 60, { entity: `/src/${name}.ts`, project: name, branch: name, language: i % 2 ? name : "TypeScript", dependencies: [name] }));
    const res = await postBeats(u.key, beats);
    expect(res.status).toBe(201);
    const hb = (await getJson("/api/v1/users/current/heartbeats?date=2026-10-05", u.key)).data;
    expect(hb.map((h: any) => [h.entity, h.project, h.branch, h.dependencies, h.time])).toEqual(
      names.map((name, i) => [`/src/${name}.ts`, name, name, [name], T + i * 60]),
    );
    // Sent again, every one is recognised as a duplicate (same key as stored).
    const again = await (await postBeats(u.key, beats)).json<any>();
    expect(again.responses.map((r: any) => r[1])).toEqual(names.map(() => 202));
  });

  it("answers unknown routes and methods with JSON 4xx", async () => {
    const u = await aUser();
    await expectJson4xx(await call("/api/v1/users/current/nope", { key: u.key }), 404);
    await expectJson4xx(await call("/api/v1/users/current/heartbeats.bulk", { method: "DELETE", key: u.key }));
    await expectJson4xx(await call("/api/v1/users/current/heartbeats.bulk", { method: "PATCH", key: u.key, body: "[]" }));
  });

  it("refuses reading another user's data through users/{id}", async () => {
    const a = await aUser();
    const b = await aUser();
    await postBeats(b.key, [wire(T), wire(T + 60)]);
    const res = await call(`/api/v1/users/${b.id}/summaries?start=2026-10-05&end=2026-10-05`, { key: a.key });
    await expectJson4xx(res, 403);
  });
});
