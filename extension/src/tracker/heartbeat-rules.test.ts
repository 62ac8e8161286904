import { describe, expect, it } from "vitest";
import {
  enoughTimePassed,
  shouldSendHeartbeat,
  TIME_BETWEEN_HEARTBEATS_MS,
  type HeartbeatCandidate,
  type LastHeartbeat,
} from "./heartbeat-rules";

const T0_MS = Date.UTC(2026, 10, 23, 9, 0, 0);
const last: LastHeartbeat = { entity: "/p/a.ts", timeMs: T0_MS, category: "coding" };
const candidate = (over: Partial<HeartbeatCandidate> = {}): HeartbeatCandidate => ({
  kind: "edit",
  entity: "/p/a.ts",
  category: "coding",
  windowFocused: true,
  ...over,
});

describe("enoughTimePassed", () => {
  it("is false up to and including exactly 2 minutes, true after", () => {
    expect(enoughTimePassed(T0_MS, T0_MS + 1000)).toBe(false);
    expect(enoughTimePassed(T0_MS, T0_MS + TIME_BETWEEN_HEARTBEATS_MS)).toBe(false);
    expect(enoughTimePassed(T0_MS, T0_MS + TIME_BETWEEN_HEARTBEATS_MS + 1)).toBe(true);
  });
});

describe("shouldSendHeartbeat", () => {
  it("sends the first heartbeat", () => {
    expect(shouldSendHeartbeat(undefined, candidate(), T0_MS)).toBe(true);
  });
  it("collapses edits in the same file within 2 minutes", () => {
    expect(shouldSendHeartbeat(last, candidate(), T0_MS + 60_000)).toBe(false);
  });
  it("sends again after 2 minutes in the same file", () => {
    expect(shouldSendHeartbeat(last, candidate(), T0_MS + 121_000)).toBe(true);
  });
  it("sends when the file changes", () => {
    expect(shouldSendHeartbeat(last, candidate({ entity: "/p/b.ts" }), T0_MS + 1000)).toBe(true);
  });
  it("sends on every save", () => {
    expect(shouldSendHeartbeat(last, candidate({ kind: "save" }), T0_MS + 1000)).toBe(true);
  });
  it("sends a save even from an unfocused window", () => {
    const save = candidate({ kind: "save", windowFocused: false });
    expect(shouldSendHeartbeat(last, save, T0_MS + 1000)).toBe(true);
  });
  it("ignores scrolling (or anything but a save) in an unfocused window", () => {
    for (const kind of ["scroll", "edit", "select", "switch"] as const) {
      const c = candidate({ kind, entity: "/p/other.ts", windowFocused: false });
      expect(shouldSendHeartbeat(undefined, c, T0_MS + 500_000)).toBe(false);
    }
  });
  it("sends when the category changes", () => {
    expect(shouldSendHeartbeat(last, candidate({ category: "debugging" }), T0_MS + 1000)).toBe(
      true,
    );
  });
});
