import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastParseWireHeartbeat } from "./fast-parse.ts";
import { CATEGORIES, ENTITY_TYPES, wireHeartbeatSchema } from "./schema.ts";
import { MAX_DEPENDENCIES, MAX_ENTITY_LENGTH, MAX_LINE_NUMBER, MAX_STRING_LENGTH } from "./limits.ts";

const TEXT_FIELDS = ["project", "branch", "language", "user_agent", "machine", "ai_session", "ai_subscription_plan", "ai_model"];
const COUNT_FIELDS = ["project_root_count", "lines", "lineno", "cursorpos", "line_additions", "line_deletions"];
const SIGNED_FIELDS = ["ai_line_changes", "human_line_changes"];
const TOKEN_FIELDS = ["ai_input_tokens", "ai_output_tokens", "ai_prompt_length"];
const FLAG_FIELDS = ["is_write", "is_unsaved_entity"];

/** Strings near every rule's edge: blanks, padding, NUL, lone surrogates, lengths at the limits. */
const edgyText = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ maxLength: 12 }), weight: 8 },
    fc.constantFrom("", "  ", " x ", "a\u0000b", "\uD800", "ok\uDC00", "😀", "x".repeat(max), "x".repeat(max + 1), ` ${"y".repeat(max)} `, "<<LAST_PROJECT>>"),
  );
/** Every kind of JSON value a field may get. */
const anyJson = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 6 }), fc.constantFrom("12", " 3 ", "true", "1e3", "-0"), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const edgyNumber = (min: number, max: number) => fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 6 }, fc.constantFrom(min, max, min - 1, max + 1, -0, 0.5, 12.0, Number.MAX_SAFE_INTEGER, 1e300), fc.double());
/** Mostly absent or of the field's own kind; now and then any JSON value at all. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof({ arbitrary: arb, weight: 40 }, { arbitrary: anyJson, weight: 1 }), { nil: undefined, freq: 2 });

const heartbeatLike = fc.record(
  {
    entity: fc.oneof({ arbitrary: edgyText(MAX_ENTITY_LENGTH), weight: 8 }, fc.constantFrom("/home/dev/src/app.ts", "https://example.com/x"), anyJson),
    time: fc.oneof({ arbitrary: fc.double({ min: 1, max: 4e9, noNaN: true }), weight: 8 }, fc.double(), fc.constantFrom(1_700_000_000.123, 0, 0.0004, 0.0005, 9_007_199_254_740.99, Infinity, "1700000000"), anyJson),
    type: maybe(fc.oneof({ arbitrary: fc.constantFrom(...ENTITY_TYPES), weight: 5 }, fc.constantFrom("File", " file", "", "folder"))),
    category: maybe(fc.oneof({ arbitrary: fc.constantFrom(...CATEGORIES), weight: 5 }, fc.constantFrom("Coding", "writing_tests", "", "sleeping"))),
    dependencies: maybe(fc.oneof(fc.array(edgyText(MAX_STRING_LENGTH), { maxLength: 6 }), fc.array(fc.constant("d"), { minLength: MAX_DEPENDENCIES + 1, maxLength: MAX_DEPENDENCIES + 2 }), fc.constantFrom("a,b, ,a", ",,", "x\u0000,y"))),
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, maybe(edgyText(MAX_STRING_LENGTH))])),
    ...Object.fromEntries(COUNT_FIELDS.map((f) => [f, maybe(edgyNumber(0, MAX_LINE_NUMBER))])),
    ...Object.fromEntries(SIGNED_FIELDS.map((f) => [f, maybe(edgyNumber(-MAX_LINE_NUMBER, MAX_LINE_NUMBER))])),
    ...Object.fromEntries(TOKEN_FIELDS.map((f) => [f, maybe(edgyNumber(0, Number.MAX_SAFE_INTEGER))])),
    ...Object.fromEntries(FLAG_FIELDS.map((f) => [f, maybe(fc.boolean())])),
    unknown_extra: maybe(anyJson),
  },
  { requiredKeys: ["entity", "time"] },
);

describe("fast parse of plain heartbeats", () => {
  it("gives exactly the schema's output whenever it answers, and defers otherwise", () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(heartbeatLike, (input) => {
        runs++;
        // Through JSON, as every request body arrives.
        const body = JSON.parse(JSON.stringify(input)) as unknown;
        const fast = fastParseWireHeartbeat(body);
        if (fast === undefined) return;
        answered++;
        const schema = wireHeartbeatSchema.safeParse(body);
        expect(schema.success, `schema refused what the fast path accepted: ${JSON.stringify(body)}`).toBe(true);
        expect(fast).toStrictEqual(schema.data);
        expect(Object.keys(fast)).toEqual(Object.keys(schema.data!));
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the fast path often, or this compared little.
    expect(answered).toBeGreaterThan(runs / 20);
  });

  it("takes what wakatime-cli sends, and leaves the lenient spellings to the schema", () => {
    const cli = {
      entity: "/home/dev/kodo/src/app.ts", type: "file", category: "coding", time: 1_700_000_000.123456, project: "kodo", branch: "main",
      language: "TypeScript", dependencies: ["hono", "zod"], lines: 120, lineno: 12, cursorpos: 4, is_write: true, user_agent: "wakatime/v1.90.0 (linux) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0",
    };
    expect(fastParseWireHeartbeat(cli)).toStrictEqual(wireHeartbeatSchema.parse(cli));
    for (const lenient of [{ time: "1700000000" }, { is_write: "true" }, { lines: "12" }, { category: "Code Reviewing" }, { type: "FILE" }, { lineno: 1.5 }, { project: 42 }]) {
      expect(fastParseWireHeartbeat({ ...cli, ...lenient }), JSON.stringify(lenient)).toBeUndefined();
    }
    for (const bad of [null, [], "x", 1, { ...cli, entity: "" }, { ...cli, entity: " " }, { ...cli, time: -1 }, { ...cli, time: undefined }]) {
      expect(fastParseWireHeartbeat(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
