/**
 * The browser's side of passkeys (WebAuthn through @simplewebauthn/browser), against Better
 * Auth's passkey endpoints under /api/auth/passkey (core/src/auth/endpoints.ts). The challenge
 * travels in a signed HttpOnly cookie the options request sets; the browser's own fetch sends
 * the Origin the worker checks.
 */
import { WebAuthnError, browserSupportsWebAuthn, startAuthentication, startRegistration } from "@simplewebauthn/browser";

export { browserSupportsWebAuthn };

async function answer(res: Response): Promise<unknown> {
  const body = (await res.json().catch(() => null)) as { error?: unknown; message?: unknown } | null;
  if (!res.ok) throw new Error(typeof body?.message === "string" ? body.message : typeof body?.error === "string" ? body.error : `The server answered ${res.status}`);
  return body;
}

const post = (path: string, body: unknown) => fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** What a failed ceremony means to the user. */
export function ceremonyError(err: unknown): string {
  if (err instanceof WebAuthnError && err.code === "ERROR_CEREMONY_ABORTED") return "Cancelled.";
  if (err instanceof Error && err.name === "NotAllowedError") return "The passkey prompt was closed or timed out. Try again.";
  if (err instanceof WebAuthnError && err.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return "This device already holds a passkey for your account.";
  return err instanceof Error ? err.message : String(err);
}

/** Signs in with a passkey (any of the user's, chosen in the browser's prompt). */
export async function signInWithPasskey(): Promise<void> {
  const optionsJSON = (await answer(await fetch("/api/auth/passkey/generate-authenticate-options"))) as Parameters<typeof startAuthentication>[0]["optionsJSON"];
  const response = await startAuthentication({ optionsJSON });
  await answer(await post("/api/auth/passkey/verify-authentication", { response }));
}

/** Adds a passkey to the signed-in account, under `name`. */
export async function addPasskey(name: string): Promise<void> {
  // The label stays Kodo's: the browser's passkey manager shows the account's address instead.
  const optionsJSON = (await answer(await fetch("/api/auth/passkey/generate-register-options"))) as Parameters<typeof startRegistration>[0]["optionsJSON"];
  const response = await startRegistration({ optionsJSON });
  await answer(await post("/api/auth/passkey/verify-registration", { response, name }));
}
