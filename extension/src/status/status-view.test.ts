import { describe, expect, it } from "vitest";
import { pauseEndText, statusView, type StatusInput } from "./status-view";

const base: StatusInput = {
  todayText: "1 hr 5 mins",
  queued: 0,
  connection: { kind: "online" },
  paused: false,
  pausedUntilText: null,
};

describe("statusView", () => {
  it("shows today's total when all is well", () => {
    const v = statusView(base);
    expect(v.text).toBe("$(clock) 1 hr 5 mins");
    expect(v.warning).toBe(false);
    expect(v.tooltip).toContain("open the dashboard");
  });
  it("shows the offline state and how much is queued", () => {
    const v = statusView({
      ...base,
      queued: 42,
      connection: { kind: "offline", reason: "ECONNREFUSED", nextAttemptAtMs: 0 },
    });
    expect(v.text).toBe("$(cloud-offline) 1 hr 5 mins $(cloud-upload) 42");
    expect(v.tooltip).toContain("Offline (ECONNREFUSED)");
    expect(v.tooltip).toContain("42 heartbeat(s) waiting");
  });
  it("asks for a key when there is none or it was refused", () => {
    expect(statusView({ ...base, todayText: undefined, connection: { kind: "no-credentials" } })).toMatchObject({
      text: "$(key) Kodo",
      warning: true,
    });
    expect(statusView({ ...base, connection: { kind: "unauthorized" } }).tooltip).toContain("refused");
  });
  it("shows a pause", () => {
    const v = statusView({ ...base, paused: true, pausedUntilText: "15:30" });
    expect(v.text).toBe("$(debug-pause) 1 hr 5 mins");
    expect(v.tooltip).toContain("paused until 15:30");
  });
});

describe("pauseEndText", () => {
  it("shows the time for today and adds the day otherwise", () => {
    const now = new Date(2026, 10, 23, 14, 30).getTime();
    expect(pauseEndText(new Date(2026, 10, 23, 14, 45).getTime(), now)).toBe("14:45");
    expect(pauseEndText(new Date(2026, 10, 24, 0, 0).getTime(), now)).toMatch(/ 00:00$/);
  });
});
