import { randomBytes } from "node:crypto";
import type * as vscode from "vscode";

const KEY = "kodo.hashSecret";

/**
 * The per-installation key for hashing hidden file and project names (privacy/keyed-hash.ts).
 * Made once, kept in SecretStorage, never sent anywhere.
 */
export async function installSecret(secrets: vscode.SecretStorage): Promise<string> {
  const existing = await secrets.get(KEY);
  if (existing) return existing;
  const created = randomBytes(32).toString("hex");
  await secrets.store(KEY, created);
  return created;
}
