import { describe, expect, it } from "vitest";
import { MAX_DISPLAY_NAME_LENGTH, cleanDisplayName, parseDisplayName } from "./display-name.ts";
import { parseProfileChange } from "./profile.ts";

const HOSTILE = [
  "Ada\u0000Lovelace",
  "Ada\u0007",
  "Ada\u0085x",
  "\u202eecalevoL adA",
  "Ada \u2066Lovelace\u2069",
  "Ada\u200f",
  "Ada\ud800",
  "x".repeat(MAX_DISPLAY_NAME_LENGTH + 1),
];

describe("display names: one rule", () => {
  it("normalises: NFC, whitespace runs to one space, trimmed, empty is none", () => {
    expect(parseDisplayName("  Ame\u0301lie \t\n Poulain\u2028 ")).toEqual({ ok: true, value: "Amélie Poulain" });
    expect(parseDisplayName("   ")).toEqual({ ok: true, value: null });
    // Emoji sequences joined by U+200D stay whole; the limit counts code points.
    expect(parseDisplayName("👩‍💻 dev")).toEqual({ ok: true, value: "👩‍💻 dev" });
    expect(parseDisplayName("é".repeat(MAX_DISPLAY_NAME_LENGTH)).ok).toBe(true);
  });

  it("refuses controls, bidi formatting, lone surrogates and over-long names, naming the problem", () => {
    for (const name of HOSTILE) {
      const r = parseDisplayName(name);
      expect(r.ok, JSON.stringify(name)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/control|bidirectional|surrogate|at most 100/);
    }
    const patch = parseProfileChange({ display_name: "\u202eevil" });
    expect(patch).toEqual({ ok: false, error: expect.stringMatching(/^display_name: must not contain bidirectional/) });
  });

  it("cleans what sign-up is handed into a name the rule accepts", () => {
    expect(cleanDisplayName("Ada\u0000Lovelace")).toBe("Ada Lovelace");
    expect(cleanDisplayName("\u202eecalevoL adA\u202c")).toBe("ecalevoL adA");
    expect(cleanDisplayName("x".repeat(900_000))).toBe("x".repeat(MAX_DISPLAY_NAME_LENGTH));
    expect(cleanDisplayName(undefined)).toBe("");
    expect(cleanDisplayName("\u0000\u202e")).toBe("");
    for (const name of [...HOSTILE, "😀".repeat(200), " a ".repeat(300)]) {
      const cleaned = cleanDisplayName(name);
      expect(parseDisplayName(cleaned), JSON.stringify(name)).toEqual({ ok: true, value: cleaned === "" ? null : cleaned });
    }
  });
});
