import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { WAKATIME_DOCS } from "../openapi-wakatime.ts";
import type { AppEnv, AppContext } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError, jsonError } from "../errors.ts";
import { validateBatch } from "../../heartbeat/index.ts";
import { toWireHeartbeat } from "../../wakatime/v1/heartbeat.ts";
import { isDay } from "../../time/zone.ts";
import type { Heartbeat } from "../../types.ts";
import { decodeHeartbeatCursor, encodeHeartbeatCursor, HEARTBEATS_PER_PAGE, pageLimit, type LogPosition } from "../../heartbeat/paging.ts";
import { HEARTBEAT_BODY_BYTES, readJsonBody } from "../body.ts";
import { parseBulkDeletion } from "../../accounts/heartbeat-deletion.ts";
import { currentUser } from "./user-param.ts";

/** Heartbeat ingest and listing: WakaTime's `users/current/heartbeats[.bulk]`. */
export const heartbeatRoutes = new Hono<AppEnv>();

heartbeatRoutes.post("/users/:user/heartbeats", describeRoute(WAKATIME_DOCS.postHeartbeats), requireApiKey("full"), (c) => ingest(c, false));
heartbeatRoutes.post("/users/:user/heartbeats.bulk", describeRoute(WAKATIME_DOCS.postHeartbeatsBulk), requireApiKey("full"), (c) => ingest(c, true));

async function ingest(c: AppContext, bulk: boolean) {
  const user = currentUser(c);
  const body = await readJsonBody(c, { limit: HEARTBEAT_BODY_BYTES, required: "Body required: a heartbeat object or an array of heartbeats" });
  const { ports } = c.var;
  const validated = validateBatch(body, ports.now(), {
    userAgentHeader: c.req.header("user-agent") ?? null,
    machineHeader: c.req.header("x-machine-name") ?? null,
  });
  if (!validated.ok) throw new ApiError(400, validated.error);

  const valid: Heartbeat[] = [];
  for (const item of validated.items) if (item.ok) valid.push(item.heartbeat);
  const outcomes = valid.length > 0 ? await ports.activity.ingest(user, valid) : [];

  // Answer per item in request order: 201 stored, 202 already known, 400 with the reason.
  let next = 0;
  const responses = validated.items.map((item) => {
    if (!item.ok) return [{ error: item.error }, 400] as const;
    const outcome = outcomes[next];
    const hb = valid[next++]!;
    // Clients read only each item's status; a batch answers with the heartbeat's identity
    // (serialising 1000 whole heartbeats was a third of bulk ingest's CPU time).
    return [{ data: bulk || Array.isArray(body) ? briefHeartbeat(hb) : toWireHeartbeat(hb, user.id) }, outcome === "duplicate" ? 202 : 201] as const;
  });

  if (!bulk && !Array.isArray(body)) {
    const [payload, status] = responses[0]!;
    return c.json(payload, status);
  }
  return c.json({ responses }, 201);
}

/** A heartbeat in a batch answer: its identity and the dimensions recorded, in WakaTime's names. */
function briefHeartbeat(hb: Heartbeat) {
  return {
    entity: hb.entity,
    type: hb.type,
    category: hb.category,
    time: hb.time,
    is_write: hb.isWrite,
    project: hb.project,
    branch: hb.branch,
    language: hb.language,
    machine_name_id: hb.machine,
    user_agent_id: hb.userAgent,
  };
}

heartbeatRoutes.get("/users/:user/heartbeats", describeRoute(WAKATIME_DOCS.getHeartbeats), requireApiKey(), async (c) => {
  const user = currentUser(c);
  const date = c.req.query("date");
  if (!date || !isDay(date.slice(0, 10))) return jsonError(c, 400, "date: required, as YYYY-MM-DD");
  const day = date.slice(0, 10);
  const request = pageRequestOf(c, day);
  const page = await c.var.ports.activity.heartbeatsOn(user, day, { after: request.after, limit: request.perPage, withTotal: request.page === 1 });
  const total = request.page === 1 ? page.total ?? page.heartbeats.length : request.total;
  // Pages are cut at perPage heartbeats, or sooner by the byte bound: then there are more.
  const totalPages = Math.max(request.page + (page.more ? 1 : 0), Math.ceil(total / request.perPage), 1);
  const last = page.heartbeats.at(-1);
  const next = page.more && last ? encodeHeartbeatCursor({ day, page: request.page + 1, after: { time: last.time, id: last.id }, total }) : null;
  return c.json({
    data: page.heartbeats.map((hb) => toWireHeartbeat(hb, user.id)),
    start: day,
    end: day,
    timezone: user.timeZone,
    // Paging in the names WakaTime's paged routes use; clients reading one day ignore them.
    page: request.page,
    per_page: request.perPage,
    total,
    total_pages: totalPages,
    prev_page: request.page > 1 ? request.page - 1 : null,
    next_page: next ? request.page + 1 : null,
    next_cursor: next,
  });
});

/**
 * The page asked for: the first (no cursor), or the one a `next_cursor` opens. A page number
 * alone past 1 cannot be served without counting through the day (OFFSET), so it needs its
 * cursor; `page` beside a cursor must agree with it.
 */
function pageRequestOf(c: AppContext, day: string): { page: number; perPage: number; after: LogPosition | null; total: number } {
  const perPageText = c.req.query("per_page");
  let perPage = HEARTBEATS_PER_PAGE;
  if (perPageText !== undefined) {
    const n = Number(perPageText);
    if (!/^\d{1,6}$/.test(perPageText) || n < 1 || n > HEARTBEATS_PER_PAGE) throw new ApiError(400, `per_page: a whole number from 1 to ${HEARTBEATS_PER_PAGE}`);
    perPage = pageLimit(n);
  }
  const pageText = c.req.query("page");
  const page = pageText === undefined ? null : /^\d{1,9}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : NaN;
  if (Number.isNaN(page)) throw new ApiError(400, "page: a whole number from 1");
  const cursorText = c.req.query("cursor");
  if (cursorText === undefined || cursorText === "") {
    if (page !== null && page > 1) throw new ApiError(400, "page: pages after the first are read with the cursor the previous page gave as next_cursor");
    return { page: 1, perPage, after: null, total: 0 };
  }
  const cursor = decodeHeartbeatCursor(cursorText);
  if (!cursor) throw new ApiError(400, "cursor: not a cursor this server gave as next_cursor");
  if (cursor.day !== day) throw new ApiError(400, `cursor: it pages ${cursor.day}, not ${day}`);
  if (page !== null && page !== cursor.page) throw new ApiError(400, `page: the cursor opens page ${cursor.page}`);
  return { page: cursor.page, perPage, after: cursor.after, total: cursor.total };
}

/**
 * WakaTime's `DELETE users/current/heartbeats.bulk` with `{"date": "YYYY-MM-DD", "ids": [...]}`:
 * deletes those heartbeats of that local day (ids as GET heartbeats gives them). Full-access key.
 */
heartbeatRoutes.delete("/users/:user/heartbeats.bulk", describeRoute(WAKATIME_DOCS.deleteHeartbeatsBulk), requireApiKey("full"), async (c) => {
  const user = currentUser(c);
  const admin = c.var.ports.activityAdmin;
  if (!admin) return jsonError(c, 501, "Deleting heartbeats is not available on this server");
  const parsed = parseBulkDeletion(await readJsonBody(c, { limit: HEARTBEAT_BODY_BYTES, required: "Body required: {\"date\": \"YYYY-MM-DD\", \"ids\": [...]}" }), user.timeZone);
  if (!parsed.ok) return jsonError(c, 400, parsed.error);
  // At most DELETE_MAX_IDS ids, all on one day: one chunk always covers them.
  const chunk = await admin.deleteHeartbeats(user, parsed.value);
  return c.json({ data: { deleted: chunk.deleted } });
});
