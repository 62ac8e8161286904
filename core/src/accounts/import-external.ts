/**
 * Importing a Kodo export restores its external durations (`external_durations[]`, exported in
 * WakaTime's wire shape) through the same store and the same validation as WakaTime's
 * `external_durations` routes: identity is (provider, external_id), so a duration already
 * there is replaced by the file's (WakaTime's rule) and importing the same file twice changes
 * nothing: the file's `updated_at` is kept (when it is a time not in the future), so the second
 * write stores what the first did. Invalid items are counted and named, never fatal (as
 * heartbeats); past the per-user limit the rest are counted as skipped.
 */
import type { User } from "../ports.ts";
import { MAX_EXTERNAL_BULK, parseExternalDuration, type ExternalDuration, type ExternalDurationStore } from "../external/external-durations.ts";

/** Where external durations sit in a Kodo export. */
export const EXTERNAL_IMPORT_PATH = "external_durations[]";

/** The fields a stored duration is made from; the export's `id` and `updated_at` are Kodo's own. */
const INPUT_FIELDS = ["external_id", "provider", "entity", "type", "category", "start_time", "end_time", "project", "branch", "language", "meta"] as const;

export interface ExternalImportCounts {
  added: number;
  /** Already stored (same provider and external_id): replaced by the file's, equal on re-import. */
  existing: number;
  rejected: number;
  /** Not stored: the account has the most external durations allowed. */
  skipped: number;
}

export class ExternalImport {
  readonly counts: ExternalImportCounts = { added: 0, existing: 0, rejected: 0, skipped: 0 };
  private batch = new Map<string, ExternalDuration>();
  private seen = 0;

  constructor(
    private readonly store: ExternalDurationStore | undefined,
    private readonly nowSeconds: number,
    /** Where rejection reasons go (the import's `errors`, which keeps the first few). */
    private readonly note: (error: string) => void,
  ) {}

  /** Validates one item of the file; stores a batch when it is full. */
  async add(user: User, item: unknown): Promise<void> {
    const index = this.seen++;
    if (!this.store) return;
    const input: Record<string, unknown> = {};
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      for (const k of INPUT_FIELDS) if ((item as Record<string, unknown>)[k] !== undefined) input[k] = (item as Record<string, unknown>)[k];
    }
    // An export names every duration's provider; "api" is the routes' default for none.
    const parsed = typeof item === "object" && item !== null && !Array.isArray(item) ? await parseExternalDuration(input, "api", this.nowSeconds) : "expected a JSON object";
    if (typeof parsed === "string") {
      this.counts.rejected++;
      this.note(`external_durations[${index}]: ${parsed}`);
      return;
    }
    const updatedAt = Date.parse(String((item as { updated_at?: unknown }).updated_at));
    if (Number.isFinite(updatedAt) && updatedAt <= this.nowSeconds * 1000) parsed.updatedAt = new Date(updatedAt).toISOString();
    // The same identity twice in a file: the later one wins, as two requests would.
    if (this.batch.has(parsed.id)) this.counts.existing++;
    this.batch.set(parsed.id, parsed);
    if (this.batch.size >= MAX_EXTERNAL_BULK) await this.flush(user);
  }

  /** Stores what is waiting. */
  async flush(user: User): Promise<void> {
    if (!this.store || this.batch.size === 0) return;
    const items = [...this.batch.values()];
    this.batch = new Map();
    const outcomes = await this.store.put(user, items);
    if (outcomes === null) {
      this.counts.skipped += items.length;
      return;
    }
    for (const o of outcomes) this.counts[o === "created" ? "added" : "existing"]++;
  }
}
