export * from "./relay.ts";
export * from "./secret-box.ts";
