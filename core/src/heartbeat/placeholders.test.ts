import { describe, expect, it } from "vitest";
import {
  LAST_BRANCH,
  LAST_LANGUAGE,
  LAST_PROJECT,
  hasPlaceholders,
  resolvePlaceholders,
  resolvePlaceholdersInOrder,
} from "./placeholders.ts";
import type { Heartbeat } from "../types.ts";

function hb(over: Partial<Heartbeat> = {}): Heartbeat {
  return {
    time: 1_700_000_000,
    entity: "https://example.com",
    type: "domain",
    category: "browsing",
    project: null,
    projectRootCount: null,
    branch: null,
    language: null,
    dependencies: [],
    lines: null,
    lineNumber: null,
    cursorPosition: null,
    lineAdditions: null,
    lineDeletions: null,
    isWrite: false,
    editor: "Chrome",
    operatingSystem: "Linux",
    machine: null,
    userAgent: null,
    aiLineChanges: null,
    humanLineChanges: null,
    ...over,
  };
}

const last = { project: "kodo", branch: "main", language: "TypeScript" };

describe("resolvePlaceholders", () => {
  it("replaces each placeholder with the previous heartbeat's value", () => {
    const out = resolvePlaceholders(hb({ project: LAST_PROJECT, branch: LAST_BRANCH, language: LAST_LANGUAGE }), last);
    expect(out).toMatchObject({ project: "kodo", branch: "main", language: "TypeScript" });
  });

  it("replaces only the fields that hold a placeholder", () => {
    const out = resolvePlaceholders(hb({ project: LAST_PROJECT, branch: "feature", language: "Go" }), last);
    expect(out).toMatchObject({ project: "kodo", branch: "feature", language: "Go" });
  });

  it("gives null when there is no previous heartbeat or it had no value", () => {
    const input = hb({ project: LAST_PROJECT, branch: LAST_BRANCH, language: LAST_LANGUAGE });
    expect(resolvePlaceholders(input, null)).toMatchObject({ project: null, branch: null, language: null });
    expect(resolvePlaceholders(input, { project: null, branch: null, language: null })).toMatchObject({
      project: null,
      branch: null,
      language: null,
    });
  });

  it("only matches the exact placeholder in its own field", () => {
    const input = hb({ project: LAST_BRANCH, branch: "<<last_branch>>", language: "x<<LAST_LANGUAGE>>" });
    expect(hasPlaceholders(input)).toBe(false);
    expect(resolvePlaceholders(input, last)).toBe(input);
  });

  it("leaves a heartbeat without placeholders untouched (same object)", () => {
    const input = hb({ project: "p" });
    expect(resolvePlaceholders(input, last)).toBe(input);
  });

  it("does not mutate its input", () => {
    const input = hb({ project: LAST_PROJECT });
    resolvePlaceholders(input, last);
    expect(input.project).toBe(LAST_PROJECT);
  });
});

describe("resolvePlaceholdersInOrder", () => {
  it("threads each resolved heartbeat into the next", () => {
    const out = resolvePlaceholdersInOrder(
      [
        hb({ project: LAST_PROJECT }),
        hb({ project: "other", branch: "dev" }),
        hb({ project: LAST_PROJECT, branch: LAST_BRANCH, language: LAST_LANGUAGE }),
      ],
      last,
    );
    expect(out.map((h) => [h.project, h.branch, h.language])).toEqual([
      ["kodo", null, null],
      ["other", "dev", null],
      ["other", "dev", null],
    ]);
  });
});
