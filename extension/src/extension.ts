/**
 * The VS Code edge: builds the tracker core (tracker-core.ts) from VS Code's services and
 * feeds it editor events. Every rule lives in the plain modules next door; this file only
 * connects them.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Credentials } from "./config/credentials";
import { userAgent } from "./config/user-agent";
import { createKodoFileCheck } from "./privacy/kodo-file-check";
import { PersistentQueue } from "./queue/persistent-queue";
import { pauseEndText } from "./status/status-view";
import { TodayRefresher } from "./status/today-refresher";
import type { ConnectionState } from "./sync/sync-loop";
import { TrackerCore } from "./tracker-core";
import { systemClock } from "./tracker/clock";
import { isPaused } from "./tracker/pause";
import { createApiClient, type ApiClient } from "./transport/api-client";
import { registerCommands } from "./vscode/commands";
import { Connection } from "./vscode/connection";
import { subscribeEditorEvents } from "./vscode/editor-events";
import { gitRepositories } from "./vscode/git-repositories";
import { installSecret } from "./vscode/install-secret";
import { outputLogger } from "./vscode/output-logger";
import { PauseStore } from "./vscode/pause-store";
import { readPrivacyRules, SECTION, showStatusBar } from "./vscode/settings";
import { StatusBar } from "./vscode/status-bar";
import type { WireHeartbeat } from "./wire/wakatime-v1";

/** How often the sender and the status bar look at the clock (sends are still >= 30 s apart). */
const TICK_INTERVAL_MS = 5_000;
/** How often to look for queue files left by other windows that closed or crashed. */
const ADOPT_INTERVAL_MS = 5 * 60_000;

let shutdown: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel("Kodo", { log: true });
  context.subscriptions.push(channel);
  const logger = outputLogger(channel);
  const agent = userAgent({
    extensionVersion: String(context.extension.packageJSON.version),
    uriScheme: vscode.env.uriScheme,
    vscodeVersion: vscode.version,
    platform: process.platform,
    arch: process.arch,
  });
  const machineName = os.hostname();
  const pause = new PauseStore(context.globalState);
  const queue = await PersistentQueue.open<WireHeartbeat>({
    dir: path.join(context.globalStorageUri.fsPath, "queue"),
    logger,
    compare: (a, b) => a.time - b.time,
  });
  const statusBar = new StatusBar();
  const today = new TodayRefresher(systemClock);
  let client: ApiClient | undefined;

  const renderStatus = () => {
    const state = pause.get();
    const nowMs = Date.now();
    const paused = isPaused(state, nowMs);
    const timedPauseEndMs = paused && state.paused ? state.untilMs : null;
    statusBar.update(
      {
        todayText: today.today?.text,
        queued: core.queuedCount,
        connection: core.sync.state,
        paused,
        pausedUntilText: timedPauseEndMs === null ? null : pauseEndText(timedPauseEndMs, nowMs),
      },
      showStatusBar(),
    );
  };
  const core = new TrackerCore({
    clock: systemClock,
    random: Math.random,
    logger,
    queue,
    sender: { machine: machineName, userAgent: agent },
    secret: await installSecret(context.secrets),
    hasKodoFile: createKodoFileCheck(systemClock),
    privacy: readPrivacyRules(),
    isPaused: (nowMs) => isPaused(pause.get(), nowMs),
    onStateChange: (state) => {
      warnIfRefused(state);
      renderStatus();
    },
  });

  const connection = new Connection(context.secrets, logger, (credentials: Credentials | undefined) => {
    client = credentials && createApiClient({ ...credentials, userAgent: agent, machineName });
    core.setClient(client ?? null);
    today.reset();
    void tick();
  });

  let ticking = false;
  let lastAdoptMs = Date.now();
  const tick = async () => {
    if (ticking) return; // a slow request is still going: the next tick will catch up
    ticking = true;
    try {
      await core.tick();
      if (client && core.sync.state.kind === "online") await today.refresh(client);
      if (Date.now() - lastAdoptMs >= ADOPT_INTERVAL_MS) {
        lastAdoptMs = Date.now();
        await queue.adoptOrphans();
      }
    } catch (error) {
      logger.error(`Kodo background work failed: ${String(error)}`);
    } finally {
      ticking = false;
      renderStatus();
    }
  };
  const timer = setInterval(() => void tick(), TICK_INTERVAL_MS);

  context.subscriptions.push(
    statusBar,
    subscribeEditorEvents(core, gitRepositories(logger)),
    registerCommands({
      connection,
      pause,
      showLog: () => channel.show(true),
      sendNow: async () => {
        await core.sendNow();
        renderStatus();
        return { queued: core.queuedCount, state: core.sync.state.kind };
      },
      refreshStatus: renderStatus,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      core.setPrivacy(readPrivacyRules());
      if (e.affectsConfiguration(`${SECTION}.apiUrl`)) void connection.refresh(false);
      renderStatus();
    }),
    context.secrets.onDidChange(() => void connection.refresh(false)),
    // A folder with the local dev server's key may have been opened.
    vscode.workspace.onDidChangeWorkspaceFolders(() => void connection.refresh(false)),
    { dispose: () => clearInterval(timer) },
  );

  shutdown = async () => {
    clearInterval(timer);
    await core.close();
  };
  renderStatus();
  void connection.refresh(true);
}

/** Everything recorded is on disk before the host goes; it is sent at the next start. */
export async function deactivate(): Promise<void> {
  await shutdown?.();
  shutdown = undefined;
}

function warnIfRefused(state: ConnectionState): void {
  if (state.kind !== "unauthorized") return;
  void vscode.window
    .showWarningMessage(
      "Kodo: the server refused the API key. Activity is kept until a valid key is set.",
      "Set API Key",
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand("kodo.setApiKey");
    });
}
