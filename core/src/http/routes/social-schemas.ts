/** Zod schemas of the social routes (issue 9): request validation and the OpenAPI document. */
import { z } from "zod";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";
import { DEFAULT_LEADERBOARD_RANGE, LEADERBOARD_RANGES } from "../../social/leaderboard.ts";
import { MAX_HISTORY_DAYS } from "../../social/sharing.ts";

export const sharingSchema = z
  .object({
    publicProfile: z.boolean().meta({ description: "Public profile page, public JSON and badges." }),
    leaderboards: z.boolean().meta({ description: "Appear on the public leaderboards." }),
    projects: z.enum(["hidden", "alias", "public"]).meta({ description: "Project names: hidden, as aliases (Project 1, ...) or by name." }),
    languages: z.boolean(),
    editors: z.boolean(),
    operatingSystems: z.boolean(),
    machines: z.boolean(),
    historyDays: z.number().int().min(0).max(MAX_HISTORY_DAYS).meta({ description: "Days back others may see; 0 = range totals only." }),
  })
  .meta({ ref: "Sharing" });

export const sharingChangeSchema = sharingSchema.partial();

const page = z.coerce.number().int().min(1).max(100_000).default(1).meta({ description: "1-based page (50 per page)." });
const range = z.enum(LEADERBOARD_RANGES).default(DEFAULT_LEADERBOARD_RANGE).meta({ description: "Each user's own local days." });
const language = z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Rank by this language's time." });

export const leaderboardQuerySchema = z.object({
  scope: z.enum(["global", "friends"]).default("global").meta({ description: "global: opted-in users; friends: you and your friends." }),
  range,
  language,
  page,
});

export const leadersQuerySchema = z.object({ language, page });

const namedSeconds = z.object({ name: z.string(), totalSeconds: z.number() });
const socialUser = z.object({ username: z.string(), displayName: z.string().nullable() });

export const leaderboardSchema = z
  .object({
    range: z.string(),
    scope: z.string(),
    language: z.string().nullable(),
    page: z.number(),
    pages: z.number(),
    total: z.number(),
    me: z.object({ rank: z.number(), totalSeconds: z.number() }).nullable(),
    data: z.array(
      z.object({
        rank: z.number(),
        user: socialUser,
        totalSeconds: z.number(),
        dailyAverageSeconds: z.number(),
        languages: z.array(namedSeconds).optional().meta({ description: "Only for users who share languages." }),
        flagged: z.boolean().meta({ description: "Some day exceeded the 18 h plausibility cap (counted as 18 h)." }),
      }),
    ),
  })
  .meta({ ref: "Leaderboard" });

export const leadersSchema = z
  .object({
    data: z.array(
      z.object({
        rank: z.number(),
        running_total: z.object({
          total_seconds: z.number(),
          human_readable_total: z.string(),
          daily_average: z.number(),
          human_readable_daily_average: z.string(),
          languages: z.array(z.object({ name: z.string(), total_seconds: z.number() })),
        }),
        user: z.object({ id: z.string(), username: z.string(), display_name: z.string().nullable(), full_name: z.string().nullable(), is_hireable: z.boolean(), photo_public: z.boolean() }),
      }),
    ),
    page: z.number(),
    total_pages: z.number(),
    language: z.string().nullable(),
    range: z.object({ start_date: z.string(), end_date: z.string(), name: z.string(), text: z.string() }),
    current_user: z
      .object({ rank: z.number().nullable(), page: z.number().nullable(), running_total: z.object({ total_seconds: z.number() }).nullable() })
      .nullable(),
  })
  .meta({ ref: "WakaTimeLeaders" });

const friendLink = z.object({ username: z.string(), displayName: z.string().nullable(), at: z.string() });
export const friendsSchema = z
  .object({
    friends: z.array(z.object({ username: z.string(), displayName: z.string().nullable(), since: z.string() })),
    incoming: z.array(friendLink),
    outgoing: z.array(friendLink),
  })
  .meta({ ref: "Friends" });

export const friendRequestSchema = z.object({ username: z.string().min(1).max(100) });

export const friendStatsQuerySchema = z.object({
  range: z.string().min(1).max(40).default("last_7_days").meta({ description: "A range name, a year or a month." }),
});
