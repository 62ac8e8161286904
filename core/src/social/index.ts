export * from "./ports.ts";
export * from "./leaderboard.ts";
export * from "./board-standing.ts";
export * from "./sharing.ts";
export * from "./goals.ts";
export * from "./teams.ts";
export * from "./team-ports.ts";
