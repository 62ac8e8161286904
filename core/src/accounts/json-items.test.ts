import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { JsonItemScanner, JsonStreamError, MAX_DEPTH, MAX_KEY_CHARS, MAX_SCALAR_CHARS, MAX_STRING_CHARS, MAX_WHITESPACE_RUN, jsonItems } from "./json-items.ts";

function scanAll(text: string, paths: string[], pieces: number[] = []): { path: string; value: unknown }[] {
  const scanner = new JsonItemScanner(paths);
  const out = [];
  let at = 0;
  for (const cut of [...pieces, text.length]) {
    out.push(...scanner.push(text.slice(at, cut)));
    at = cut;
  }
  out.push(...scanner.end());
  return out;
}

describe("JsonItemScanner", () => {
  it("yields the elements at the given paths, in order", () => {
    const doc = { user: { name: "x" }, days: [{ date: "a", heartbeats: [{ t: 1 }, { t: 2 }] }, { date: "b", heartbeats: [] }, { date: "c", heartbeats: [{ t: 3, s: "}]\"{" }] }] };
    expect(scanAll(JSON.stringify(doc), ["days[].heartbeats[]"])).toEqual([
      { path: "days[].heartbeats[]", value: { t: 1 } },
      { path: "days[].heartbeats[]", value: { t: 2 } },
      { path: "days[].heartbeats[]", value: { t: 3, s: '}]"{' } },
    ]);
  });

  it("handles a top-level array, nested arrays inside elements, scalars and escapes", () => {
    expect(scanAll('[ {"a":[1,[2]],"b":"\\u00e9\\""}, 5, "s", null ]', ["[]"]).map((i) => i.value)).toEqual([{ a: [1, [2]], b: 'é"' }, 5, "s", null]);
  });

  it("gives the same result however the text is cut into pieces", () => {
    const element = fc.record({ time: fc.double({ noNaN: true, noDefaultInfinity: true }), entity: fc.string(), deps: fc.array(fc.string(), { maxLength: 3 }), w: fc.boolean(), n: fc.constant(null) });
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (items, rawCuts) => {
        const text = JSON.stringify({ format: "kodo-export", heartbeats: items, tail: { heartbeats: [1] } }, null, rawCuts.length % 2 ? 1 : 0);
        const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const got = scanAll(text, ["heartbeats[]"], cuts).map((i) => i.value);
        expect(got).toEqual(JSON.parse(JSON.stringify(items)));
      }),
    );
  });

  it("reports malformed documents instead of stopping quietly", () => {
    for (const bad of ["", "[1, 2", '{"a": }', '{"a" 1}', "[1,]", '{"a":1,}', "[tru]", '{"a": 1} x', '["\u0001"]', "[01]", '{"heartbeats": [{"a": 1}']) {
      expect(() => scanAll(bad, ["heartbeats[]", "[]"]), bad).toThrow(JsonStreamError);
    }
  });

  it("refuses an element larger than the limit and nesting deeper than 64", () => {
    expect(() => scanAll(`[${JSON.stringify({ e: Array.from({ length: 100 }, () => "x".repeat(12_000)) })}]`, ["[]"])).toThrow(/larger than/);
    expect(() => scanAll("[".repeat(100) + "]".repeat(100), ["x"])).toThrow(/nesting/);
  });

  it("decodes a byte stream, multi-byte characters split across chunks included", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify([{ entity: "ünïcødé ✓ 𝄞" }]));
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const got = [];
    for await (const item of jsonItems(chunks(), ["[]"])) got.push(item.value);
    expect(got).toEqual([{ entity: "ünïcødé ✓ 𝄞" }]);
  });

  it("refuses bytes that are not UTF-8", async () => {
    async function* chunks() {
      yield new Uint8Array([0x5b, 0xff, 0x5d]);
    }
    await expect(async () => {
      for await (const _ of jsonItems(chunks(), ["[]"])) void _;
    }).rejects.toThrow(/UTF-8/);
  });
});

describe("JsonItemScanner agrees with JSON.parse", () => {
  // Any JSON value within the token limits (fc.json's own generator: objects, arrays, strings
  // with escapes and astral characters, doubles, literals), as a top-level array's elements.
  const value = fc.jsonValue({ maxDepth: 6 });

  it("yields exactly JSON.parse's elements of a valid document, whatever the pieces", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (items, rawCuts, pretty) => {
        const text = JSON.stringify({ days: [{ heartbeats: items }] }, null, pretty ? 2 : 0);
        const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const got = scanAll(text, ["days[].heartbeats[]"], cuts).map((i) => i.value);
        expect(got).toEqual((JSON.parse(text) as { days: { heartbeats: unknown[] }[] }).days[0]!.heartbeats);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts a document exactly when JSON.parse does (mutated documents)", () => {
    fc.assert(
      fc.property(value, fc.nat(), fc.constantFrom("", "x", ",", "]", "}", '"', "1", ":", "[", "{", " "), (v, at, insert) => {
        const base = JSON.stringify([v]);
        const pos = at % (base.length + 1);
        const text = base.slice(0, pos) + insert + base.slice(pos);
        let parsed: unknown[] | null = null;
        try {
          parsed = JSON.parse(text) as unknown[];
        } catch {
          parsed = null;
        }
        if (parsed === null || !Array.isArray(parsed)) expect(() => scanAll(text, ["[]"])).toThrow(JsonStreamError);
        else expect(scanAll(text, ["[]"]).map((i) => i.value)).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });
});

describe("JsonItemScanner bounds every token", () => {
  /**
   * Feeds `head` then `filler` one piece at a time (as a stream would) and returns how many
   * filler characters it had taken when it refused: it must refuse, and within the limit.
   */
  function refusedAfter(head: string, filler: string, limit: number, paths = ["[]", "heartbeats[]"]): { read: number; error: string } {
    const scanner = new JsonItemScanner(paths);
    scanner.push(head);
    let read = 0;
    const piece = filler.repeat(Math.ceil(1024 / filler.length));
    try {
      while (read < limit * 4 + 1_000_000) {
        scanner.push(piece);
        read += piece.length;
      }
    } catch (err) {
      expect(err).toBeInstanceOf(JsonStreamError);
      return { read, error: (err as Error).message };
    }
    throw new Error(`not refused after ${read} characters`);
  }

  it.each([
    ["a number", '{"heartbeats":[{"time":', "9", MAX_SCALAR_CHARS, /number or literal longer than 64/],
    ["a number outside any capture", '{"x":', "1", MAX_SCALAR_CHARS, /number or literal longer/],
    ["a literal", "[", "t", MAX_SCALAR_CHARS, /number or literal longer/],
    ["an object key", '{"', "k", MAX_KEY_CHARS, /key longer than 256/],
    ["a key inside a captured element", '[{"', "k", MAX_KEY_CHARS, /key longer than/],
    ["a string", '{"x":"', "s", MAX_STRING_CHARS, /string longer than 16384/],
    ["a string of escapes", '["', "\\n", MAX_STRING_CHARS, /string longer than/],
    ["a whitespace run", "[", " ", MAX_WHITESPACE_RUN, /whitespace/],
    ["nesting", '{"x":', "[", MAX_DEPTH, /nesting deeper than 64/],
  ])("refuses %s after reading at most its limit (plus one piece)", (_what, head, filler, limit, message) => {
    const { read, error } = refusedAfter(head, filler, limit);
    expect(error).toMatch(message);
    expect(read).toBeLessThanOrEqual(limit + 1024 + filler.length);
  });

  it("refuses a 50 MiB number given in one piece without reading past the limit's piece", () => {
    const scanner = new JsonItemScanner(["days[].heartbeats[]"]);
    const started = performance.now();
    expect(() => scanner.push(`{"days":[{"heartbeats":[{"time":${"7".repeat(50 * 1_048_576)}}]}]}`)).toThrow(/near character 96: a number or literal longer than 64/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("keeps the limits above what real heartbeats need", () => {
    const hb = { entity: "\u00e9".repeat(1024), time: -1.7976931348623157e308, dependencies: Array.from({ length: 100 }, () => "d".repeat(255)) };
    // The entity written with every character escaped (6 raw characters each), pretty-printed.
    const text = JSON.stringify({ heartbeats: [hb] }, null, 8).replace(/\u00e9/g, "\\u00e9");
    expect(text).toContain("\\u00e9\\u00e9");
    expect(scanAll(text, ["heartbeats[]"]).map((i) => (i.value as { entity: string }).entity.length)).toEqual([1024]);
  });
});
