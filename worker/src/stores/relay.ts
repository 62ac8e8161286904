/**
 * The relay port on Cloudflare: the setting and its outbox live in the user's Durable Object
 * (activity/relay.ts). The key is sealed here (AES-GCM under KODO_RELAY_SECRET, bound to the
 * user id: core relay/secret-box.ts) before it reaches the object's storage; only the object's
 * sends open it. Without the secret the relay is not offered (its routes answer 501).
 */
import { keyHintOf, sealSecret, type RelayStore } from "@kodo/core";
import { userActivityStub } from "./activity.ts";

export function cloudflareRelay(env: Pick<Env, "USER_ACTIVITY"> & { KODO_RELAY_SECRET?: string }): RelayStore | undefined {
  const secret = env.KODO_RELAY_SECRET;
  if (typeof secret !== "string" || secret.length < 16) return undefined;
  return {
    status: (user) => userActivityStub(env.USER_ACTIVITY, user.id).relayStatus(),
    async set(user, input) {
      const sealedKey = await sealSecret(secret, user.id, input.key);
      return userActivityStub(env.USER_ACTIVITY, user.id).setRelay(user.id, { url: input.url, sealedKey, keyHint: keyHintOf(input.key) });
    },
    clear: (user) => userActivityStub(env.USER_ACTIVITY, user.id).clearRelay(),
  };
}
