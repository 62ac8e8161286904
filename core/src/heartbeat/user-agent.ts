/**
 * Editor and operating system from a heartbeat's user agent.
 *
 * Shapes seen in the wild (see user-agent.test.ts for real examples):
 *   wakatime-cli:  wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0
 *                  i.e. `wakatime/<cli> (<os>-<release>-<arch>) <runtime> [<ai-model>/<v>] <editor>/<v> <plugin>-wakatime/<v>`
 *   JetBrains:     ... pycharm/2024.1 pycharm-wakatime/15.0.0   (full product name, spaces removed)
 *   browsers:      Chrome/114.0.0.0 linux_x86-64 chrome-wakatime/3.0.17
 *   Kodo's own:    kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)   (see formatKodoUserAgent)
 * The approach follows Wakapi's ParseUserAgent: skip the CLI, runtimes and the model token,
 * prefer an AI harness, then a known editor, then the editor named by the plugin.
 * Never throws; anything unrecognised gives null.
 */

export interface ParsedUserAgent {
  editor: string | null;
  operatingSystem: string | null;
}

/** Lookup key: lower-case without spaces, dots, dashes or underscores ("Sublime_Text" -> "sublimetext"). */
const key = (name: string) => name.toLowerCase().replace(/[\s._-]+/g, "");

/** AI coding tools; when one appears it is where the time went, so it wins over the host editor. */
const AI_TOOLS: Record<string, string> = {
  claudecode: "Claude Code",
  claude: "Claude",
  codex: "Codex",
  codexcli: "Codex",
  opencode: "OpenCode",
  opencodecli: "OpenCode",
  githubcopilotcli: "Copilot CLI",
  copilot: "Copilot",
  geminicli: "Gemini CLI",
  antigravity: "Antigravity",
  antigravitycli: "Antigravity",
  qwencode: "Qwen Code",
  qwencodecli: "Qwen Code",
  cline: "Cline",
  clinecli: "Cline",
  roocode: "Roo Code",
  kilocode: "Kilo Code",
  aider: "Aider",
  amp: "Amp",
  goose: "Goose",
  crush: "Crush",
  droid: "Droid",
  cursoragent: "Cursor",
  cursoragentcli: "Cursor",
};

const BROWSERS: Record<string, string> = {
  chrome: "Chrome",
  chromium: "Chromium",
  firefox: "Firefox",
  edge: "Edge",
  edg: "Edge",
  msedge: "Edge",
  brave: "Brave",
  safari: "Safari",
  opera: "Opera",
  opr: "Opera",
  vivaldi: "Vivaldi",
  arc: "Arc",
};

const INTELLIJ = "IntelliJ IDEA";
const PYCHARM = "PyCharm";

const EDITORS: Record<string, string> = {
  vscode: "VS Code",
  code: "VS Code",
  visualstudiocode: "VS Code",
  vscodeinsiders: "VS Code",
  codeinsiders: "VS Code",
  vscodium: "VSCodium",
  codeoss: "VSCodium",
  cursor: "Cursor",
  windsurf: "Windsurf",
  kiro: "Kiro",
  trae: "Trae",
  positron: "Positron",
  zed: "Zed",
  vim: "Vim",
  gvim: "Vim",
  macvim: "Vim",
  neovim: "Neovim",
  nvim: "Neovim",
  emacs: "Emacs",
  sublime: "Sublime Text",
  sublimetext: "Sublime Text",
  atom: "Atom",
  xcode: "Xcode",
  visualstudio: "Visual Studio",
  eclipse: "Eclipse",
  netbeans: "NetBeans",
  // JetBrains: old plugins sent the platform prefix (GoLand, PyCharmCore, Idea), current ones
  // the full product name without spaces, lower-cased (intellijidea, pycharmcommunityedition).
  jetbrains: INTELLIJ,
  intellij: INTELLIJ,
  idea: INTELLIJ,
  intellijidea: INTELLIJ,
  intellijideaultimate: INTELLIJ,
  intellijideaultimateedition: INTELLIJ,
  intellijideacommunity: INTELLIJ,
  intellijideacommunityedition: INTELLIJ,
  pycharm: PYCHARM,
  pycharmcore: PYCHARM,
  pycharmedu: PYCHARM,
  pycharmcommunity: PYCHARM,
  pycharmcommunityedition: PYCHARM,
  pycharmprofessional: PYCHARM,
  pycharmprofessionaledition: PYCHARM,
  webstorm: "WebStorm",
  goland: "GoLand",
  phpstorm: "PhpStorm",
  rubymine: "RubyMine",
  clion: "CLion",
  rider: "Rider",
  jetbrainsrider: "Rider",
  datagrip: "DataGrip",
  dataspell: "DataSpell",
  rustrover: "RustRover",
  appcode: "AppCode",
  aqua: "Aqua",
  writerside: "Writerside",
  fleet: "Fleet",
  androidstudio: "Android Studio",
  "notepad++": "Notepad++",
  notepadplusplus: "Notepad++",
  kate: "Kate",
  ktexteditor: "Kate",
  helix: "Helix",
  micro: "Micro",
  nano: "Nano",
  textmate: "TextMate",
  nova: "Nova",
  brackets: "Brackets",
  gedit: "gedit",
  geany: "Geany",
  kakoune: "Kakoune",
  lapce: "Lapce",
  jupyter: "Jupyter",
  jupyterlab: "Jupyter",
  terminal: "Terminal",
  bash: "Terminal",
  zsh: "Terminal",
  fish: "Terminal",
  warp: "Warp",
  azuredatastudio: "Azure Data Studio",
  ssms: "SSMS",
  sqlservermanagementstudio: "SSMS",
  rstudio: "RStudio",
  spyder: "Spyder",
  matlab: "MATLAB",
  unity: "Unity",
  unrealengine: "Unreal Engine",
  godot: "Godot",
  blender: "Blender",
  figma: "Figma",
  obsidian: "Obsidian",
  postman: "Postman",
  ...BROWSERS,
  ...AI_TOOLS,
};

/** Canonical editor name for a product token, or null if we do not know it. */
export function canonicalEditor(name: string): string | null {
  return EDITORS[key(name)] ?? null;
}

const OPERATING_SYSTEMS: Record<string, string> = {
  linux: "Linux",
  darwin: "Mac",
  mac: "Mac",
  macos: "Mac",
  macintosh: "Mac",
  osx: "Mac",
  windows: "Windows",
  win: "Windows",
  win32: "Windows",
  win64: "Windows",
  cygwin: "Windows",
  mingw: "Windows",
  msys: "Windows",
  freebsd: "FreeBSD",
  openbsd: "OpenBSD",
  netbsd: "NetBSD",
  android: "Android",
  ios: "iOS",
  cros: "Chrome OS",
  chromeos: "Chrome OS",
  sunos: "Solaris",
  solaris: "Solaris",
  aix: "AIX",
};

/** Canonical OS name for a platform word ("darwin", "win32", "linux", ...), or null. */
export function canonicalOperatingSystem(word: string): string | null {
  return OPERATING_SYSTEMS[word.toLowerCase()] ?? null;
}

/**
 * OS from one piece of the UA: "(linux-6.1-x86_64)", "linux_x86-64", "(darwin-arm64)",
 * or a browser's "(Windows NT 10.0; Win64; x64)". WSL kernels ("...-microsoft-standard-WSL2-...")
 * are reported as "WSL", like Wakapi, since they are neither a plain Linux box nor Windows.
 */
function osFrom(piece: string): string | null {
  const lower = piece.toLowerCase();
  if (/wsl\d?\b|microsoft-standard/.test(lower)) return "WSL";
  const first = lower.split(/[\s;_-]/, 1)[0] ?? "";
  const direct = OPERATING_SYSTEMS[first];
  if (direct) return direct;
  // Browser-style groups: look for a platform word anywhere (Android before Linux).
  if (/\bandroid\b/.test(lower)) return "Android";
  if (/\b(iphone|ipad|ipod)\b/.test(lower)) return "iOS";
  if (/\bwindows\b/.test(lower)) return "Windows";
  if (/\b(macintosh|mac os x|darwin)\b/.test(lower)) return "Mac";
  if (/\bcros\b/.test(lower)) return "Chrome OS";
  if (/\blinux\b/.test(lower)) return "Linux";
  return null;
}

// Runtimes wakatime-cli (Go) and the old Python client put in the UA: go1.22, Python3.8.0.
const RUNTIME = /^(go|python|node)(\d[\w.]*)?$/i;
const MAX_UA_LENGTH = 1024;

interface Token {
  name: string;
  /** Second path segment, for "jetbrains/PyCharm/2023.1". */
  sub: string | null;
  hasVersion: boolean;
}

export function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  // A batch carries one user agent for all its items: remember the last answer.
  if (userAgent === lastUserAgent && lastParsed) return { ...lastParsed };
  const parsed = parseUserAgentUncached(userAgent);
  lastUserAgent = userAgent;
  lastParsed = parsed;
  return { ...parsed };
}

let lastUserAgent: string | null | undefined;
let lastParsed: ParsedUserAgent | null = null;

function parseUserAgentUncached(userAgent: string | null | undefined): ParsedUserAgent {
  if (typeof userAgent !== "string") return { editor: null, operatingSystem: null };
  const ua = userAgent.slice(0, MAX_UA_LENGTH).trim();
  if (ua === "") return { editor: null, operatingSystem: null };

  // Parenthesised groups carry the OS (and, for browsers, spaces that would split tokens).
  const groups: string[] = [];
  const rest = ua.replace(/\(([^()]*)\)/g, (_, inner: string) => {
    groups.push(inner);
    return " ";
  });
  const words = rest.split(/\s+/).filter((w) => w !== "");
  const tokens: Token[] = words.map((word) => {
    const [name = "", sub, ...more] = word.split("/");
    return { name, sub: more.length > 0 ? (sub ?? null) : null, hasVersion: word.includes("/") };
  });

  let operatingSystem: string | null = null;
  for (const piece of [...groups, ...words.filter((w) => !w.includes("/"))]) {
    operatingSystem = osFrom(piece);
    if (operatingSystem) break;
  }

  return { editor: editorFrom(ua, tokens, groups.length > 0 && operatingSystem !== null), operatingSystem };
}

function editorFrom(ua: string, tokens: Token[], hasOsGroup: boolean): string | null {
  const first = tokens[0];
  const firstKey = first ? key(first.name) : "";
  const isWakaTime = firstKey === "wakatime";
  const isBrowser = firstKey === "mozilla" || (first !== undefined && BROWSERS[firstKey] !== undefined);

  // Plugin tokens name the editor the plugin was built for: "vscode-wakatime", "kodo-vscode".
  let plugin: string | null = null;
  const candidates: Token[] = [];
  for (const [i, token] of tokens.entries()) {
    const lower = token.name.toLowerCase();
    const pluginFor = lower.endsWith("-wakatime")
      ? token.name.slice(0, -"-wakatime".length)
      : lower.startsWith("kodo-")
        ? token.name.slice("kodo-".length)
        : null;
    if (pluginFor !== null) {
      // desktop-wakatime reports "windows-wakatime"/"macos-wakatime": an OS, not an editor.
      if (!OPERATING_SYSTEMS[key(pluginFor)] && plugin === null) plugin = pluginFor;
      continue;
    }
    if (i === 0 && isWakaTime) continue;
    const k = key(token.name);
    if (k === "wakatime" || k === "wakatimecli" || k === "wakatimels" || RUNTIME.test(token.name)) continue;
    if (!token.hasVersion && EDITORS[k] === undefined) continue; // "linux_x86-64", "Python3.8.0.final.0"
    candidates.push(token);
  }

  // Browser extensions: the plugin says which browser; otherwise sniff the browser UA.
  const pluginBrowser = plugin !== null ? BROWSERS[key(plugin)] : undefined;
  if (pluginBrowser) return pluginBrowser;
  if (isBrowser) return sniffBrowser(ua);

  const known = (t: Token) => {
    const name = EDITORS[key(t.name)];
    // "jetbrains/PyCharm/2023.1": the product is the second segment.
    if (key(t.name) === "jetbrains" && t.sub) return EDITORS[key(t.sub)] ?? t.sub;
    return name;
  };
  const ai = candidates.find((t) => AI_TOOLS[key(t.name)] !== undefined);
  if (ai) return AI_TOOLS[key(ai.name)]!;
  for (const t of candidates) {
    const name = known(t);
    if (name) return name;
  }
  if (plugin !== null && EDITORS[key(plugin)]) return EDITORS[key(plugin)]!;

  // Unknown product names are kept as sent when the UA is clearly a WakaTime-style one.
  // With two or more, the first is an AI model token wakatime-cli prepends ("gpt/5 foo-cli/1").
  if (isWakaTime || plugin !== null) {
    const unknown = candidates.filter((t) => t.hasVersion);
    const pick = unknown.length >= 2 ? unknown[1] : unknown[0];
    if (pick && pick.name !== "") return pick.name;
    return plugin !== null && plugin !== "" ? plugin : null;
  }
  // A bare "Product/1.0 (Windows_NT ...)" from an editor that posts directly (HBuilder X).
  // Require the OS group so that curl/8.0 or python-requests/2.31 are not taken for editors.
  if (hasOsGroup) {
    const product = /^([^/()]+?)\/\S/.exec(ua)?.[1]?.trim();
    if (product) return canonicalEditor(product) ?? product;
  }
  return null;
}

/** Regular browser UA (extension requests without a plugin token): order matters, Edge says "Chrome" too. */
function sniffBrowser(ua: string): string | null {
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return "Edge";
  if (/\bOPR\//.test(ua)) return "Opera";
  if (/\bVivaldi\//.test(ua)) return "Vivaldi";
  if (/\bFirefox\//.test(ua)) return "Firefox";
  if (/\bChrom(e|ium)\//.test(ua)) return "Chrome";
  if (/\bSafari\//.test(ua)) return "Safari";
  return null;
}

/**
 * The user agent Kodo's own VS Code extension sends:
 *   kodo-vscode/<extension version> <host>/<host version> (<platform>-<arch>)
 * `host` is the editor product (vscode, cursor, windsurf, vscodium, ...), `platform` and
 * `arch` are Node's process.platform / process.arch ("linux", "darwin", "win32"; "x64", "arm64").
 */
export function formatKodoUserAgent(parts: {
  extensionVersion: string;
  host: string;
  hostVersion: string;
  platform: string;
  arch: string;
}): string {
  const clean = (s: string) => s.trim().replace(/[\s()/]+/g, "-") || "unknown";
  return (
    `kodo-vscode/${clean(parts.extensionVersion)} ${clean(parts.host)}/${clean(parts.hostVersion)} ` +
    `(${clean(parts.platform)}-${clean(parts.arch)})`
  );
}
