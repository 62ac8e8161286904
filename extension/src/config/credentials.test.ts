import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveCredentials, type CredentialSources } from "./credentials";
import { DEFAULT_API_URL, WAKATIME_API_URL } from "./defaults";
import { readLocalApiKey } from "./local-api-key";

const none: CredentialSources = {
  storedKey: undefined,
  configuredUrl: undefined,
  wakatimeCfg: undefined,
  localKey: undefined,
};

describe("resolveCredentials", () => {
  it("asks when nothing is known, pre-filling the local server", () => {
    expect(resolveCredentials(none)).toEqual({ kind: "ask", defaultUrl: DEFAULT_API_URL });
    expect(resolveCredentials({ ...none, configuredUrl: "https://k.example/api/v1" })).toEqual({
      kind: "ask",
      defaultUrl: "https://k.example/api/v1",
    });
  });
  it("prefers the stored key, then .wakatime.cfg, then the local dev key", () => {
    const all: CredentialSources = {
      storedKey: "stored",
      configuredUrl: undefined,
      wakatimeCfg: { apiKey: "cfg", apiUrl: "https://cfg.example/api/v1" },
      localKey: "local",
    };
    expect(resolveCredentials(all)).toMatchObject({
      source: "secret-storage",
      credentials: { apiKey: "stored", apiUrl: DEFAULT_API_URL },
    });
    expect(resolveCredentials({ ...all, storedKey: undefined })).toMatchObject({
      source: "wakatime-cfg",
      credentials: { apiKey: "cfg", apiUrl: "https://cfg.example/api/v1" },
    });
    expect(resolveCredentials({ ...all, storedKey: undefined, wakatimeCfg: {} })).toMatchObject({
      source: "local-server",
      credentials: { apiKey: "local", apiUrl: DEFAULT_API_URL },
    });
  });
  it("uses WakaTime's URL for a cfg without api_url, and kodo.apiUrl over everything", () => {
    expect(resolveCredentials({ ...none, wakatimeCfg: { apiKey: "k" } })).toMatchObject({
      credentials: { apiUrl: WAKATIME_API_URL },
    });
    expect(
      resolveCredentials({ ...none, configuredUrl: "https://mine/api/v1", wakatimeCfg: { apiKey: "k" } }),
    ).toMatchObject({ credentials: { apiUrl: "https://mine/api/v1" } });
  });
});

describe("readLocalApiKey", () => {
  it("finds the first workspace folder with .kodo/local-api-key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kodo-local-key-"));
    try {
      const a = join(dir, "a");
      const b = join(dir, "b");
      await mkdir(a);
      await mkdir(join(b, ".kodo"), { recursive: true });
      await writeFile(join(b, ".kodo", "local-api-key"), "waka_local\n");
      expect(await readLocalApiKey([a, b])).toBe("waka_local");
      expect(await readLocalApiKey([a])).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
