/**
 * Canonical language names, spelled as WakaTime reports them (wakatime-cli's language list),
 * so that "typescript" from Kodo's VS Code extension, "TypeScript" from wakatime-cli and
 * "TYPESCRIPT" from some other plugin all land in one bucket.
 *
 * Kept dependency-free: the VS Code extension imports `languageFromEditorId` from here.
 */

/** WakaTime spellings we want to recognise in any letter case. */
const CANONICAL = [
  "ABAP", "Ada", "Assembly", "Astro", "Bash", "Batchfile", "BibTeX", "Bicep", "Blade", "C",
  "C#", "C++", "Clojure", "CMake", "COBOL", "CoffeeScript", "Common Lisp", "Crystal", "CSS",
  "CSV", "CUDA", "D", "Dart", "Diff", "Django/Jinja", "Docker", "EJS", "Elixir", "Elm",
  "Emacs Lisp", "Erlang", "F#", "Fish", "Fortran", "GDScript", "Git", "Git Config", "GLSL",
  "Go", "Gradle", "GraphQL", "Groovy", "Haml", "Handlebars", "Haskell", "HCL", "HLSL", "HTML",
  "Ignore List", "INI", "Java", "JavaScript", "JSON", "JSX", "Julia", "Jupyter Notebook",
  "Kotlin", "LaTeX", "LESS", "Lua", "Makefile", "Markdown", "MDX", "Matlab", "Nginx", "Nim",
  "Nix", "Objective-C", "Objective-C++", "OCaml", "Pascal", "Perl", "PHP", "PowerShell",
  "Prisma", "Prolog", "Protocol Buffer", "Pug", "Python", "R", "Racket", "Raku", "Razor",
  "reStructuredText", "Ruby", "Rust", "Sass", "Scala", "Scheme", "SCSS", "Shell", "Solidity",
  "SQL", "Stylus", "Svelte", "Swift", "Terraform", "TeX", "Text", "TOML", "TSX", "Twig",
  "TypeScript", "VB.NET", "Verilog", "VHDL", "Vue.js", "XML", "XSLT", "YAML", "Zig",
] as const;

/**
 * Aliases (lower-case): VS Code language ids first, then common short names and spellings
 * other plugins send. Where WakaTime has two names for one thing, the one its dashboard
 * shows for the usual file extension wins (.sh -> "Bash", Dockerfile -> "Docker",
 * tsconfig.json -> "JSON").
 */
const ALIASES: Record<string, string> = {
  // VS Code language identifiers (https://code.visualstudio.com/docs/languages/identifiers)
  bat: "Batchfile",
  cpp: "C++",
  csharp: "C#",
  "cuda-cpp": "CUDA",
  dockerfile: "Docker",
  dockercompose: "YAML",
  "django-html": "Django/Jinja",
  "django-txt": "Django/Jinja",
  fsharp: "F#",
  "git-commit": "Git",
  "git-rebase": "Git",
  ignore: "Ignore List",
  jade: "Pug",
  javascriptreact: "JSX",
  jinja: "Django/Jinja",
  jsonc: "JSON",
  json5: "JSON",
  jsonl: "JSON",
  jsx: "JSX",
  "jsx-tags": "JSX",
  jupyter: "Jupyter Notebook",
  "objective-cpp": "Objective-C++",
  perl6: "Raku",
  plaintext: "Text",
  proto: "Protocol Buffer",
  proto3: "Protocol Buffer",
  shellscript: "Bash",
  terraform: "Terraform",
  typescriptreact: "TSX",
  vb: "VB.NET",
  vue: "Vue.js",
  xsl: "XSLT",
  // Short names and other spellings.
  cs: "C#",
  "c sharp": "C#",
  cxx: "C++",
  docker: "Docker",
  golang: "Go",
  js: "JavaScript",
  md: "Markdown",
  objc: "Objective-C",
  "objective-c++": "Objective-C++",
  "plain text": "Text",
  py: "Python",
  python3: "Python",
  rb: "Ruby",
  rs: "Rust",
  sh: "Bash",
  zsh: "Bash",
  ts: "TypeScript",
  txt: "Text",
  vuejs: "Vue.js",
  yml: "YAML",
};

const LOOKUP: ReadonlyMap<string, string> = new Map([
  ...CANONICAL.map((name) => [name.toLowerCase(), name] as const),
  ...Object.entries(ALIASES),
]);

/**
 * Canonical spelling of a language name or alias; an unknown name is kept as given
 * (trimmed), so new languages still show up. Blank -> null.
 */
export function canonicalLanguage(name: string | null | undefined): string | null {
  if (typeof name !== "string") return null;
  const trimmed = name.trim();
  if (trimmed === "") return null;
  return LOOKUP.get(trimmed.toLowerCase()) ?? trimmed;
}

/**
 * The language to report for an editor's own language id (VS Code's `document.languageId`):
 * "typescriptreact" -> "TSX", "shellscript" -> "Bash", "plaintext" -> "Text".
 */
export function languageFromEditorId(id: string | null | undefined): string | null {
  return canonicalLanguage(id);
}
