export * from "./relay.ts";
export * from "./secret-box.ts";
export * from "./send.ts";
