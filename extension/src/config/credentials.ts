import { DEFAULT_API_URL, WAKATIME_API_URL } from "./defaults";
import type { WakatimeCfg } from "./wakatime-cfg";

export interface Credentials {
  apiUrl: string;
  apiKey: string;
}

export interface CredentialSources {
  /** The key in VS Code's SecretStorage (set by the first-run prompt or the command). */
  storedKey: string | undefined;
  /** `kodo.apiUrl`, when the user set it. */
  configuredUrl: string | undefined;
  wakatimeCfg: WakatimeCfg | undefined;
  /** `.kodo/local-api-key` from a workspace folder (the local dev server). */
  localKey: string | undefined;
}

export type CredentialSource = "secret-storage" | "wakatime-cfg" | "local-server";

export type Resolution =
  | { kind: "ready"; credentials: Credentials; source: CredentialSource }
  /** Nothing usable: ask the user, with these values pre-filled. */
  | { kind: "ask"; defaultUrl: string };

/**
 * Where the server URL and key come from, first match wins:
 *   (a) a key the user entered (SecretStorage), with `kodo.apiUrl` or the local server;
 *   (b) `~/.wakatime.cfg` [settings] api_key, with `kodo.apiUrl`, else its api_url, else
 *       WakaTime's default (exactly what wakatime-cli would do with that file);
 *   (c) the local dev server's key in the workspace, with `kodo.apiUrl` or the local server;
 *   (d) otherwise ask.
 * An explicit user-wide choice (a, b) beats a file that happens to be in the open workspace.
 * (b) and (c) are read again at every start and never copied into storage, so a changed
 * file is picked up.
 */
export function resolveCredentials(sources: CredentialSources): Resolution {
  const url = sources.configuredUrl?.trim() || undefined;
  if (sources.storedKey) {
    return {
      kind: "ready",
      credentials: { apiUrl: url ?? DEFAULT_API_URL, apiKey: sources.storedKey },
      source: "secret-storage",
    };
  }
  const cfg = sources.wakatimeCfg;
  if (cfg?.apiKey) {
    return {
      kind: "ready",
      credentials: { apiUrl: url ?? cfg.apiUrl ?? WAKATIME_API_URL, apiKey: cfg.apiKey },
      source: "wakatime-cfg",
    };
  }
  if (sources.localKey) {
    return {
      kind: "ready",
      credentials: { apiUrl: url ?? DEFAULT_API_URL, apiKey: sources.localKey },
      source: "local-server",
    };
  }
  return { kind: "ask", defaultUrl: url ?? DEFAULT_API_URL };
}
