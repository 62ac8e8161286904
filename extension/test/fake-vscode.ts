/**
 * A small in-memory stand-in for the parts of the `vscode` API the extension's edge uses, so
 * the real bundle (dist/extension.js) can be activated and driven from Node. VS Code itself
 * cannot run here (@vscode/test-electron downloads it); this checks the wiring, the unit tests
 * check the rules.
 */
import * as path from "node:path";

type Listener<T> = (value: T) => unknown;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}

export class Disposable {
  constructor(private readonly fn: () => unknown) {}
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly fragment = "",
    private readonly text?: string,
  ) {}
  static file(p: string): Uri {
    return new Uri("file", p);
  }
  static parse(text: string): Uri {
    const u = new URL(text);
    return new Uri(u.protocol.replace(":", ""), u.pathname + u.search, "", text);
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, this.path, change.fragment ?? this.fragment);
  }
  toString(): string {
    return this.text ?? `${this.scheme}://${this.path}`;
  }
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  lineCount: number;
}

export interface FakeEditor {
  document: FakeDocument;
  selection: { active: { line: number; character: number }; start: { line: number; character: number } };
}

export function aDocument(filePath: string, languageId = "typescript", lineCount = 40): FakeDocument {
  return { uri: Uri.file(filePath), languageId, lineCount };
}

export function anEditor(document: FakeDocument, line = 4, character = 2): FakeEditor {
  const pos = { line, character };
  return { document, selection: { active: pos, start: pos } };
}

export interface FakeVscodeOptions {
  workspaceFolders: string[];
  settings: Record<string, unknown>;
  gitRepository?: { root: string; branch: string };
}

/** Builds a fresh fake `vscode` module plus handles for the test to drive it. */
export function createFakeVscode(options: FakeVscodeOptions) {
  const settings = new Map(Object.entries(options.settings));
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const inputBoxAnswers: Array<string | undefined> = [];
  const quickPickAnswers: string[] = [];
  const messages: string[] = [];
  const opened: string[] = [];
  const statusItems: Array<{ text: string; tooltip: string; visible: boolean }> = [];
  const logLines: string[] = [];
  const events = {
    activeEditor: new Emitter<FakeEditor | undefined>(),
    activeNotebook: new Emitter<unknown>(),
    windowState: new Emitter<{ focused: boolean }>(),
    selection: new Emitter<{ textEditor: FakeEditor }>(),
    visibleRanges: new Emitter<{ textEditor: FakeEditor }>(),
    textChange: new Emitter<{
      document: FakeDocument;
      contentChanges: Array<{ range: { start: { line: number }; end: { line: number } }; text: string }>;
    }>(),
    notebookChange: new Emitter<unknown>(),
    save: new Emitter<FakeDocument>(),
    notebookSave: new Emitter<unknown>(),
    configuration: new Emitter<{ affectsConfiguration(section: string): boolean }>(),
    folders: new Emitter<unknown>(),
    debugStart: new Emitter<unknown>(),
    debugEnd: new Emitter<unknown>(),
    taskStart: new Emitter<unknown>(),
    taskEnd: new Emitter<unknown>(),
  };
  const folders = options.workspaceFolders.map((f, index) => ({ uri: Uri.file(f), name: path.basename(f), index }));

  const window = {
    state: { focused: true },
    activeTextEditor: undefined as FakeEditor | undefined,
    visibleTextEditors: [] as FakeEditor[],
    activeNotebookEditor: undefined,
    createOutputChannel: (_name: string) => {
      const line = (level: string) => (m: string) => logLines.push(`${level} ${m}`);
      return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error"), show: () => {}, dispose: () => {} };
    },
    createStatusBarItem: () => {
      const item = { text: "", tooltip: "", visible: false, name: "", command: "", backgroundColor: undefined as unknown };
      const handle = {
        ...item,
        show() {
          item.visible = true;
        },
        hide() {
          item.visible = false;
        },
        dispose() {},
      };
      const proxy = new Proxy(handle, {
        set(target, key, value) {
          (target as Record<string | symbol, unknown>)[key] = value;
          if (key === "text" || key === "tooltip") (item as Record<string, unknown>)[key] = value;
          return true;
        },
      });
      statusItems.push(item);
      return proxy;
    },
    showInputBox: async (o: { validateInput?: (v: string) => string | undefined }) => {
      const answer = inputBoxAnswers.shift();
      if (answer !== undefined && o.validateInput?.(answer)) throw new Error(`invalid input ${answer}`);
      return answer;
    },
    showQuickPick: async (items: Array<{ label: string }>) => items.find((i) => i.label === quickPickAnswers.shift()),
    showInformationMessage: async (m: string) => {
      messages.push(m);
      return undefined;
    },
    showWarningMessage: async (m: string) => {
      messages.push(m);
      return undefined;
    },
    onDidChangeActiveTextEditor: events.activeEditor.event,
    onDidChangeActiveNotebookEditor: events.activeNotebook.event,
    onDidChangeWindowState: events.windowState.event,
    onDidChangeTextEditorSelection: events.selection.event,
    onDidChangeTextEditorVisibleRanges: events.visibleRanges.event,
  };

  const workspace = {
    workspaceFolders: folders,
    getWorkspaceFolder: (uri: Uri) => folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath + path.sep)),
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback: T): T => (settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : fallback),
      update: async (key: string, value: unknown) => {
        settings.set(`${section}.${key}`, value);
        const changed = `${section}.${key}`;
        events.configuration.fire({ affectsConfiguration: (s: string) => changed === s || changed.startsWith(`${s}.`) });
      },
    }),
    onDidChangeTextDocument: events.textChange.event,
    onDidChangeNotebookDocument: events.notebookChange.event,
    onDidSaveTextDocument: events.save.event,
    onDidSaveNotebookDocument: events.notebookSave.event,
    onDidChangeConfiguration: events.configuration.event,
    onDidChangeWorkspaceFolders: events.folders.event,
  };

  const git = options.gitRepository;
  const gitExports = {
    getAPI: () => ({
      getRepository: (uri: Uri) =>
        git && uri.fsPath.startsWith(git.root + path.sep)
          ? { rootUri: Uri.file(git.root), state: { HEAD: { name: git.branch } } }
          : null,
    }),
  };

  const module = {
    version: "1.95.0",
    Uri,
    Disposable,
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1 },
    NotebookCellKind: { Markup: 1, Code: 2 },
    window,
    workspace,
    extensions: {
      getExtension: (id: string) => (id === "vscode.git" ? { isActive: true, exports: gitExports, activate: async () => gitExports } : undefined),
    },
    debug: { onDidStartDebugSession: events.debugStart.event, onDidTerminateDebugSession: events.debugEnd.event },
    tasks: { onDidStartTask: events.taskStart.event, onDidEndTask: events.taskEnd.event },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        commands.set(id, fn);
        return new Disposable(() => commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => commands.get(id)?.(...args),
    },
    env: {
      uriScheme: "vscode",
      openExternal: async (uri: Uri) => {
        opened.push(uri.toString());
        return true;
      },
    },
  };

  return { module, window, events, settings, commands, inputBoxAnswers, quickPickAnswers, messages, opened, statusItems, logLines };
}

/** An ExtensionContext over real folders (globalStorage on disk, like VS Code's). */
export function createFakeContext(globalStoragePath: string, version: string) {
  const state = new Map<string, unknown>();
  const secrets = new Map<string, string>();
  const secretChanged = new Emitter<{ key: string }>();
  return {
    secretsMap: secrets,
    context: {
      subscriptions: [] as Array<{ dispose(): unknown }>,
      globalStorageUri: Uri.file(globalStoragePath),
      extension: { packageJSON: { version } },
      globalState: {
        get: <T>(key: string, fallback: T): T => (state.has(key) ? (state.get(key) as T) : fallback),
        update: async (key: string, value: unknown) => {
          state.set(key, value);
        },
      },
      secrets: {
        get: async (key: string) => secrets.get(key),
        store: async (key: string, value: string) => {
          secrets.set(key, value);
          secretChanged.fire({ key });
        },
        delete: async (key: string) => {
          secrets.delete(key);
          secretChanged.fire({ key });
        },
        onDidChange: secretChanged.event,
      },
    },
  };
}
