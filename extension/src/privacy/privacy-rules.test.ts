import { describe, expect, it } from "vitest";
import type { HeartbeatDraft } from "../tracker/heartbeat-draft";
import { createPathFilter } from "./path-filter";
import { applyPrivacy, type PrivacyRules } from "./privacy-rules";

const draft: HeartbeatDraft = {
  timeMs: 1_700_000_000_000,
  entity: "/home/dev/acme-secret/src/plan.ts",
  category: "coding",
  project: "acme-secret",
  projectRoot: "/home/dev/acme-secret",
  projectRootCount: 4,
  branch: "main",
  language: "TypeScript",
  lines: 10,
  lineNumber: 1,
  cursorPosition: 1,
  isWrite: false,
  lineAdditions: null,
  lineDeletions: null,
};
const rules = (over: Partial<PrivacyRules> = {}): PrivacyRules => ({
  hideFileNames: "off",
  hideProjectNames: false,
  onlyProjectsWithKodoFile: false,
  pathFilter: () => true,
  ...over,
});
const deps = (hasKodo = false) => ({ secret: "s", hasKodoFile: async () => hasKodo });

describe("applyPrivacy", () => {
  it("passes a heartbeat through unchanged by default", async () => {
    expect(await applyPrivacy(draft, rules(), deps())).toEqual(draft);
  });
  it("drops excluded files", async () => {
    const pathFilter = createPathFilter({ exclude: ["src/**"], include: [], windows: false });
    expect(await applyPrivacy(draft, rules({ pathFilter }), deps())).toBeNull();
  });
  it("drops projects without a .kodo marker when required", async () => {
    const r = rules({ onlyProjectsWithKodoFile: true });
    expect(await applyPrivacy(draft, r, deps(false))).toBeNull();
    expect(await applyPrivacy({ ...draft, projectRoot: null }, r, deps(true))).toBeNull();
    expect(await applyPrivacy(draft, r, deps(true))).toEqual(draft);
  });
  it("hides the project name and the project folder in the path", async () => {
    const out = await applyPrivacy(draft, rules({ hideProjectNames: true }), deps());
    expect(out?.project).toMatch(/^[0-9a-f]{32}$/);
    expect(out?.entity).toBe("src/plan.ts");
    expect(out?.projectRootCount).toBeNull();
    expect(JSON.stringify({ ...out, projectRoot: null })).not.toContain("acme");
  });
  it("hides file names with a hash or the extension only", async () => {
    const hashed = await applyPrivacy(draft, rules({ hideFileNames: "hash" }), deps());
    expect(hashed?.entity).toMatch(/^[0-9a-f]{32}\.ts$/);
    const ext = await applyPrivacy(draft, rules({ hideFileNames: "extension" }), deps());
    expect(ext?.entity).toBe("HIDDEN.ts");
    expect(ext?.projectRootCount).toBeNull();
  });
});
