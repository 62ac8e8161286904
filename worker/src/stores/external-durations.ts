import { MAX_EXTERNAL_PER_USER, type ExternalDuration, type ExternalDurationStore } from "@kodo/core";
import { userActivityStub } from "./activity.ts";

/** External durations on Cloudflare: kept in the user's Durable Object, beside the heartbeat log. */
export function cloudflareExternalDurations(env: Pick<Env, "USER_ACTIVITY">): ExternalDurationStore {
  const stub = (userId: string) => userActivityStub(env.USER_ACTIVITY, userId);
  return {
    put: (user, items) => stub(user.id).externalPut(user.id, items, MAX_EXTERNAL_PER_USER),
    between: async (user, from, to) => (await stub(user.id).externalBetween(from, to)) as ExternalDuration[],
    delete: (user, id) => stub(user.id).externalDelete(id),
  };
}
