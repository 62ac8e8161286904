/**
 * What the black-box API contract suite needs from a platform under test. It talks to the
 * platform only over HTTP (plain fetch against `baseUrl`).
 */
export interface ContractTarget {
  /** e.g. "http://127.0.0.1:8787" (no trailing slash). */
  baseUrl: string;
  /** A fresh user (time zone UTC, default keystroke timeout) with a full-access API key. */
  createUser(): Promise<{ key: string }>;
  /** Where a platform defers derived writes, makes them visible to reads. */
  flush?(): Promise<void>;
  /**
   * Sign-in, configured with BETTER_AUTH_URL = `baseUrl`, the local outbox (KODO_LOCAL_OUTBOX=1,
   * read over HTTP at /api/kodo/dev/outbox) and the test OIDC provider (oidc-provider.ts).
   */
  signIn: {
    oidc: { setIdentity(identity: { sub: string; email: string; name: string }): void };
  };
  /**
   * Every record the platform stores (D1 and Durable Object rows, DynamoDB items), each as
   * lower-cased text: what account deletion must leave nothing of the user in.
   */
  storedRecords(): Promise<string[]>;
}
