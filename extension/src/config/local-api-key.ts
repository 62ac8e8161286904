import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LOCAL_API_KEY_FILE } from "./defaults";

/**
 * The key the local dev server wrote into `<repo>/.kodo/local-api-key`, looked up in each
 * workspace folder in turn. Undefined when no folder has one.
 */
export async function readLocalApiKey(folders: readonly string[]): Promise<string | undefined> {
  for (const folder of folders) {
    try {
      const key = (await readFile(join(folder, LOCAL_API_KEY_FILE), "utf8")).trim();
      if (key !== "") return key;
    } catch {
      // Not there: try the next folder.
    }
  }
  return undefined;
}
