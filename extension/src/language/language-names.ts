/**
 * VS Code language id -> canonical language name ("typescriptreact" -> "TSX"), from core's
 * shared table so the extension and the server agree on spellings. An unknown id is passed
 * through as given (the server keeps unknown names); a blank one becomes null.
 *
 * Imported by file, not through "@kodo/core": the package index also pulls in zod and hono,
 * which esbuild cannot drop (core does not declare `"sideEffects": false`), and the bundle
 * would grow from ~65 KB to ~450 KB. languages.ts itself imports nothing.
 */
export { languageFromEditorId as canonicalLanguage } from "../../../core/src/heartbeat/languages.ts";
