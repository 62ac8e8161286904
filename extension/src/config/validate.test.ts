import { describe, expect, it } from "vitest";
import { apiKeyProblem, apiUrlProblem } from "./validate";

describe("apiUrlProblem", () => {
  it("accepts http(s) URLs and refuses the rest", () => {
    expect(apiUrlProblem("http://127.0.0.1:8787/api/v1")).toBeUndefined();
    expect(apiUrlProblem(" https://kodo.example.com/api/v1 ")).toBeUndefined();
    expect(apiUrlProblem("kodo.example.com")).toMatch(/full URL/);
    expect(apiUrlProblem("ftp://x/api")).toMatch(/http/);
  });
});

describe("apiKeyProblem", () => {
  it("accepts WakaTime-style and other keys, refuses obvious mistakes", () => {
    expect(apiKeyProblem("waka_11111111-2222-4333-8444-555555555555")).toBeUndefined();
    expect(apiKeyProblem("11111111-2222-4333-8444-555555555555")).toBeUndefined();
    expect(apiKeyProblem("  ")).toBeDefined();
    expect(apiKeyProblem("two words")).toBeDefined();
  });
});
