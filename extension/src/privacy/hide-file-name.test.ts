import { describe, expect, it } from "vitest";
import { fileExtension, hideFileName } from "./hide-file-name";

const SECRET = "test-secret";

describe("hideFileName", () => {
  it("leaves the path alone when off", () => {
    expect(hideFileName("/p/src/a.ts", "off", SECRET)).toBe("/p/src/a.ts");
  });
  it("sends only the extension", () => {
    expect(hideFileName("/p/src/secret-plan.md", "extension", SECRET)).toBe("HIDDEN.md");
    expect(hideFileName("/p/Makefile", "extension", SECRET)).toBe("HIDDEN");
  });
  it("sends a stable keyed hash that reveals no part of the path", () => {
    const a = hideFileName("/p/src/secret-plan.md", "hash", SECRET);
    expect(a).toMatch(/^[0-9a-f]{32}\.md$/);
    expect(a).not.toContain("secret");
    expect(hideFileName("/p/src/secret-plan.md", "hash", SECRET)).toBe(a);
    expect(hideFileName("/p/src/other.md", "hash", SECRET)).not.toBe(a);
    expect(hideFileName("/p/src/secret-plan.md", "hash", "another-secret")).not.toBe(a);
  });
});

describe("fileExtension", () => {
  it("handles dotfiles, nested dots and Windows paths", () => {
    expect(fileExtension("/a/.env")).toBe("");
    expect(fileExtension("/a/b.test.ts")).toBe(".ts");
    expect(fileExtension("C:\\a\\b.cs")).toBe(".cs");
  });
});
