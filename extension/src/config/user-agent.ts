/**
 * Imported by file for the same reason as language-names.ts; user-agent.ts imports nothing.
 * Core owns the format because core's parser reads it back (editor and OS per heartbeat).
 */
import { formatKodoUserAgent } from "../../../core/src/heartbeat/user-agent.ts";

export interface UserAgentParts {
  extensionVersion: string;
  /** `vscode.env.uriScheme`: "vscode", "vscode-insiders", "cursor", "windsurf", "vscodium", ... */
  uriScheme: string;
  vscodeVersion: string;
  /** Node's `process.platform` ("linux", "darwin", "win32"). */
  platform: string;
  /** Node's `process.arch` ("x64", "arm64"). */
  arch: string;
}

/**
 * `kodo-vscode/<version> vscode/<vscodeVersion> (<platform>-<arch>)`. VS Code forks run this
 * extension too; naming the product ("cursor/1.95.0") lets the server report the right editor.
 */
export function userAgent(parts: UserAgentParts): string {
  return formatKodoUserAgent({
    extensionVersion: parts.extensionVersion,
    host: editorHost(parts.uriScheme),
    hostVersion: parts.vscodeVersion,
    platform: parts.platform,
    arch: parts.arch,
  });
}

/** The editor product from its URI scheme; Insiders and unknown values count as VS Code. */
export function editorHost(uriScheme: string): string {
  const scheme = uriScheme.trim().toLowerCase();
  if (scheme === "" || scheme === "vscode" || scheme === "vscode-insiders") return "vscode";
  return /^[a-z][a-z0-9-]*$/.test(scheme) ? scheme : "vscode";
}
