/**
 * `/api/kodo/account/keys`: the caller's API keys. Several labelled keys, each full-access
 * (may send heartbeats) or read-only; a new or rotated key is answered once and stored only
 * as its SHA-256 digest. A user may set their own key (waka_<uuid-v4> or a bare UUID v4, the
 * shapes WakaTime plugins accept) unless it is in use. Managing keys needs a signed-in
 * session: an API key cannot mint or revoke keys.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { hashKey } from "../auth.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { admin, requireAccount } from "./account-auth.ts";
import { jsonBody, keySchema, keyView, newKeySchema } from "./account-views.ts";
import { readSmallJson } from "../body.ts";
import { MAX_KEYS_PER_USER, generateApiKey, keyHint, parseKeyLabel, parseKeyScope, parseOwnKey } from "../../accounts/api-keys.ts";

export const accountKeyRoutes = new Hono<AppEnv>();

const TAGS = ["Account"];
const SESSION_ONLY = "Only from a signed-in session (X-CSRF-Token and a trusted Origin on writes); API keys get 403.";
const conflict = jsonResponse("The key is already in use.", z.object({ error: z.string() }));

accountKeyRoutes.get(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "List the API keys",
    description: `Labels, scopes, hints and dates; never the keys. ${SESSION_ONLY}`,
    responses: { 200: jsonResponse("The keys.", z.object({ data: z.array(keySchema) })), ...errorResponses(401, 403) },
  }),
  requireAccount("session"),
  async (c) => {
    const keys = await admin(c).accounts.listKeys(c.var.auth.user.id);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: keys.map(keyView) });
  },
);

accountKeyRoutes.post(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Create a key, or set your own",
    description: `\`label\` (default "API key"), \`scope\` ("full" or "read", default full), and optionally \`key\`: your own key to use instead of a generated one. ${SESSION_ONLY}`,
    requestBody: jsonBody("The new key.", {
      type: "object",
      properties: { label: { type: "string", maxLength: 64 }, scope: { type: "string", enum: ["full", "read"] }, key: { type: "string", example: "waka_00000000-0000-4000-8000-000000000000" } },
    }),
    responses: { 201: jsonResponse("Created; `key` is shown this once.", newKeySchema), ...errorResponses(400, 401, 403), 409: conflict },
  }),
  requireAccount("session"),
  async (c) => {
    const body = await readSmallJson(c);
    const label = parseKeyLabel(body.label);
    const scope = parseKeyScope(body.scope);
    const own = body.key === undefined || body.key === null || body.key === "" ? null : parseOwnKey(body.key);
    const problems = [label, scope, own].flatMap((r) => (r && !r.ok ? [r.error] : []));
    if (problems.length > 0 || !label.ok || !scope.ok) return jsonError(c, 400, problems.join("; "));
    const { accounts } = admin(c);
    const userId = c.var.auth.user.id;
    if ((await accounts.listKeys(userId)).length >= MAX_KEYS_PER_USER) return jsonError(c, 400, `At most ${MAX_KEYS_PER_USER} keys: revoke one first`);
    const key = own?.ok ? own.value : generateApiKey();
    const info = await accounts.createKey(userId, { keyHash: await hashKey(key), label: label.value, scope: scope.value, hint: keyHint(key) });
    if (!info) return jsonError(c, 409, "key: already in use; choose another");
    return c.json({ data: keyView(info), key }, 201);
  },
);

accountKeyRoutes.post(
  "/:id/rotate",
  describeRoute({
    tags: TAGS,
    summary: "Rotate a key",
    description: `Replaces the key's secret (same label and scope); the old one stops working at once. Optionally \`key\`: your own new key. ${SESSION_ONLY}`,
    parameters: [pathParameter("id", "The key's id.")],
    requestBody: jsonBody("Optional own key.", { type: "object", properties: { key: { type: "string" } } }),
    responses: { 200: jsonResponse("Rotated; `key` is shown this once.", newKeySchema), ...errorResponses(400, 401, 403, 404), 409: conflict },
  }),
  requireAccount("session"),
  async (c) => {
    const body = await readSmallJson(c);
    const own = body.key === undefined || body.key === null || body.key === "" ? null : parseOwnKey(body.key);
    if (own && !own.ok) return jsonError(c, 400, own.error);
    const { accounts } = admin(c);
    const userId = c.var.auth.user.id;
    const id = c.req.param("id");
    if (!(await accounts.listKeys(userId)).some((k) => k.id === id)) return jsonError(c, 404, "No such key");
    const key = own?.ok ? own.value : generateApiKey();
    const info = await accounts.replaceKeySecret(userId, id, { keyHash: await hashKey(key), hint: keyHint(key) });
    if (!info) return jsonError(c, 409, "key: already in use; choose another");
    return c.json({ data: keyView(info), key });
  },
);

accountKeyRoutes.delete(
  "/:id",
  describeRoute({
    tags: TAGS,
    summary: "Revoke a key",
    description: `The key stops working at once. ${SESSION_ONLY}`,
    parameters: [pathParameter("id", "The key's id.")],
    responses: { 200: jsonResponse("Revoked.", z.object({ revoked: z.literal(true) })), ...errorResponses(401, 403, 404) },
  }),
  requireAccount("session"),
  async (c) => {
    const revoked = await admin(c).accounts.revokeKey(c.var.auth.user.id, c.req.param("id"));
    if (!revoked) return jsonError(c, 404, "No such key");
    return c.json({ revoked: true as const });
  },
);
