import type { Account } from "$lib/types";

declare global {
  namespace App {
    interface Platform {
      env: {
        /** The Kodo API worker (service binding "kodo"): every read and write goes there. */
        API: Fetcher;
      };
    }
    interface Locals {
      /** The signed-in account (from the API, per request), or null. */
      account: Account | null;
      theme: "light" | "dark" | "system";
    }
    interface Error {
      message: string;
    }
  }
}

export {};
