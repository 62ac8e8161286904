import { mergeSettingsOf, type ActivityStore, type User } from "@kodo/core";
import { ApiError } from "@kodo/core/http";
import { ACCOUNT_DELETED } from "../activity/meta.ts";
import { parseDay } from "../activity/day-store.ts";

/**
 * The activity port on Cloudflare: writes and every read go to the user's Durable Object, which
 * keeps the user's day roll-ups (issue 16: one D1 database could not hold every user's days;
 * D1 gets only each user's board entries, written by the object's flush).
 */
export function cloudflareActivity(env: Pick<Env, "USER_ACTIVITY">): ActivityStore {
  const stub = (user: Pick<User, "id">) => userActivityStub(env.USER_ACTIVITY, user.id);
  return {
    async ingest(user, heartbeats) {
      try {
        return await stub(user).ingest(user.id, mergeSettingsOf(user), heartbeats);
      } catch (err) {
        // Deleted a moment ago, its key still cached in this isolate: the key is no longer valid.
        if (err instanceof Error && err.message.includes(ACCOUNT_DELETED)) throw new ApiError(401, "Invalid API key");
        throw err;
      }
    },
    days: async (user, start, end, options = {}) => (await stub(user).daysBetween(user.id, mergeSettingsOf(user), start, end, options)).map(parseDay),
    projectDays: (user, start, end, projects) => stub(user).projectDays(user.id, mergeSettingsOf(user), start, end, projects === "all" ? "all" : [...projects]),
    heartbeatsOn: (user, day, page) => stub(user).heartbeatsOn(mergeSettingsOf(user), day, page),
    seen: (user, kind) => stub(user).seenValues(kind),
    firstDay: (user) => stub(user).firstDay(mergeSettingsOf(user)),
    entityTotals: (user, start, end, filter) => stub(user).entityTotals(mergeSettingsOf(user), start, end, filter),
  };
}

/** The user's Durable Object (its id remembered: see objectIdOf). */
export function userActivityStub(namespace: Env["USER_ACTIVITY"], userId: string) {
  return namespace.get(objectIdOf(namespace, userId));
}

/**
 * Durable Object ids by user id: `idFromName` hashes the name on every call, and every ingest
 * request needs one. Ids (unlike stubs) may be kept across requests. Bounded per isolate.
 */
const objectIds = new WeakMap<DurableObjectNamespace, Map<string, DurableObjectId>>();

function objectIdOf(namespace: DurableObjectNamespace, userId: string): DurableObjectId {
  let ids = objectIds.get(namespace);
  if (!ids) objectIds.set(namespace, (ids = new Map()));
  let id = ids.get(userId);
  if (!id) {
    if (ids.size >= 10_000) ids.clear();
    id = namespace.idFromName(userId);
    ids.set(userId, id);
  }
  return id;
}
