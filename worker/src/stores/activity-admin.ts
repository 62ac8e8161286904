/** The ActivityAdmin port on Cloudflare: thin calls to the user's Durable Object. */
import { mergeSettingsOf, type ActivityAdmin, type User } from "@kodo/core";
import { userActivityStub } from "./activity.ts";

export function cloudflareActivityAdmin(env: Pick<Env, "USER_ACTIVITY">): ActivityAdmin {
  const stub = (user: User) => userActivityStub(env.USER_ACTIVITY, user.id);
  return {
    heartbeatPage: (user, after, limit) => stub(user).heartbeatPage(after?.time ?? null, after?.id ?? null, limit),
    heartbeatCount: (user) => stub(user).heartbeatCount(),
    adoptSettings: (user) => stub(user).adoptSettings(user.id, mergeSettingsOf(user)),
    recomputeProgress: (user) => stub(user).recomputeProgress(),
    deleteAll: (user) => stub(user).deleteAll(),
    deleteHeartbeats: (user, which) => stub(user).deleteHeartbeats(user.id, mergeSettingsOf(user), which),
  };
}
