/**
 * Embeddable badges: `GET /api/badge/{username}/{range}.svg` (shields.io look) and
 * `GET /api/badge/{username}/{range}.json` (a shields.io "endpoint" body for the same data),
 * total time over a range, optionally for one project/language/editor/OS/machine.
 *
 * A user who does not share (or does not exist, or hides what is filtered on) gets a neutral
 * "private" badge, 200, built only from the URL: it reveals nothing and READMEs keep working.
 * Malformed URLs (unknown range, colour outside the allow-list, over-long label) get a JSON
 * 400 naming the parameter: those are the embedder's mistakes, better seen at once.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import type { PublicUser } from "../../ports.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { rangeParameterSchema } from "./public-schemas.ts";
import { BADGE_STYLES, renderBadge } from "../../badge/render-badge.ts";
import { badgeColor, COLOR_ALIASES, COLOR_NAMES, COLOR_PATTERN, NAMED_COLORS } from "../../badge/colors.ts";
import { cleanBadgeText, truncateText } from "../../badge/xml.ts";
import { humanText } from "../../wakatime/v1/format.ts";
import { resolveRange } from "../../time/ranges.ts";
import { sumTotals } from "../../sessions/rollup.ts";
import {
  allowedFilter,
  filterValueOf,
  isRangeName,
  MAX_USERNAME_LENGTH,
  publicDays,
  publicFilterQuery,
  publicRange,
} from "./public-access.ts";
import { publicJsonResponse, publicRead, svgResponse } from "./badge-cache.ts";

export const badgeRoutes = new Hono<AppEnv>();

export const MAX_LABEL_LENGTH = 64;
const DEFAULT_COLOR = "blue";
const PRIVATE_COLOR = "lightgrey";
const PRIVATE_MESSAGE = "private";

export const badgeQuerySchema = z.object({
  ...publicFilterQuery,
  label: z
    .string()
    .max(MAX_LABEL_LENGTH, `must be at most ${MAX_LABEL_LENGTH} characters`)
    .optional()
    .meta({ description: "Left-hand text; empty for none. Default: the range (and the filter value)." }),
  color: z
    .string()
    .regex(new RegExp(COLOR_PATTERN), `must be a hex colour (4b0, 007ec6) or one of ${COLOR_NAMES.join(", ")}`)
    .optional()
    .meta({ description: `Message colour: hex (with or without #) or a shields.io name. Default ${DEFAULT_COLOR}.` }),
  style: z.enum(BADGE_STYLES).optional().meta({ description: "shields.io style. Default flat." }),
});
type BadgeQuery = z.infer<typeof badgeQuerySchema>;

export interface BadgeData {
  label: string;
  message: string;
  /** Fill for the message side; grey for private. */
  color: string;
  /** The colour as a shields.io endpoint expects it (a name, or hex without "#"). */
  endpointColor: string;
}

/** What a badge says: from the user's shared data, or the neutral private badge (`found` null). */
export async function badgeData(c: AppContext, found: PublicUser | null, rangeName: string, q: BadgeQuery): Promise<BadgeData> {
  const { ports } = c.var;
  const filterValue = filterValueOf(q);
  const label = (rangeText: string) => {
    if (q.label !== undefined) return cleanBadgeText(q.label);
    const range = rangeText.toLowerCase();
    return cleanBadgeText(filterValue ? `${truncateText(cleanBadgeText(filterValue), 40)} · ${range}` : range);
  };
  const privateBadge = (): BadgeData => ({
    label: label(resolveRange(rangeName, 0, "UTC")!.text),
    message: PRIVATE_MESSAGE,
    color: badgeColor(PRIVATE_COLOR)!,
    endpointColor: PRIVATE_COLOR,
  });

  if (!found) return privateBadge();
  const filter = allowedFilter(found.sharing, q);
  if (!filter) return privateBadge();
  const range = await publicRange(ports, found.user, found.sharing, rangeName);
  if (!range) return privateBadge();
  const { totalSeconds } = sumTotals(await publicDays(ports, found, range, filter));
  const colorParam = (q.color ?? DEFAULT_COLOR).toLowerCase();
  return {
    label: label(range.text),
    message: humanText(totalSeconds),
    color: badgeColor(colorParam)!,
    endpointColor: endpointColor(colorParam),
  };
}

function endpointColor(param: string): string {
  const name = Object.hasOwn(COLOR_ALIASES, param) ? COLOR_ALIASES[param]! : param;
  return Object.hasOwn(NAMED_COLORS, name) ? name : param.replace(/^#/, "");
}

/** `{username}` and `{range}` of a badge path whose last segment ends in `ext`. */
function badgePath(c: AppContext, ext: string) {
  const username = c.req.param("username") ?? "";
  const rangeName = (c.req.param("range") ?? "").slice(0, -ext.length);
  if (username.length === 0 || username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: 1 to ${MAX_USERNAME_LENGTH} characters`);
  if (!isRangeName(rangeName)) throw new ApiError(400, `range: unknown range "${rangeName.slice(0, 40)}"`);
  return { username, rangeName };
}

const keyParams = (q: BadgeQuery): Record<keyof BadgeQuery, string | undefined> => ({
  project: q.project,
  language: q.language,
  editor: q.editor,
  os: q.os,
  machine: q.machine,
  label: q.label,
  color: q.color?.toLowerCase(),
  style: q.style,
});

const pathParameters = [
  pathParameter("username", "The user's username."),
  { ...pathParameter("range", "A range name, a year (2026) or a month (2026-03)."), schema: rangeParameterSchema },
];

badgeRoutes.get(
  "/api/badge/:username/:range{[^/]+\\.svg}",
  describeRoute({
    operationId: "getBadgeSvg",
    tags: ["Badges"],
    summary: "Coding-time badge (SVG)",
    description:
      "Total coding time over the range in shields.io's look, e.g. `![coding time](https://kodo.example/api/badge/alice/last_30_days.svg)`. " +
      "Users who share nothing (and unknown users) get a grey `private` badge with status 200. Activity is cached up to 5 minutes; sharing changes and deletion show at once.",
    parameters: pathParameters,
    responses: {
      200: { description: "The badge.", content: { "image/svg+xml": { schema: { type: "string" } } } },
      ...errorResponses(400),
    },
  }),
  validated("query", badgeQuerySchema),
  async (c) => {
    const { username, rangeName } = badgePath(c, ".svg");
    const q = c.req.valid("query");
    return publicRead(c, username, `/api/badge/${encodeURIComponent(username)}/${rangeName}.svg`, keyParams(q), async (found) => {
      const data = await badgeData(c, found, rangeName, q);
      return svgResponse(renderBadge({ label: data.label, message: data.message, color: data.color, style: q.style ?? "flat" }));
    });
  },
);

export const shieldsEndpointSchema = z
  .object({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string(),
    color: z.string(),
  })
  .meta({ ref: "ShieldsEndpoint", description: "shields.io endpoint badge body (https://shields.io/badges/endpoint-badge)." });

badgeRoutes.get(
  "/api/badge/:username/:range{[^/]+\\.json}",
  describeRoute({
    operationId: "getBadgeEndpointJson",
    tags: ["Badges"],
    summary: "Coding-time badge (shields.io endpoint JSON)",
    description:
      "The same data as the SVG badge for shields.io's endpoint badge: " +
      "`https://img.shields.io/endpoint?url=https://kodo.example/api/badge/alice/last_30_days.json`. `style` is ignored here (shields.io takes its own).",
    parameters: pathParameters,
    responses: { 200: jsonResponse("The badge's content.", shieldsEndpointSchema), ...errorResponses(400) },
  }),
  validated("query", badgeQuerySchema),
  async (c) => {
    const { username, rangeName } = badgePath(c, ".json");
    const q = c.req.valid("query");
    return publicRead(c, username, `/api/badge/${encodeURIComponent(username)}/${rangeName}.json`, { ...keyParams(q), style: undefined }, async (found) => {
      const data = await badgeData(c, found, rangeName, q);
      return publicJsonResponse({ schemaVersion: 1, label: data.label, message: data.message, color: data.endpointColor });
    });
  },
);
