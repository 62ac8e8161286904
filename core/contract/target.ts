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
}
