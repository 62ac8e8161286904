import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface WakatimeCfg {
  apiUrl?: string;
  apiKey?: string;
}

/**
 * Reads `api_url` and `api_key` from the `[settings]` section of WakaTime's INI file, so
 * people coming from WakaTime (or pointing wakatime-cli at a Kodo server) need no setup.
 */
export function parseWakatimeCfg(text: string): WakatimeCfg {
  const cfg: WakatimeCfg = {};
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      continue;
    }
    if (section !== "settings") continue;
    const eq = line.indexOf("=");
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (value === "") continue;
    if (key === "api_key") cfg.apiKey = value;
    if (key === "api_url") cfg.apiUrl = value;
  }
  return cfg;
}

/** wakatime-cli's location: `$WAKATIME_HOME/.wakatime.cfg`, else `~/.wakatime.cfg`. */
export function wakatimeCfgPath(homeDir: string, env: NodeJS.ProcessEnv): string {
  const base = env.WAKATIME_HOME?.trim() || homeDir;
  return join(base, ".wakatime.cfg");
}

/** Undefined when the file does not exist or cannot be read. */
export async function readWakatimeCfg(path: string): Promise<WakatimeCfg | undefined> {
  try {
    return parseWakatimeCfg(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}
