import { describe, expect, it } from "vitest";
import { canonicalLanguage } from "./language-names";

describe("canonicalLanguage", () => {
  it("maps VS Code ids to canonical names", () => {
    expect(canonicalLanguage("typescript")).toBe("TypeScript");
    expect(canonicalLanguage("cpp")).toBe("C++");
    expect(canonicalLanguage("shellscript")).toBe("Bash");
  });
  it("passes unknown ids through and maps empty to null", () => {
    expect(canonicalLanguage("brand-new-lang")).toBe("brand-new-lang");
    expect(canonicalLanguage("")).toBeNull();
  });
});
