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
import { HEARTBEAT_BODY_BYTES, readJsonBody } from "../body.ts";
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
  const heartbeats = await c.var.ports.activity.heartbeatsOn(user, day);
  return c.json({
    data: heartbeats.map((hb) => toWireHeartbeat(hb, user.id)),
    start: day,
    end: day,
    timezone: user.timeZone,
  });
});
