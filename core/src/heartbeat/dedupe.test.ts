import { describe, expect, it } from "vitest";
import { dedupeKey, dedupeKeys, dedupeKeyMaterial } from "./dedupe.ts";
import type { Heartbeat } from "../types.ts";

const base: Heartbeat = {
  time: 1_700_000_000.123,
  entity: "/src/app.ts",
  type: "file",
  category: "coding",
  project: "kodo",
  projectRootCount: 3,
  branch: "main",
  language: "TypeScript",
  dependencies: ["zod"],
  lines: 100,
  lineNumber: 10,
  cursorPosition: 4,
  lineAdditions: 1,
  lineDeletions: 0,
  isWrite: false,
  editor: "VS Code",
  operatingSystem: "Linux",
  machine: "laptop",
  userAgent: "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)",
  aiLineChanges: null,
  humanLineChanges: null,
};

describe("dedupeKey", () => {
  it("is 32 hex chars and stable across calls", async () => {
    const a = await dedupeKey("user-1", base);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(await dedupeKey("user-1", { ...base })).toBe(a);
  });

  it("is a pinned value (changing it would split stored logs)", async () => {
    // If this changes on purpose, bump VERSION in dedupe.ts and plan a migration.
    expect(dedupeKeyMaterial("user-1", base)).toBe(
      '["kodo-dedupe-v1","user-1","/src/app.ts","file","coding","kodo","main","TypeScript",false,1700000000123]',
    );
  });

  const variants: Array<[string, Partial<Heartbeat>]> = [
    ["entity", { entity: "/src/other.ts" }],
    ["type", { type: "app" }],
    ["category", { category: "debugging" }],
    ["project", { project: "other" }],
    ["project null", { project: null }],
    ["branch", { branch: "dev" }],
    ["branch null", { branch: null }],
    ["language", { language: "Go" }],
    ["isWrite", { isWrite: true }],
    ["time +1ms", { time: 1_700_000_000.124 }],
  ];

  it.each(variants)("differs when %s differs", async (_, change) => {
    expect(await dedupeKey("user-1", { ...base, ...change })).not.toBe(await dedupeKey("user-1", base));
  });

  it("differs per user", async () => {
    expect(await dedupeKey("user-2", base)).not.toBe(await dedupeKey("user-1", base));
  });

  it("ignores fields outside the identity (editor, machine, positions, sub-millisecond time)", async () => {
    const same = {
      ...base,
      editor: "Vim",
      machine: "desktop",
      operatingSystem: "Mac",
      userAgent: null,
      lineNumber: 99,
      cursorPosition: 1,
      dependencies: [],
      time: 1_700_000_000.1231,
    };
    expect(await dedupeKey("user-1", same)).toBe(await dedupeKey("user-1", base));
  });

  it("cannot be confused by separators moving between fields", async () => {
    const a = { ...base, project: "a|b", branch: "c" };
    const b = { ...base, project: "a", branch: "b|c" };
    const c = { ...base, project: 'a","b', branch: null };
    const d = { ...base, project: "a", branch: "b" };
    const keys = await Promise.all([a, b, c, d].map((h) => dedupeKey("u", h)));
    expect(new Set(keys).size).toBe(4);
    expect(await dedupeKey("u|x", base)).not.toBe(await dedupeKey("u", { ...base, entity: `x|${base.entity}` }));
  });

  it("distinguishes null from the string \"null\"", async () => {
    expect(await dedupeKey("u", { ...base, project: null })).not.toBe(await dedupeKey("u", { ...base, project: "null" }));
  });
});

describe("dedupe key digest", () => {
  it("is SHA-256 of the material, first 16 bytes in hex (stored logs' keys depend on it)", async () => {
    const beats = [base, { ...base, project: null }, { ...base, entity: "/ünïcødé/🙂.ts", branch: "a\"b" }];
    for (const hb of beats) {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(dedupeKeyMaterial("user-1", hb))));
      const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
      expect(await dedupeKey("user-1", hb)).toBe(hex);
    }
    // And pinned: a change of material or digest would orphan every stored log's keys.
    // (Computed once outside Kodo with Node's WebCrypto: SHA-256 of this material, first 16 bytes.)
    expect(dedupeKeyMaterial("user-1", base)).toBe('["kodo-dedupe-v1","user-1","/src/app.ts","file","coding","kodo","main","TypeScript",false,1700000000123]');
    expect(await dedupeKey("user-1", base)).toBe("e10af9aac08fa38987a5993abf2230a8");
  });
});

describe("dedupeKeys", () => {
  it("gives each heartbeat's own key, in order", async () => {
    const beats = [0, 1, 2, 1].map((i) => ({ ...base, time: base.time + i, entity: `/src/f${i}.ts` }));
    const keys = await dedupeKeys("user-1", beats);
    expect(keys).toEqual(await Promise.all(beats.map((hb) => dedupeKey("user-1", hb))));
    expect(keys[1]).toBe(keys[3]);
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((k) => /^[0-9a-f]{32}$/.test(k))).toBe(true);
  });
});
