import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { normaliseHeartbeat, validateBatch, type ItemResult } from "./normalise.ts";
import { parseWireHeartbeat, type WireHeartbeat } from "./schema.ts";
import { MAX_BATCH_SIZE, MAX_STRING_LENGTH, MIN_HEARTBEAT_TIME } from "./limits.ts";
import { parseUserAgent } from "./user-agent.ts";
import type { Heartbeat } from "../types.ts";
import { hasLoneSurrogate, hasNullByte } from "./text.ts";

const NOW = 1_750_000_000;
const VSCODE_UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

function wire(input: Record<string, unknown>): WireHeartbeat {
  const parsed = parseWireHeartbeat({ entity: "/a.ts", time: NOW, ...input });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function heartbeats(items: ItemResult[]): Heartbeat[] {
  return items.map((item) => {
    if (!item.ok) throw new Error(item.error);
    return item.heartbeat;
  });
}

describe("normaliseHeartbeat", () => {
  it("maps every field to the domain shape", () => {
    const hb = normaliseHeartbeat(
      wire({
        time: "1750000000.123456",
        type: "FILE",
        category: "Debugging",
        project: " kodo ",
        project_root_count: 3,
        branch: "main",
        language: "typescriptreact",
        dependencies: "react,zod",
        lines: 120,
        lineno: 7,
        cursorpos: 3,
        line_additions: 2,
        line_deletions: 1,
        is_write: "true",
        user_agent: VSCODE_UA,
        machine: "laptop",
        ai_line_changes: 5,
        human_line_changes: 9,
      }),
    );
    expect(hb).toEqual({
      time: 1_750_000_000.123,
      entity: "/a.ts",
      type: "file",
      category: "debugging",
      project: "kodo",
      projectRootCount: 3,
      branch: "main",
      language: "TSX",
      dependencies: ["react", "zod"],
      lines: 120,
      lineNumber: 7,
      cursorPosition: 3,
      lineAdditions: 2,
      lineDeletions: 1,
      isWrite: true,
      editor: "VS Code",
      operatingSystem: "Linux",
      machine: "laptop",
      userAgent: VSCODE_UA,
      aiLineChanges: 5,
      humanLineChanges: 9,
    } satisfies Heartbeat);
  });

  it("rounds time to milliseconds", () => {
    expect(normaliseHeartbeat(wire({ time: 1_750_000_000.1234999 })).time).toBe(1_750_000_000.123);
    expect(normaliseHeartbeat(wire({ time: 1_750_000_000.9996 })).time).toBe(1_750_000_001);
  });

  it("defaults: not a write, empty strings become null", () => {
    const hb = normaliseHeartbeat(wire({ project: "", branch: "  ", language: "" }));
    expect(hb).toMatchObject({ isWrite: false, project: null, branch: null, language: null, editor: null });
  });

  it("takes editor/OS from the heartbeat's user_agent before the header", () => {
    const hb = normaliseHeartbeat(wire({ user_agent: VSCODE_UA }), {
      userAgentHeader: "wakatime/v1.90.0 (windows-10.0-x86_64) go1.22 vim/9.0 vim-wakatime/11.0.0",
    });
    expect(hb).toMatchObject({ editor: "VS Code", operatingSystem: "Linux", userAgent: VSCODE_UA });
  });

  it("falls back on the User-Agent header, field by field", () => {
    const fromHeader = normaliseHeartbeat(wire({}), { userAgentHeader: VSCODE_UA });
    expect(fromHeader).toMatchObject({ editor: "VS Code", operatingSystem: "Linux", userAgent: VSCODE_UA });

    // The heartbeat's UA names the browser but no OS: the OS comes from the header.
    const mixed = normaliseHeartbeat(wire({ user_agent: "Chrome/111.0.0.0 chrome-wakatime/3.0.6" }), {
      userAgentHeader: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/120.0.0.0 Safari/537.36",
    });
    expect(mixed).toMatchObject({ editor: "Chrome", operatingSystem: "Mac" });
  });

  it("takes the machine from the heartbeat, else the X-Machine-Name header", () => {
    expect(normaliseHeartbeat(wire({ machine: "box" }), { machineHeader: "hdr" }).machine).toBe("box");
    expect(normaliseHeartbeat(wire({}), { machineHeader: " hdr " }).machine).toBe("hdr");
    expect(normaliseHeartbeat(wire({}), { machineHeader: "" }).machine).toBeNull();
    expect(normaliseHeartbeat(wire({}), {}).machine).toBeNull();
  });

  it("cleans header values instead of refusing the request", () => {
    const hb = normaliseHeartbeat(wire({}), { machineHeader: "m".repeat(400), userAgentHeader: "x".repeat(400) });
    expect(hb.machine).toHaveLength(MAX_STRING_LENGTH);
    expect(hb.userAgent).toHaveLength(MAX_STRING_LENGTH);
  });
});

describe("validateBatch", () => {
  const good = { entity: "/a.ts", time: NOW - 60 };

  it("accepts a single object", () => {
    const result = validateBatch(good, NOW);
    expect(result.ok).toBe(true);
    if (result.ok) expect(heartbeats(result.items)).toHaveLength(1);
  });

  it("accepts an array, including an empty one", () => {
    const result = validateBatch([good, { ...good, entity: "/b.ts" }], NOW);
    expect(result.ok && heartbeats(result.items).map((h) => h.entity)).toEqual(["/a.ts", "/b.ts"]);
    expect(validateBatch([], NOW)).toEqual({ ok: true, items: [] });
  });

  it(`accepts ${MAX_BATCH_SIZE} items and refuses ${MAX_BATCH_SIZE + 1}`, () => {
    const full = validateBatch(Array.from({ length: MAX_BATCH_SIZE }, () => good), NOW);
    expect(full.ok && full.items.every((i) => i.ok)).toBe(true);
    expect(validateBatch(Array.from({ length: MAX_BATCH_SIZE + 1 }, () => good), NOW)).toEqual({
      ok: false,
      error: `Too many heartbeats: at most ${MAX_BATCH_SIZE} per request (got ${MAX_BATCH_SIZE + 1})`,
    });
  });

  it.each([null, undefined, 42, "text", true])("refuses a %j body as a whole", (body) => {
    expect(validateBatch(body, NOW)).toEqual({
      ok: false,
      error: "Body must be a heartbeat object or an array of heartbeats",
    });
  });

  it("answers per item in request order, bad items beside good ones", () => {
    const result = validateBatch(
      [good, { entity: "/x", time: "abc" }, null, { ...good, entity: "/c.ts" }, [1], { time: NOW }],
      NOW,
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.items.map((i) => (i.ok ? i.heartbeat.entity : i.error))).toEqual([
      "/a.ts",
      "time: must be a positive number of epoch seconds",
      "heartbeat: must be a JSON object",
      "/c.ts",
      "heartbeat: must be a JSON object",
      "entity: is required",
    ]);
  });

  it("accepts +30 min, refuses +2 h in the future", () => {
    const result = validateBatch([{ ...good, time: NOW + 1800 }, { ...good, time: NOW + 7200 }], NOW);
    if (!result.ok) throw new Error(result.error);
    expect(result.items[0]?.ok).toBe(true);
    expect(result.items[1]).toEqual({ ok: false, error: "time: more than 3600 seconds in the future" });
  });

  it("accepts exactly the skew limit", () => {
    const result = validateBatch({ ...good, time: NOW + 3600 }, NOW);
    expect(result.ok && result.items[0]?.ok).toBe(true);
  });

  it("hints at milliseconds when the time has 13 digits", () => {
    const result = validateBatch({ ...good, time: NOW * 1000 }, NOW);
    expect(result.ok && result.items[0]).toEqual({
      ok: false,
      error: "time: more than 3600 seconds in the future; it looks like milliseconds, epoch seconds are expected",
    });
  });

  it("accepts old heartbeats (a year ago, offline queues)", () => {
    const result = validateBatch({ ...good, time: NOW - 365 * 86_400 }, NOW);
    expect(result.ok && result.items[0]?.ok).toBe(true);
  });

  it("refuses times before 2000-01-01T00:00:00Z per item, accepts the floor itself", () => {
    const result = validateBatch([{ ...good, time: 1 }, { ...good, time: MIN_HEARTBEAT_TIME - 0.001 }, { ...good, time: MIN_HEARTBEAT_TIME }, good], NOW);
    if (!result.ok) throw new Error(result.error);
    expect(result.items.map((i) => i.ok || i.error)).toEqual([
      "time: before 2000-01-01T00:00:00Z (946684800 epoch seconds), the earliest time Kodo accepts; it looks like a relative or zeroed time, epoch seconds are expected",
      "time: before 2000-01-01T00:00:00Z (946684800 epoch seconds), the earliest time Kodo accepts",
      true,
      true,
    ]);
    expect(new Date(MIN_HEARTBEAT_TIME * 1000).toISOString()).toBe("2000-01-01T00:00:00.000Z");
  });

  it("passes the request context to every item", () => {
    const result = validateBatch([good, good], NOW, { userAgentHeader: VSCODE_UA, machineHeader: "box" });
    if (!result.ok) throw new Error(result.error);
    for (const hb of heartbeats(result.items)) expect(hb).toMatchObject({ editor: "VS Code", machine: "box" });
  });
});

describe("never throws", () => {
  // Arbitrary JSON, plus heartbeat-shaped objects whose fields are usually plausible and
  // sometimes arbitrary, so that both the success and the failure paths are exercised.
  const junk = fc.oneof(fc.jsonValue(), fc.string({ unit: "binary" }), fc.double(), fc.constantFrom(null, ""));
  const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 9 }, { arbitrary: junk, weight: 1 });
  const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("<<LAST_PROJECT>>", " x "));
  const heartbeatish = fc.record(
    {
      entity: mostly(fc.string({ minLength: 1 })),
      time: mostly(fc.oneof(fc.double({ min: 1, max: NOW + 7200, noNaN: true }), fc.constant(String(NOW)))),
      type: mostly(fc.constantFrom("file", "APP", "domain", null)),
      category: mostly(fc.constantFrom("coding", "Writing Tests", "ai_coding", null)),
      project: mostly(text),
      branch: mostly(text),
      language: mostly(fc.oneof(text, fc.constantFrom("typescriptreact", "GO"))),
      dependencies: mostly(fc.oneof(fc.array(fc.string()), fc.string())),
      lines: mostly(fc.oneof(fc.nat(), fc.constant("12"))),
      lineno: mostly(fc.nat()),
      is_write: mostly(fc.constantFrom(true, false, "true", 0, null)),
      user_agent: mostly(fc.oneof(text, fc.constant("wakatime/v1 (linux-6-x86_64) go1 vim/9 vim-wakatime/1"))),
      machine: mostly(text),
      ai_line_changes: mostly(fc.integer()),
    },
    { requiredKeys: ["entity", "time"] },
  );
  const body = fc.oneof(fc.jsonValue(), heartbeatish, fc.array(fc.oneof(heartbeatish, fc.jsonValue()), { maxLength: 20 }));

  it("validateBatch returns results (never throws) for any JSON body", () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, fc.string(), fc.string(), (b, ua, machine) => {
        const result = validateBatch(b, NOW, { userAgentHeader: ua, machineHeader: machine });
        if (result.ok) {
          for (const item of result.items) {
            if (item.ok) {
              accepted++;
              const hb = item.heartbeat;
              expect(Number.isFinite(hb.time) && hb.time > 0).toBe(true);
              expect(hb.entity.length).toBeGreaterThan(0);
              // Whatever came in, what we store is clean text.
              for (const value of [...Object.values(hb), ...hb.dependencies]) {
                if (typeof value === "string") {
                  expect(hasNullByte(value) || hasLoneSurrogate(value)).toBe(false);
                  expect(value).toBe(value.trim());
                  expect(value.length).toBeLessThanOrEqual(hb.entity === value ? 1024 : MAX_STRING_LENGTH);
                }
              }
            } else {
              expect(item.error).toMatch(/^[\w.]+: /);
            }
          }
        } else {
          expect(typeof result.error).toBe("string");
        }
      }),
      { numRuns: 2000 },
    );
    // The generator must reach the success path too, or the property proves little.
    expect(accepted).toBeGreaterThan(50);
  });

  it("parseUserAgent never throws and returns null or short names", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme-ascii" })), (ua) => {
        const parsed = parseUserAgent(ua);
        for (const v of [parsed.editor, parsed.operatingSystem]) expect(v === null || v.length > 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
