/** Account logic shared by every platform: keys, usernames, settings, CSRF, export, import. */
export * from "./ports.ts";
export * from "./api-keys.ts";
export * from "./username.ts";
export * from "./profile.ts";
export * from "./display-name.ts";
export * from "./csrf.ts";
export * from "./export.ts";
export * from "./import.ts";
export * from "./json-items.ts";
export * from "./remote-import.ts";
export * from "./heartbeat-deletion.ts";
