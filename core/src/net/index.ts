export * from "./address-policy.ts";
export * from "./safe-fetch.ts";
export * from "./capped-body.ts";
