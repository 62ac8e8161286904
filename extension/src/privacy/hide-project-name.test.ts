import { describe, expect, it } from "vitest";
import { hideProjectName, relativeToRoot } from "./hide-project-name";

describe("hideProjectName", () => {
  it("hashes the name stably and keeps null", () => {
    const h = hideProjectName("acme-secret", "s");
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(hideProjectName("acme-secret", "s")).toBe(h);
    expect(hideProjectName(null, "s")).toBeNull();
  });
});

describe("relativeToRoot", () => {
  it("strips the project root", () => {
    expect(relativeToRoot("/home/me/acme/src/a.ts", "/home/me/acme")).toBe("src/a.ts");
    expect(relativeToRoot("/home/me/acme/src/a.ts", "/home/me/acme/")).toBe("src/a.ts");
    expect(relativeToRoot("C:\\w\\acme\\a.ts", "C:\\w\\acme")).toBe("a.ts");
  });
  it("keeps paths outside the root", () => {
    expect(relativeToRoot("/tmp/x.ts", "/home/me/acme")).toBe("/tmp/x.ts");
    expect(relativeToRoot("/home/me/acme-2/x.ts", "/home/me/acme")).toBe("/home/me/acme-2/x.ts");
    expect(relativeToRoot("/tmp/x.ts", null)).toBe("/tmp/x.ts");
  });
});
