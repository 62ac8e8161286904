/**
 * Activates the real esbuild bundle (what the .vsix ships) against a fake `vscode` module, a
 * real queue folder and a real loopback API server, then drives it with editor events and
 * commands. This checks the wiring in extension.ts and the thin adapters.
 */
import { build } from "esbuild";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import Module, { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeApiServer } from "./fake-api-server";
import { aDocument, anEditor, createFakeContext, createFakeVscode } from "./fake-vscode";

interface ExtensionModule {
  activate(context: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

const EXTENSION_ROOT = join(__dirname, "..");
let bundleDir: string;
let bundlePath: string;
let root: string;
let server: FakeApiServer;
let fake: ReturnType<typeof createFakeVscode>;
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;

beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), "kodo-bundle-"));
  bundlePath = join(bundleDir, "extension.js");
  // The same options as the package script.
  await build({
    entryPoints: [join(EXTENSION_ROOT, "src/extension.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    outfile: bundlePath,
    logLevel: "silent",
  });
  loader._load = function (request: string, ...rest: unknown[]) {
    if (request === "vscode") return fake.module;
    return originalLoad.call(this, request, ...rest);
  };
});
afterAll(async () => {
  loader._load = originalLoad;
  await rm(bundleDir, { recursive: true, force: true });
});

let extension: ExtensionModule | undefined;
let ctx: ReturnType<typeof createFakeContext>;
let workspace: string;
let savedWakatimeHome: string | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kodo-ext-"));
  workspace = join(root, "proj");
  await mkdir(join(workspace, "src"), { recursive: true });
  await mkdir(join(root, "wakatime-home"));
  // Never read the developer's real ~/.wakatime.cfg.
  savedWakatimeHome = process.env.WAKATIME_HOME;
  process.env.WAKATIME_HOME = join(root, "wakatime-home");
  server = await new FakeApiServer().start();
  ctx = createFakeContext(join(root, "globalStorage"), "0.1.0");
});
afterEach(async () => {
  await extension?.deactivate();
  ctx.context.subscriptions.forEach((s) => s.dispose());
  await server.stop();
  if (savedWakatimeHome === undefined) delete process.env.WAKATIME_HOME;
  else process.env.WAKATIME_HOME = savedWakatimeHome;
  await rm(root, { recursive: true, force: true });
});

/** A fresh copy of the bundle over a fresh fake `vscode` (the bundle requires it on load). */
async function activate(options: Parameters<typeof createFakeVscode>[0], answers: Array<string | undefined> = []) {
  fake = createFakeVscode(options);
  fake.inputBoxAnswers.push(...answers);
  const require = createRequire(import.meta.url);
  delete require.cache[bundlePath];
  extension = require(bundlePath) as ExtensionModule;
  await extension.activate(ctx.context);
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function typeIn(file: string) {
  const editor = anEditor(aDocument(file));
  fake.window.activeTextEditor = editor;
  fake.events.activeEditor.fire(editor);
  fake.events.textChange.fire({
    document: editor.document,
    contentChanges: [{ range: { start: { line: 4 }, end: { line: 4 } }, text: "a\nb\n" }],
  });
  return editor;
}

describe("the bundled extension", () => {
  it("picks up the local dev server's key, records editor activity and sends it", async () => {
    await mkdir(join(workspace, ".kodo"));
    await writeFile(join(workspace, ".kodo", "local-api-key"), server.validKey + "\n");
    await activate({
      workspaceFolders: [workspace],
      settings: { "kodo.apiUrl": server.apiUrl },
      gitRepository: { root: workspace, branch: "feature/x" },
    });
    await eventually(() => fake.statusItems[0]?.text === "$(clock) 1 hr 5 mins", "today's total");
    expect(fake.inputBoxAnswers).toEqual([]); // no prompt was needed

    const editor = typeIn(join(workspace, "src", "app.ts"));
    fake.events.save.fire(editor.document);
    fake.window.state.focused = false;
    fake.events.visibleRanges.fire({ textEditor: editor }); // scroll, unfocused: nothing
    await fake.commands.get("kodo.sendNow")!();

    expect(server.stored).toHaveLength(2);
    expect(server.stored[0]).toMatchObject({
      entity: join(workspace, "src", "app.ts"),
      type: "file",
      category: "coding",
      project: "proj",
      branch: "feature/x",
      language: "TypeScript",
      lines: 40,
      lineno: 5,
      cursorpos: 3,
      is_write: false,
    });
    // The edit right after the switch collapsed into it; its line changes ride on the save.
    expect(server.stored[1]).toMatchObject({ is_write: true, line_additions: 2, line_deletions: 0 });
    const headers = server.bulkRequests[0]!.headers;
    expect(headers["user-agent"]).toMatch(/^kodo-vscode\/0\.1\.0 vscode\/1\.95\.0 \(\w+-\w+\)$/);
    expect(headers["x-machine-name"]).toBeTruthy();
    expect(fake.messages).toContain("Kodo: all heartbeats are sent.");

    await fake.commands.get("kodo.openDashboard")!();
    expect(fake.opened).toEqual([`http://127.0.0.1:${server.port}/`]);
  });

  it("asks for the server and key on first run and keeps the key out of settings", async () => {
    await activate({ workspaceFolders: [workspace], settings: {} }, [server.apiUrl, server.validKey]);
    await eventually(() => ctx.secretsMap.get("kodo.apiKey") === server.validKey, "the stored key");
    expect(fake.settings.get("kodo.apiUrl")).toBe(server.apiUrl);
    expect([...fake.settings.values()]).not.toContain(server.validKey);
    await eventually(() => fake.statusItems[0]?.text.includes("1 hr 5 mins") ?? false, "today's total");

    typeIn(join(workspace, "src", "a.ts"));
    await fake.commands.get("kodo.sendNow")!();
    expect(server.stored).toHaveLength(1);
    expect(server.stored[0]).toMatchObject({ project: "proj" });
  });

  it("keeps activity on disk while there is no key, and pauses on request", async () => {
    // The user dismisses the first-run prompt.
    await activate({ workspaceFolders: [workspace], settings: {} }, [undefined]);
    await eventually(() => fake.statusItems[0]?.text.startsWith("$(key)") ?? false, "the no-key state");

    typeIn(join(workspace, "src", "a.ts"));
    fake.quickPickAnswers.push("For 15 minutes");
    await fake.commands.get("kodo.pauseTracking")!();
    typeIn(join(workspace, "src", "b.ts")); // paused: not recorded
    await extension!.deactivate();

    const queueDir = join(root, "globalStorage", "queue");
    const files = await readdir(queueDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^released-/);
    expect(server.requests).toHaveLength(0);
  });
});
