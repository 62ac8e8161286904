import * as os from "node:os";
import * as vscode from "vscode";
import { resolveCredentials, type Credentials, type CredentialSource } from "../config/credentials";
import { API_KEY_SECRET, DEFAULT_API_URL, LOCAL_API_KEY_FILE } from "../config/defaults";
import { readLocalApiKey } from "../config/local-api-key";
import { apiKeyProblem, apiUrlProblem } from "../config/validate";
import { readWakatimeCfg, wakatimeCfgPath } from "../config/wakatime-cfg";
import type { Logger } from "../log/logger";
import { configuredApiUrl, storeApiUrl } from "./settings";

const SOURCE_TEXT: Record<CredentialSource, string> = {
  "secret-storage": "the API key you entered",
  "wakatime-cfg": "the API key in ~/.wakatime.cfg",
  "local-server": `the local dev server's key (${LOCAL_API_KEY_FILE})`,
};

/**
 * Which server and key to use (config/credentials.ts decides; this gathers the inputs and asks
 * the user). The key is kept in SecretStorage only; the URL, not a secret, in settings.
 */
export class Connection {
  private current: Credentials | undefined;
  private askedThisSession = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: Logger,
    private readonly onChange: (credentials: Credentials | undefined) => void,
  ) {}

  get credentials(): Credentials | undefined {
    return this.current;
  }

  /** The URL in use, or the one that would be used: for "open dashboard" without a key. */
  get apiUrl(): string {
    return this.current?.apiUrl ?? configuredApiUrl() ?? DEFAULT_API_URL;
  }

  /**
   * Re-reads every source; on the first run (nothing found) asks once per session. Calls are
   * serialised so that a slow, older refresh can never overwrite a newer result.
   */
  refresh(mayAsk: boolean): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.resolve(mayAsk)).catch((error: unknown) => {
      this.logger.error(`Could not read the Kodo settings: ${String(error)}`);
    });
    return this.refreshing;
  }

  private async resolve(mayAsk: boolean): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const resolution = resolveCredentials({
      storedKey: await this.secrets.get(API_KEY_SECRET),
      configuredUrl: configuredApiUrl(),
      wakatimeCfg: await readWakatimeCfg(wakatimeCfgPath(os.homedir(), process.env)),
      localKey: await readLocalApiKey(folders),
    });
    if (resolution.kind === "ready") {
      this.set(resolution.credentials, resolution.source);
      return;
    }
    if (!mayAsk || this.askedThisSession) {
      this.set(undefined, undefined);
      return;
    }
    this.askedThisSession = true;
    const url = await askApiUrl(resolution.defaultUrl);
    const key = url === undefined ? undefined : await askApiKey();
    if (url === undefined || key === undefined) {
      this.logger.warn("No API key yet: activity is recorded and kept until one is set (Kodo: Set API Key)");
      this.set(undefined, undefined);
      return;
    }
    await storeApiUrl(url);
    await this.secrets.store(API_KEY_SECRET, key);
    this.set({ apiUrl: url, apiKey: key }, "secret-storage");
  }

  async commandSetApiKey(): Promise<void> {
    const key = await askApiKey();
    if (key !== undefined) await this.secrets.store(API_KEY_SECRET, key);
  }

  async commandSetServerUrl(): Promise<void> {
    const url = await askApiUrl(this.apiUrl);
    if (url !== undefined) await storeApiUrl(url);
  }

  private set(credentials: Credentials | undefined, source: CredentialSource | undefined): void {
    const same =
      credentials?.apiUrl === this.current?.apiUrl && credentials?.apiKey === this.current?.apiKey;
    this.current = credentials;
    if (same) return;
    if (credentials && source) {
      this.logger.info(`Sending to ${credentials.apiUrl} with ${SOURCE_TEXT[source]}`);
    }
    this.onChange(credentials);
  }
}

async function askApiUrl(value: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: "Kodo: server URL",
    prompt:
      "The WakaTime-compatible API of your Kodo server " +
      "(the local dev server is http://127.0.0.1:8787/api/v1)",
    value,
    ignoreFocusOut: true,
    validateInput: apiUrlProblem,
  });
  return url?.trim();
}

async function askApiKey(): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: "Kodo: API key",
    prompt: "Your API key (from the dashboard's settings). It is kept in VS Code's secret storage.",
    password: true,
    ignoreFocusOut: true,
    validateInput: apiKeyProblem,
  });
  return key?.trim();
}
