import { describe, expect, it } from "vitest";
import { deriveUsername, usernameBase, usernameProblem } from "./username.ts";
import { generateApiKey, keyHint, parseKeyLabel, parseKeyScope, parseOwnKey } from "./api-keys.ts";
import { parseProfileChange } from "./profile.ts";
import { csrfProblem, csrfTokenFor, sameToken } from "./csrf.ts";
import { importPlan, normaliseBaseUrl } from "./remote-import.ts";
import { toImportable } from "./import.ts";
import { looksLikeKey } from "../http/auth.ts";

describe("usernames", () => {
  it("derives a valid base from the email's local part, else the name", () => {
    expect(usernameBase("Ada.Lovelace+kodo@example.com", "Ada")).toBe("ada-lovelace-kodo");
    expect(usernameBase(null, "Zoë Ångström")).toBe("zoe-angstrom");
    expect(usernameBase("x@example.com", null)).toBe("user-x");
    expect(usernameBase(null, "李小龍")).toBe("user");
    expect(usernameBase("a".repeat(80) + "@example.com", null)).toHaveLength(25);
    for (const b of ["ada-lovelace-kodo", "zoe-angstrom", "user-x"]) expect(usernameProblem(b)).toBeNull();
  });

  it("adds a suffix when taken or reserved", async () => {
    const taken = new Set(["sam", "sam-2"]);
    expect(await deriveUsername("sam@x.example", null, async (c) => taken.has(c))).toBe("sam-3");
    expect(await deriveUsername("current@x.example", null, async () => false)).toBe("current-2");
    const all = async (c: string) => !c.includes("-r4nd0m");
    expect(await deriveUsername("bo@x.example", null, all, () => "r4nd0m")).toBe("user-bo-r4nd0m");
    expect(await deriveUsername(null, "李", async () => false)).toBe("user-2");
  });

  it("names what is wrong with a username", () => {
    expect(usernameProblem("ab")).toMatch(/3-30/);
    expect(usernameProblem("Ab_c")).toMatch(/lower-case/);
    expect(usernameProblem("-abc")).toMatch(/start/);
    expect(usernameProblem("current")).toBe("is reserved");
  });
});

describe("API keys", () => {
  it("generates keys of the shape plugins accept, with a 4-character hint", () => {
    const k = generateApiKey();
    expect(looksLikeKey(k)).toBe(true);
    expect(k).toMatch(/^waka_/);
    expect(keyHint(k)).toBe(k.slice(-4));
  });

  it("accepts own keys as waka_<uuid-v4> or a bare UUID v4 only", () => {
    expect(parseOwnKey(" waka_6f1c2b9e-5d4a-4c3b-9a8f-1e2d3c4b5a69 ")).toEqual({ ok: true, value: "waka_6f1c2b9e-5d4a-4c3b-9a8f-1e2d3c4b5a69" });
    expect(parseOwnKey("6f1c2b9e-5d4a-4c3b-9a8f-1e2d3c4b5a69").ok).toBe(true);
    for (const bad of ["6f1c2b9e-5d4a-1c3b-9a8f-1e2d3c4b5a69", "waka_", "key", 5, null]) expect(parseOwnKey(bad).ok).toBe(false);
  });

  it("labels default, trim and are bounded; scopes are full or read", () => {
    expect(parseKeyLabel(undefined)).toEqual({ ok: true, value: "API key" });
    expect(parseKeyLabel("  my   laptop ")).toEqual({ ok: true, value: "my laptop" });
    expect(parseKeyLabel("x".repeat(65)).ok).toBe(false);
    expect(parseKeyLabel("a\u0000b").ok).toBe(false);
    expect(parseKeyScope(undefined)).toEqual({ ok: true, value: "full" });
    expect(parseKeyScope("read")).toEqual({ ok: true, value: "read" });
    expect(parseKeyScope("write").ok).toBe(false);
  });
});

describe("profile changes", () => {
  it("reads WakaTime's aliases and canonical time zones", () => {
    expect(parseProfileChange({ timezone: "america/new_york", timeout: "45" })).toEqual({ ok: true, value: { timeZone: "America/New_York", keystrokeTimeoutMinutes: 45 } });
    expect(parseProfileChange({ display_name: "  " })).toEqual({ ok: true, value: { displayName: null } });
  });

  it("refuses every bad field at once, and unknown fields", () => {
    const r = parseProfileChange({ time_zone: "Nowhere/Land", keystroke_timeout_minutes: 300, display_name: "x".repeat(101) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.split("; ").map((e) => e.split(":")[0])).toEqual(["display_name", "time_zone", "keystroke_timeout_minutes"]);
    expect(parseProfileChange({ tz: "UTC" })).toEqual({ ok: false, error: "Unknown field(s): tz" });
    expect(parseProfileChange(null).ok).toBe(false);
  });
});

describe("CSRF", () => {
  it("derives a per-session token and compares exactly", async () => {
    const a = await csrfTokenFor("secret", "session-a");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await csrfTokenFor("secret", "session-a")).toBe(a);
    expect(await csrfTokenFor("secret", "session-b")).not.toBe(a);
    expect(await csrfTokenFor("other", "session-a")).not.toBe(a);
    expect(sameToken(a, a)).toBe(true);
    expect(sameToken(a, a.slice(0, -1) + "0")).toBe(a.endsWith("0"));
  });

  it("lets safe methods through and checks Origin and token on the rest", () => {
    const trusted = ["https://kodo.example"];
    const ok = { origin: "https://kodo.example", token: "t", fetchSite: "same-origin" };
    expect(csrfProblem("GET", { origin: undefined, token: undefined, fetchSite: "cross-site" }, trusted, "t")).toBeNull();
    expect(csrfProblem("POST", ok, trusted, "t")).toBeNull();
    expect(csrfProblem("POST", { ...ok, origin: undefined }, trusted, "t")).toMatch(/Origin/);
    expect(csrfProblem("DELETE", { ...ok, origin: "https://kodo.example.evil.com" }, trusted, "t")).toMatch(/not allowed/);
    expect(csrfProblem("PATCH", { ...ok, token: undefined }, trusted, "t")).toMatch(/Missing X-CSRF-Token/);
    expect(csrfProblem("PATCH", { ...ok, token: "u" }, trusted, "t")).toMatch(/Bad X-CSRF-Token/);
    expect(csrfProblem("POST", { ...ok, fetchSite: "cross-site" }, trusted, "t")).toMatch(/Cross-site/);
  });
});

describe("remote import", () => {
  it("normalises server URLs and refuses unsafe ones", () => {
    expect(normaliseBaseUrl("https://wakatime.com")).toEqual({ ok: true, value: "https://wakatime.com/api/v1" });
    expect(normaliseBaseUrl("https://wakapi.dev/api/compat/wakatime/v1/")).toEqual({ ok: true, value: "https://wakapi.dev/api/compat/wakatime/v1" });
    for (const bad of ["", "ftp://x.example", "https://u:p@x.example", "https://x.example/api?x=1", "not a url", 7]) expect(normaliseBaseUrl(bad).ok).toBe(false);
  });

  it("plans from one day before the remote's first day to the end", () => {
    expect(importPlan("2026-01-10", "2026-01-20")).toEqual({ firstDay: "2026-01-09", lastDay: "2026-01-20", daysTotal: 12 });
    expect(importPlan(null, "2026-01-20")).toEqual({ firstDay: "2026-01-20", lastDay: "2026-01-20", daysTotal: 1 });
  });

  it("resolves WakaTime's user agent and machine ids; Kodo's values pass as they are", () => {
    const lookups = { userAgents: { "6f1c2b9e-5d4a-4c3b-9a8f-1e2d3c4b5a69": "wakatime/1.0 vscode/1.9" }, machines: {} };
    expect(toImportable({ entity: "a", user_agent_id: "6f1c2b9e-5d4a-4c3b-9a8f-1e2d3c4b5a69", machine_name_id: "0e2d3c4b-5a69-4c3b-9a8f-6f1c2b9e5d4a" }, lookups)).toMatchObject({
      user_agent: "wakatime/1.0 vscode/1.9",
      machine: null,
    });
    expect(toImportable({ entity: "a", user_agent_id: "wakatime/2.0", machine_name_id: "box" })).toMatchObject({ user_agent: "wakatime/2.0", machine: "box" });
    expect(toImportable({ entity: "a", user_agent: "given", user_agent_id: "other" })).toMatchObject({ user_agent: "given" });
    expect(toImportable(5)).toBe(5);
  });
});
