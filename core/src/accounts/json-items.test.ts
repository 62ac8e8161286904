import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { JsonItemScanner, JsonStreamError, jsonItems } from "./json-items.ts";

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
    expect(() => scanAll(`[${JSON.stringify({ e: "x".repeat(1_100_000) })}]`, ["[]"])).toThrow(/larger than/);
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
