/** Schemas of the public JSON routes, for validation of parameters and the OpenAPI document. */
import { z } from "zod";
import type { OpenAPIV3 } from "openapi-types";
import { NAMED_RANGES } from "../../time/ranges.ts";
import { summaryItemSchema } from "../openapi-wakatime.ts";

/** (OpenAPI 3.0 typing: openapi-types types 3.1 parameters with 3.0 schemas.) */
export const rangeParameterSchema: OpenAPIV3.SchemaObject = {
  anyOf: [
    { type: "string", enum: [...NAMED_RANGES] },
    { type: "string", pattern: "^\\d{4}(-\\d{2})?$", description: "A year or a month: 2026, 2026-03." },
  ],
};

export const publicStatsSchema = z
  .object({
    data: z.object({
      username: z.string(),
      display_name: z.string().nullable(),
      range: z.object({
        name: z.string(),
        text: z.string().meta({ example: "Last 30 Days" }),
        start: z.string().meta({ description: "First local day, YYYY-MM-DD." }),
        end: z.string().meta({ description: "Last local day, YYYY-MM-DD (inclusive)." }),
        timezone: z.string(),
        limited_by_history: z.boolean().meta({ description: "True when the range was cut to the days the user shares." }),
      }),
      total_seconds: z.number(),
      human_readable_total: z.string(),
      daily_average: z.number().meta({ description: "Seconds per day of the range." }),
      human_readable_daily_average: z.string(),
      projects: z
        .array(summaryItemSchema)
        .optional()
        .meta({ description: "Present when the user shares projects: by name, or as \"Project 1\", \"Project 2\", ... (ranked by time in this range)." }),
      languages: z.array(summaryItemSchema).optional().meta({ description: "Present when the user shares languages." }),
      editors: z.array(summaryItemSchema).optional().meta({ description: "Present when the user shares editors." }),
      operating_systems: z.array(summaryItemSchema).optional().meta({ description: "Present when the user shares operating systems." }),
      machines: z.array(summaryItemSchema).optional().meta({ description: "Present when the user shares machines." }),
      days: z
        .array(z.object({ date: z.string(), total_seconds: z.number() }))
        .optional()
        .meta({ description: "Per-day totals (days without activity omitted); absent when the user shares totals only." }),
    }),
  })
  .meta({ ref: "PublicStats" });
