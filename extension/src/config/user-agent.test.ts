import { describe, expect, it } from "vitest";
import { editorHost, userAgent } from "./user-agent";

const parts = { extensionVersion: "0.1.0", uriScheme: "vscode", vscodeVersion: "1.95.3", platform: "linux", arch: "x64" };

describe("userAgent", () => {
  it("names the plugin, the editor and the platform", () => {
    expect(userAgent(parts)).toBe("kodo-vscode/0.1.0 vscode/1.95.3 (linux-x64)");
    expect(userAgent({ ...parts, uriScheme: "cursor", platform: "darwin", arch: "arm64" })).toBe(
      "kodo-vscode/0.1.0 cursor/1.95.3 (darwin-arm64)",
    );
  });
});

describe("editorHost", () => {
  it("maps VS Code's own schemes to vscode and keeps fork names", () => {
    expect(editorHost("vscode-insiders")).toBe("vscode");
    expect(editorHost("")).toBe("vscode");
    expect(editorHost("windsurf")).toBe("windsurf");
    expect(editorHost("we ird/")).toBe("vscode");
  });
});
