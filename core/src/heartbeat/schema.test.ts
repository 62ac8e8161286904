import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CATEGORIES, parseWireHeartbeat, wireHeartbeatSchema, type WireHeartbeat } from "./schema.ts";
import { MAX_DEPENDENCIES, MAX_ENTITY_LENGTH, MAX_STRING_LENGTH } from "./limits.ts";

const base = { entity: "/home/me/src/app.ts", time: 1_700_000_000.123 };

function ok(input: Record<string, unknown>): WireHeartbeat {
  const result = parseWireHeartbeat({ ...base, ...input });
  if (!result.ok) throw new Error(`expected success, got: ${result.error}`);
  return result.value;
}

function error(input: unknown): string {
  const result = parseWireHeartbeat(input);
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

const fail = (input: Record<string, unknown>) => error({ ...base, ...input });

describe("minimal heartbeat", () => {
  it("applies defaults", () => {
    expect(ok({})).toEqual({
      entity: "/home/me/src/app.ts",
      type: "file",
      category: "coding",
      time: 1_700_000_000.123,
      project: null,
      project_root_count: null,
      branch: null,
      language: null,
      dependencies: [],
      lines: null,
      lineno: null,
      cursorpos: null,
      line_additions: null,
      line_deletions: null,
      is_write: null,
      is_unsaved_entity: null,
      user_agent: null,
      machine: null,
      ai_line_changes: null,
      human_line_changes: null,
      ai_session: null,
      ai_subscription_plan: null,
      ai_model: null,
      ai_input_tokens: null,
      ai_output_tokens: null,
      ai_prompt_length: null,
    });
  });

  it("accepts wakatime-cli's full payload and ignores unknown fields", () => {
    const hb = ok({
      branch: "main",
      category: "coding",
      cursorpos: 12,
      dependencies: ["dep1", "dep2"],
      is_write: true,
      language: "Go",
      lineno: 42,
      lines: 100,
      line_additions: 123,
      line_deletions: 456,
      project: "wakatime",
      project_root_count: 4,
      type: "file",
      user_agent: "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0",
      ai_line_changes: 3,
      human_line_changes: 7,
      ai_session: "s-1",
      ai_subscription_plan: "pro",
      ai_model: "opus",
      ai_input_tokens: 1000,
      ai_output_tokens: 250,
      ai_prompt_length: 80,
      id: "f3647f89-e255-4dd1-8fcd-e20ba8f1709b",
      completely_bogus_field: { nested: true },
    });
    expect(hb).toMatchObject({ branch: "main", lineno: 42, is_write: true, ai_input_tokens: 1000 });
    expect(hb).not.toHaveProperty("id");
    expect(hb).not.toHaveProperty("completely_bogus_field");
  });

  it("rejects a non-object with a message", () => {
    expect(error(null)).toBe("heartbeat: must be a JSON object");
    expect(error("x")).toBe("heartbeat: must be a JSON object");
    expect(error([base])).toBe("heartbeat: must be a JSON object");
  });

  it("converts to JSON Schema (input side) for the OpenAPI document", () => {
    const schema = z.toJSONSchema(wireHeartbeatSchema, { io: "input" });
    expect(schema).toMatchObject({ type: "object", required: ["entity", "time"] });
  });

  it("names every bad field in one message", () => {
    const message = fail({ time: "abc", lineno: "x", type: "folder" });
    expect(message).toContain("time: ");
    expect(message).toContain("lineno: ");
    expect(message).toContain("type: ");
  });
});

describe("entity", () => {
  it("is required", () => {
    expect(error({ time: 1 })).toBe("entity: is required");
    expect(error({ time: 1, entity: null })).toBe("entity: is required");
  });
  it("must be a non-empty string", () => {
    expect(fail({ entity: 5 })).toBe("entity: must be a string");
    expect(fail({ entity: "   " })).toBe("entity: must not be empty");
  });
  it(`accepts ${MAX_ENTITY_LENGTH} chars and refuses ${MAX_ENTITY_LENGTH + 1}`, () => {
    expect(ok({ entity: "e".repeat(MAX_ENTITY_LENGTH) }).entity).toHaveLength(MAX_ENTITY_LENGTH);
    expect(fail({ entity: "e".repeat(MAX_ENTITY_LENGTH + 1) })).toBe(
      `entity: must be at most ${MAX_ENTITY_LENGTH} characters`,
    );
  });
  it("is trimmed, and measured after trimming", () => {
    expect(ok({ entity: "  /a.ts \n" }).entity).toBe("/a.ts");
    expect(ok({ entity: ` ${"e".repeat(MAX_ENTITY_LENGTH)} ` }).entity).toHaveLength(MAX_ENTITY_LENGTH);
  });
  it("refuses null bytes and lone surrogates", () => {
    expect(fail({ entity: "a\u0000b" })).toBe("entity: must not contain null bytes (U+0000)");
    expect(fail({ entity: "a\uD800b" })).toBe("entity: must be valid Unicode text (it contains a lone surrogate)");
    expect(fail({ entity: "a\uDC00" })).toContain("lone surrogate");
    expect(ok({ entity: "emoji-\uD83D\uDE00.ts" }).entity).toBe("emoji-😀.ts");
  });
});

describe("time", () => {
  it("accepts floats, integers and numeric strings", () => {
    expect(ok({ time: 1_728_422_364.044 }).time).toBe(1_728_422_364.044);
    expect(ok({ time: 1_728_422_364 }).time).toBe(1_728_422_364);
    expect(ok({ time: "1728422364.044" }).time).toBe(1_728_422_364.044);
    expect(ok({ time: " 1728422364 " }).time).toBe(1_728_422_364);
    expect(ok({ time: "1.7e9" }).time).toBe(1.7e9);
  });
  it("is required", () => {
    expect(error({ entity: "a" })).toBe("time: is required (epoch seconds)");
    expect(fail({ time: null })).toBe("time: is required (epoch seconds)");
  });
  it.each([
    ["abc", "abc"],
    ["empty string", ""],
    ["hex string", "0x10"],
    ["Infinity string", "Infinity"],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["negative", -5],
    ["negative string", "-5"],
    ["zero", 0],
    ["below a millisecond", 0.0004],
    ["denormal", 5e-324],
    ["beyond millisecond precision", 1e16],
    ["huge", 1e308],
    ["boolean", true],
    ["object", { t: 1 }],
  ])("refuses %s", (_, time) => {
    expect(fail({ time })).toBe("time: must be a positive number of epoch seconds");
  });
});

describe("type and category", () => {
  it("accept every WakaTime value, case-insensitively", () => {
    for (const type of ["file", "domain", "url", "app", "event"]) expect(ok({ type }).type).toBe(type);
    expect(ok({ type: "DOMAIN" }).type).toBe("domain");
    for (const category of CATEGORIES) expect(ok({ category }).category).toBe(category);
    expect(ok({ category: "Code Reviewing" }).category).toBe("code reviewing");
    expect(ok({ category: "writing_tests" }).category).toBe("writing tests");
    expect(ok({ category: " AI  Coding " }).category).toBe("ai coding");
  });
  it("default when absent, null or empty", () => {
    expect(ok({ type: null, category: null })).toMatchObject({ type: "file", category: "coding" });
    expect(ok({ type: "", category: " " })).toMatchObject({ type: "file", category: "coding" });
  });
  it("refuse unknown values, listing the allowed ones", () => {
    expect(fail({ type: "folder" })).toBe("type: must be one of: file, domain, url, app, event");
    expect(fail({ category: "napping" })).toMatch(/^category: must be one of: coding, building, .*translating$/);
    expect(fail({ category: 3 })).toMatch(/^category: must be one of/);
  });
});

describe("optional text fields", () => {
  const fields = ["project", "branch", "language", "user_agent", "machine", "ai_session", "ai_subscription_plan", "ai_model"];

  it.each(fields)("%s: trimmed; absent, null and blank become null", (field) => {
    expect(ok({ [field]: "  value " })[field as keyof WireHeartbeat]).toBe("value");
    expect(ok({ [field]: null })[field as keyof WireHeartbeat]).toBeNull();
    expect(ok({ [field]: "   " })[field as keyof WireHeartbeat]).toBeNull();
    expect(ok({})[field as keyof WireHeartbeat]).toBeNull();
  });

  it.each(fields)(`%s: ${MAX_STRING_LENGTH} chars ok, ${MAX_STRING_LENGTH + 1} refused`, (field) => {
    expect(ok({ [field]: "x".repeat(MAX_STRING_LENGTH) })[field as keyof WireHeartbeat]).toHaveLength(MAX_STRING_LENGTH);
    expect(fail({ [field]: "x".repeat(MAX_STRING_LENGTH + 1) })).toBe(
      `${field}: must be at most ${MAX_STRING_LENGTH} characters`,
    );
  });

  it.each(fields)("%s: refuses non-strings, null bytes and lone surrogates", (field) => {
    expect(fail({ [field]: 12 })).toBe(`${field}: must be a string`);
    expect(fail({ [field]: ["a"] })).toBe(`${field}: must be a string`);
    expect(fail({ [field]: "a\u0000" })).toBe(`${field}: must not contain null bytes (U+0000)`);
    expect(fail({ [field]: "\uDFFFa" })).toContain(`${field}: must be valid Unicode text`);
  });
});

describe("whole-number fields", () => {
  const counts = ["lines", "lineno", "cursorpos", "line_additions", "line_deletions", "project_root_count"];

  it.each(counts)("%s: numbers and numeric strings; fractions truncated", (field) => {
    const get = (v: unknown) => ok({ [field]: v })[field as keyof WireHeartbeat];
    expect(get(42)).toBe(42);
    expect(get("42")).toBe(42);
    expect(get(12.9)).toBe(12);
    expect(get(0)).toBe(0);
    expect(get(null)).toBeNull();
    expect(get("")).toBeNull();
  });

  it.each(counts)("%s: refuses negatives, junk and huge values", (field) => {
    const message = `${field}: must be a whole number from 0 to 2147483647`;
    expect(fail({ [field]: -1 })).toBe(message);
    expect(fail({ [field]: "abc" })).toBe(message);
    expect(fail({ [field]: Number.NaN })).toBe(message);
    expect(fail({ [field]: 2 ** 31 })).toBe(message);
    expect(fail({ [field]: true })).toBe(message);
  });

  it("ai/human line changes may be negative (net changes)", () => {
    expect(ok({ ai_line_changes: -3, human_line_changes: "-4" })).toMatchObject({
      ai_line_changes: -3,
      human_line_changes: -4,
    });
  });

  it("token counts allow large values", () => {
    expect(ok({ ai_input_tokens: 5_000_000_000 }).ai_input_tokens).toBe(5_000_000_000);
    expect(fail({ ai_output_tokens: -1 })).toMatch(/^ai_output_tokens: must be a whole number/);
  });
});

describe("booleans", () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ["true", true],
    ["FALSE", false],
    ["1", true],
    ["0", false],
    ["t", true],
    [null, null],
    ["", null],
  ])("is_write %j -> %j", (input, expected) => {
    expect(ok({ is_write: input }).is_write).toBe(expected);
    expect(ok({ is_unsaved_entity: input }).is_unsaved_entity).toBe(expected);
  });
  it("refuses anything else", () => {
    expect(fail({ is_write: "maybe" })).toBe("is_write: must be true or false");
    expect(fail({ is_write: 2 })).toBe("is_write: must be true or false");
    expect(fail({ is_unsaved_entity: {} })).toBe("is_unsaved_entity: must be true or false");
  });
});

describe("dependencies", () => {
  it("accepts an array or a comma-separated string", () => {
    expect(ok({ dependencies: ["react", " zod "] }).dependencies).toEqual(["react", "zod"]);
    expect(ok({ dependencies: "react, zod,,  " }).dependencies).toEqual(["react", "zod"]);
    expect(ok({ dependencies: null }).dependencies).toEqual([]);
    expect(ok({ dependencies: [] }).dependencies).toEqual([]);
  });
  it("collapses duplicates and keeps the first MAX_DEPENDENCIES", () => {
    expect(ok({ dependencies: ["a", "a", "b"] }).dependencies).toEqual(["a", "b"]);
    const many = Array.from({ length: 1000 }, (_, i) => `dep${i}`);
    const kept = ok({ dependencies: many }).dependencies;
    expect(kept).toHaveLength(MAX_DEPENDENCIES);
    expect(kept[0]).toBe("dep0");
  });
  it("refuses non-strings, overlong items, null bytes", () => {
    expect(fail({ dependencies: [1, 2] })).toBe("dependencies: must be a string or a list of strings");
    expect(fail({ dependencies: 7 })).toBe("dependencies: must be a string or a list of strings");
    expect(fail({ dependencies: ["x".repeat(MAX_STRING_LENGTH + 1)] })).toBe(
      `dependencies: each must be at most ${MAX_STRING_LENGTH} characters`,
    );
    expect(fail({ dependencies: ["a\u0000"] })).toBe("dependencies: must not contain null bytes (U+0000)");
  });
});
