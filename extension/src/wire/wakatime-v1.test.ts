import { describe, expect, it } from "vitest";
import type { HeartbeatDraft } from "../tracker/heartbeat-draft";
import { parseBulkStatuses, parseStatusbarToday, toWireHeartbeat } from "./wakatime-v1";

const sender = { machine: "devbox", userAgent: "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)" };
const draft: HeartbeatDraft = {
  timeMs: 1_763_888_400_123,
  entity: "/p/a.ts",
  category: "coding",
  project: "p",
  projectRoot: "/p",
  projectRootCount: 2,
  branch: null,
  language: "TypeScript",
  lines: 3,
  lineNumber: 2,
  cursorPosition: 7,
  isWrite: true,
  lineAdditions: 1,
  lineDeletions: null,
};

describe("toWireHeartbeat", () => {
  it("uses WakaTime's field names, seconds, and leaves nulls and the root path out", () => {
    expect(toWireHeartbeat(draft, sender)).toEqual({
      entity: "/p/a.ts",
      type: "file",
      category: "coding",
      time: 1_763_888_400.123,
      project: "p",
      project_root_count: 2,
      language: "TypeScript",
      lines: 3,
      lineno: 2,
      cursorpos: 7,
      is_write: true,
      line_additions: 1,
      machine: "devbox",
      user_agent: sender.userAgent,
    });
  });
});

describe("parseBulkStatuses", () => {
  it("reads statuses in order and rejects wrong shapes or lengths", () => {
    const body = { responses: [[{ data: {} }, 201], [null, 202], [{ error: "bad" }, 400]] };
    expect(parseBulkStatuses(body, 3)).toEqual([201, 202, 400]);
    expect(parseBulkStatuses(body, 2)).toBeNull();
    expect(parseBulkStatuses({ responses: [[{}, "201"]] }, 1)).toBeNull();
    expect(parseBulkStatuses("nope", 0)).toBeNull();
  });
});

describe("parseStatusbarToday", () => {
  it("reads the grand total", () => {
    const body = { data: { grand_total: { text: "1 hr 5 mins", total_seconds: 3900 } } };
    expect(parseStatusbarToday(body)).toEqual({ text: "1 hr 5 mins", totalSeconds: 3900 });
    expect(parseStatusbarToday({ data: {} })).toBeNull();
    expect(parseStatusbarToday(null)).toBeNull();
  });
});
