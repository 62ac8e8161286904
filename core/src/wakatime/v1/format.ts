/** WakaTime's ways of writing a duration. */

export interface DurationText {
  total_seconds: number;
  digital: string;
  decimal: string;
  text: string;
  hours: number;
  minutes: number;
  seconds: number;
}

export function durationText(totalSeconds: number): DurationText {
  const whole = Math.floor(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  return {
    total_seconds: round2(totalSeconds),
    digital: `${hours}:${String(minutes).padStart(2, "0")}`,
    decimal: (Math.floor((totalSeconds / 3600) * 100) / 100).toFixed(2),
    text: humanText(totalSeconds),
    hours,
    minutes,
    seconds,
  };
}

/** "1 hr 5 mins", "12 mins", "0 secs": WakaTime's status-bar wording. */
export function humanText(totalSeconds: number): string {
  const whole = Math.floor(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} hr${hours === 1 ? "" : "s"}`);
  if (minutes > 0) parts.push(`${minutes} min${minutes === 1 ? "" : "s"}`);
  if (parts.length === 0) {
    const seconds = whole % 60;
    return `${seconds} sec${seconds === 1 ? "" : "s"}`;
  }
  return parts.join(" ");
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
