/**
 * Pause state: tracking is paused until `untilMs` (epoch ms), or until resumed when
 * `untilMs` is null. Kept in the extension's global state so a pause survives a reload.
 */
export type PauseState = { paused: false } | { paused: true; untilMs: number | null };

export type PauseChoice = "indefinitely" | "15m" | "1h" | "tomorrow";

export const NOT_PAUSED: PauseState = { paused: false };

const MINUTE_MS = 60_000;

export function pauseFor(choice: PauseChoice, nowMs: number): PauseState {
  switch (choice) {
    case "indefinitely":
      return { paused: true, untilMs: null };
    case "15m":
      return { paused: true, untilMs: nowMs + 15 * MINUTE_MS };
    case "1h":
      return { paused: true, untilMs: nowMs + 60 * MINUTE_MS };
    case "tomorrow":
      return { paused: true, untilMs: nextLocalMidnightMs(nowMs) };
  }
}

/** A timed pause ends by itself; no timer is needed, every check compares with the clock. */
export function isPaused(state: PauseState, nowMs: number): boolean {
  if (!state.paused) return false;
  return state.untilMs === null || nowMs < state.untilMs;
}

/** The next midnight in the machine's local time zone ("until tomorrow" means local time). */
export function nextLocalMidnightMs(nowMs: number): number {
  const d = new Date(nowMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 0, 0, 0, 0).getTime();
}
