import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseWakatimeCfg, readWakatimeCfg, wakatimeCfgPath } from "./wakatime-cfg";

describe("parseWakatimeCfg", () => {
  it("reads api_url and api_key from [settings] only", () => {
    const text = [
      "; a comment",
      "[settings]",
      "debug = false",
      "api_key = waka_11111111-2222-4333-8444-555555555555",
      "api_url=https://kodo.example.com/api/v1",
      "",
      "[other]",
      "api_key = not-this-one",
    ].join("\r\n");
    expect(parseWakatimeCfg(text)).toEqual({
      apiKey: "waka_11111111-2222-4333-8444-555555555555",
      apiUrl: "https://kodo.example.com/api/v1",
    });
  });
  it("ignores empty values and files without settings", () => {
    expect(parseWakatimeCfg("[settings]\napi_key =\n")).toEqual({});
    expect(parseWakatimeCfg("")).toEqual({});
  });
});

describe("wakatimeCfgPath / readWakatimeCfg", () => {
  it("honours WAKATIME_HOME and reads the file from disk", async () => {
    expect(wakatimeCfgPath("/home/me", {})).toBe(join("/home/me", ".wakatime.cfg"));
    expect(wakatimeCfgPath("/home/me", { WAKATIME_HOME: "/cfg" })).toBe(join("/cfg", ".wakatime.cfg"));
    const dir = await mkdtemp(join(tmpdir(), "kodo-cfg-"));
    try {
      const path = join(dir, ".wakatime.cfg");
      expect(await readWakatimeCfg(path)).toBeUndefined();
      await writeFile(path, "[settings]\napi_key = abc\n");
      expect(await readWakatimeCfg(path)).toEqual({ apiKey: "abc" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
