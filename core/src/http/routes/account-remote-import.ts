/**
 * `/api/kodo/account/imports`: pulling history from another WakaTime-compatible server
 * (WakaTime, Wakapi, another Kodo) given its API URL and the caller's key there.
 *
 * Driven by the client: `POST /imports` checks the server and key and creates a job (its days
 * and cursor stored with the account); each `POST /imports/{id}/step` pulls the next few days
 * (STEP_MAX_DAYS, or fewer when a step's time or heartbeat budget runs out) and answers the
 * job's progress; the client repeats until `status` is "done". The dashboard's import page does
 * this in a loop with a progress bar; a script can do the same. The remote key is never
 * stored: every step carries it. A step that fails leaves the cursor where it was, so the job
 * resumes from there whenever the client calls again (after a restart, a closed tab, a day).
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { admin, requireAccount } from "./account-auth.ts";
import { jobSchema, jobView, jsonBody } from "./account-views.ts";
import { readSmallJson } from "../body.ts";
import { emptyCounts } from "../../accounts/import.ts";
import { RemoteImportError, RemoteServer, STEP_MAX_DAYS, STEP_MAX_HEARTBEATS, STEP_MAX_MS, importPlan, normaliseBaseUrl } from "../../accounts/remote-import.ts";
import { decodeCursor, encodeCursor } from "../../accounts/remote-cursor.ts";
import { pullStep } from "../../accounts/remote-step.ts";
import { addDays, dayOf } from "../../time/zone.ts";
import type { ImportJob } from "../../accounts/ports.ts";
import type { Outbound } from "../../net/safe-fetch.ts";

export const accountImportRoutes = new Hono<AppEnv>();

const TAGS = ["Account"];
const AUTH_NOTE = "Needs a sign-in session or a full-access key.";
const remoteProblem = jsonResponse(
  'The remote server could not be used: "Could not connect to the server" for every failure to reach it (also an address the policy refuses: loopback, private, metadata), or what it answered (refused key, rate limit, an error status, not JSON, an answer too large).',
  z.object({ error: z.string() }),
);
const keyBody = jsonBody("The API key on the remote server (never stored).", { type: "object", required: ["api_key"], properties: { api_key: { type: "string" } } });

/** The platform's fetch and resolver for user-given URLs (always used through the address policy). */
function outboundOf(c: AppContext): Outbound | null {
  return c.var.ports.outbound ?? null;
}
const NO_OUTBOUND = "Importing from another server is not available on this platform";

function remoteKey(body: Record<string, unknown>): string | null {
  const key = body.api_key;
  return typeof key === "string" && key.trim() !== "" && key.length <= 255 ? key.trim() : null;
}

accountImportRoutes.post(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Start an import from a WakaTime-compatible server",
    description: `\`url\`: the server's API base (e.g. https://wakatime.com/api/v1, https://wakapi.dev/api/compat/wakatime/v1); \`api_key\`: your key there. Checks both, then creates the job; call its step route until done. ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    requestBody: jsonBody("Server and key.", { type: "object", required: ["url", "api_key"], properties: { url: { type: "string" }, api_key: { type: "string" } } }),
    responses: { 201: jsonResponse("The job.", z.object({ data: jobSchema })), ...errorResponses(400, 401, 403, 501), 422: remoteProblem },
  }),
  requireAccount("write"),
  async (c) => {
    const body = await readSmallJson(c);
    const url = normaliseBaseUrl(body.url);
    const key = remoteKey(body);
    if (!url.ok || !key) return jsonError(c, 400, [url.ok ? null : url.error, key ? null : "api_key: required, your API key on that server"].filter(Boolean).join("; "));
    const user = c.var.auth.user;
    const outbound = outboundOf(c);
    if (!outbound) return jsonError(c, 501, NO_OUTBOUND);
    const remote = new RemoteServer(url.value, key, outbound);
    let firstDay: string | null;
    let lookups;
    try {
      firstDay = await remote.firstDay();
      lookups = await remote.lookups();
    } catch (err) {
      if (err instanceof RemoteImportError) return jsonError(c, 422, err.message);
      throw err;
    }
    // The remote's days may run ahead of ours (a zone east of the user's): one day of margin.
    const plan = importPlan(firstDay, addDays(dayOf(c.var.ports.now(), user.timeZone), 1));
    const { accounts } = admin(c);
    const job = await accounts.createImportJob(user.id, { baseUrl: url.value, ...plan });
    const withLookups = (await accounts.updateImportJob(user.id, job.id, { lookups }, job.nextDay)) ?? job;
    return c.json({ data: jobView(withLookups) }, 201);
  },
);

accountImportRoutes.get(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "List imports",
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The caller's import jobs, newest first.", z.object({ data: z.array(jobSchema) })), ...errorResponses(401) },
  }),
  requireAccount("read"),
  async (c) => {
    const jobs = await admin(c).accounts.listImportJobs(c.var.auth.user.id);
    return c.json({ data: jobs.map(jobView) });
  },
);

accountImportRoutes.get(
  "/:id",
  describeRoute({
    tags: TAGS,
    summary: "An import's progress",
    security: API_KEY_SECURITY,
    parameters: [pathParameter("id", "The job's id.")],
    responses: { 200: jsonResponse("The job.", z.object({ data: jobSchema })), ...errorResponses(401, 404) },
  }),
  requireAccount("read"),
  async (c) => {
    const job = await admin(c).accounts.findImportJob(c.var.auth.user.id, c.req.param("id"));
    if (!job) return jsonError(c, 404, "No such import");
    return c.json({ data: jobView(job) });
  },
);

accountImportRoutes.post(
  "/:id/step",
  describeRoute({
    tags: TAGS,
    summary: "Pull the next days of an import",
    description: `Pulls up to ${STEP_MAX_DAYS} days (less if ${STEP_MAX_HEARTBEATS} heartbeats or ${STEP_MAX_MS / 1000} s are reached) and answers the job. Repeat until \`status\` is "done". ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    parameters: [pathParameter("id", "The job's id.")],
    requestBody: keyBody,
    responses: { 200: jsonResponse("The job after this step.", z.object({ data: jobSchema })), ...errorResponses(400, 401, 403, 404, 501), 409: jsonResponse("Another step of this job is running.", z.object({ error: z.string() })), 422: remoteProblem },
  }),
  requireAccount("write"),
  async (c) => {
    const body = await readSmallJson(c);
    const key = remoteKey(body);
    if (!key) return jsonError(c, 400, "api_key: required, your API key on the remote server");
    const { accounts } = admin(c);
    const user = c.var.auth.user;
    const job = await accounts.findImportJob(user.id, c.req.param("id"));
    if (!job) return jsonError(c, 404, "No such import");
    if (job.status !== "running" || job.nextDay === null) return c.json({ data: jobView(job) });
    if (!outboundOf(c)) return jsonError(c, 501, NO_OUTBOUND);
    const result = await step(c, job, key);
    if ("error" in result) return jsonError(c, result.status, result.error);
    return c.json({ data: jobView(result.job) });
  },
);

/** Pulls from the job's cursor within the step's budget and records the new cursor. */
async function step(c: AppContext, job: ImportJob, key: string): Promise<{ job: ImportJob } | { error: string; status: 409 | 422 }> {
  const { accounts } = admin(c);
  const user = c.var.auth.user;
  const remote = new RemoteServer(job.baseUrl, key, outboundOf(c)!);
  const counts = emptyCounts();
  const from = decodeCursor(job.nextDay!);
  const outcome = await pullStep({ remote, activity: c.var.ports.activity, user, lookups: job.lookups, from, lastDay: job.lastDay, now: c.var.ports.now, counts });
  const nextDay = outcome.cursor === null ? null : encodeCursor(outcome.cursor);
  const updated = await accounts.updateImportJob(
    user.id,
    job.id,
    {
      nextDay,
      status: nextDay === null ? "done" : "running",
      daysDone: job.daysDone + outcome.daysDone,
      heartbeatsReceived: job.heartbeatsReceived + counts.received,
      heartbeatsCreated: job.heartbeatsCreated + counts.created,
      heartbeatsRejected: job.heartbeatsRejected + counts.rejected,
      error: outcome.failure,
    },
    job.nextDay,
  );
  if (!updated) return { error: "Another step of this import ran at the same time; ask for its progress and go on", status: 409 };
  if (outcome.failure) return { error: `${outcome.failure} (the import stopped at ${outcome.cursor?.day ?? from.day}; send the step again to resume)`, status: 422 };
  return { job: updated };
}
