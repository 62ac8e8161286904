/**
 * The team board on Cloudflare reads each member's per-day project record (the Durable
 * Object's `day_projects`), and equals the board computed from every member's sessions on
 * random members (core/contract/team-board-contract.ts; AWS: sam/test/team-board.test.ts).
 */
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import type { User } from "@kodo/core";
import { defineTeamBoardContract } from "../../core/contract/team-board-contract.ts";
import { cloudflareActivity } from "../src/stores/activity.ts";
import { cloudflareExternalDurations } from "../src/stores/external-durations.ts";
import { aUser, freshStorage } from "./helpers.ts";

beforeEach(freshStorage);

defineTeamBoardContract("Durable Objects", () => ({
  activity: cloudflareActivity(env),
  external: cloudflareExternalDurations(env),
  async newUser(timeZone, keystrokeTimeoutMinutes): Promise<User> {
    const { id } = await aUser({ timeZone, timeoutMinutes: keystrokeTimeoutMinutes });
    const row = await env.DB.prepare("SELECT username, created_at FROM users WHERE id = ?").bind(id).first<{ username: string; created_at: string }>();
    return { id, username: row!.username, displayName: null, email: null, timeZone, keystrokeTimeoutMinutes, createdAt: row!.created_at };
  },
}));
