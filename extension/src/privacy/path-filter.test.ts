import { describe, expect, it } from "vitest";
import { createPathFilter } from "./path-filter";

const ROOT = "/home/dev/kodo";

describe("createPathFilter", () => {
  it("tracks everything without patterns", () => {
    const f = createPathFilter({ exclude: [], include: ["**/*.md"], windows: false });
    expect(f("/anything/at/all.ts", null)).toBe(true);
  });
  it("excludes by absolute or project-relative glob", () => {
    const f = createPathFilter({
      exclude: ["/home/dev/private/**", "secrets/**", "**/*.env"],
      include: [],
      windows: false,
    });
    expect(f("/home/dev/private/diary.md", null)).toBe(false);
    expect(f(`${ROOT}/secrets/key.ts`, ROOT)).toBe(false);
    expect(f(`${ROOT}/config/.prod.env`, ROOT)).toBe(false);
    expect(f(`${ROOT}/src/app.ts`, ROOT)).toBe(true);
  });
  it("lets include patterns override excludes", () => {
    const f = createPathFilter({
      exclude: ["secrets/**"],
      include: ["secrets/README.md"],
      windows: false,
    });
    expect(f(`${ROOT}/secrets/README.md`, ROOT)).toBe(true);
    expect(f(`${ROOT}/secrets/key.ts`, ROOT)).toBe(false);
  });
  it("matches Windows paths case-insensitively", () => {
    const f = createPathFilter({ exclude: ["c:\\work\\Private\\**"], include: [], windows: true });
    expect(f("C:\\Work\\private\\a.cs", "C:\\Work")).toBe(false);
    expect(f("C:\\Work\\public\\a.cs", "C:\\Work")).toBe(true);
  });
});
