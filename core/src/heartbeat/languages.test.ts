import { describe, expect, it } from "vitest";
import { canonicalLanguage, languageFromEditorId } from "./languages.ts";

describe("languageFromEditorId (VS Code language ids)", () => {
  it.each([
    ["typescript", "TypeScript"],
    ["typescriptreact", "TSX"],
    ["javascript", "JavaScript"],
    ["javascriptreact", "JSX"],
    ["python", "Python"],
    ["go", "Go"],
    ["rust", "Rust"],
    ["csharp", "C#"],
    ["cpp", "C++"],
    ["c", "C"],
    ["java", "Java"],
    ["kotlin", "Kotlin"],
    ["ruby", "Ruby"],
    ["php", "PHP"],
    ["shellscript", "Bash"],
    ["json", "JSON"],
    ["jsonc", "JSON"],
    ["yaml", "YAML"],
    ["markdown", "Markdown"],
    ["html", "HTML"],
    ["css", "CSS"],
    ["scss", "SCSS"],
    ["sass", "Sass"],
    ["less", "LESS"],
    ["svelte", "Svelte"],
    ["vue", "Vue.js"],
    ["sql", "SQL"],
    ["dockerfile", "Docker"],
    ["plaintext", "Text"],
    ["fsharp", "F#"],
    ["objective-cpp", "Objective-C++"],
    ["bat", "Batchfile"],
    ["powershell", "PowerShell"],
    ["git-commit", "Git"],
    ["proto3", "Protocol Buffer"],
    ["xml", "XML"],
    ["toml", "TOML"],
    ["latex", "LaTeX"],
    ["dart", "Dart"],
    ["swift", "Swift"],
  ])("%s -> %s", (id, name) => {
    expect(languageFromEditorId(id)).toBe(name);
  });

  it("blank or missing -> null", () => {
    expect(languageFromEditorId("")).toBeNull();
    expect(languageFromEditorId("  ")).toBeNull();
    expect(languageFromEditorId(null)).toBeNull();
    expect(languageFromEditorId(undefined)).toBeNull();
  });
});

describe("canonicalLanguage", () => {
  it("fixes letter case of WakaTime names", () => {
    expect(canonicalLanguage("TYPESCRIPT")).toBe("TypeScript");
    expect(canonicalLanguage("tsx")).toBe("TSX");
    expect(canonicalLanguage("c#")).toBe("C#");
    expect(canonicalLanguage("vue.js")).toBe("Vue.js");
    expect(canonicalLanguage("JAVA")).toBe("Java");
  });
  it("keeps canonical names as they are", () => {
    for (const name of ["TypeScript", "Go", "C++", "Objective-C", "Protocol Buffer", "Jupyter Notebook"]) {
      expect(canonicalLanguage(name)).toBe(name);
    }
  });
  it("maps common short names", () => {
    expect(canonicalLanguage("golang")).toBe("Go");
    expect(canonicalLanguage("yml")).toBe("YAML");
    expect(canonicalLanguage("sh")).toBe("Bash");
  });
  it("keeps unknown names as given, trimmed", () => {
    expect(canonicalLanguage("  Brainfuck++ ")).toBe("Brainfuck++");
    expect(canonicalLanguage("<<LAST_LANGUAGE>>")).toBe("<<LAST_LANGUAGE>>");
  });
});
