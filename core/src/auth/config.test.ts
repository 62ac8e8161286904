import { describe, expect, it } from "vitest";
import { offeredProviders, readAuthConfig } from "./config.ts";

describe("configuration", () => {
  const base = { BETTER_AUTH_SECRET: "s".repeat(40), BETTER_AUTH_URL: "https://kodo.example" };
  it("offers GitHub with both its client id and secret, on github.com unless a test points elsewhere", () => {
    expect(readAuthConfig({ ...base, GITHUB_CLIENT_ID: "id" })!.github).toBeNull();
    const cfg = readAuthConfig({ ...base, GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret" })!;
    expect(cfg.github).toEqual({ clientId: "id", clientSecret: "secret", authorizationUrl: "https://github.com/login/oauth/authorize", tokenUrl: "https://github.com/login/oauth/access_token", apiUrl: "https://api.github.com" });
    expect(offeredProviders(cfg)).toContainEqual({ id: "github", name: "GitHub" });
    const test = readAuthConfig({ ...base, GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret", GITHUB_API_URL: "http://127.0.0.1:9/" })!;
    expect(test.github!.apiUrl).toBe("http://127.0.0.1:9");
  });
});
