/**
 * One step of a remote import: pulls heartbeats from the job's cursor on, day by day and page
 * by page, until the step's budget (days, heartbeats, time, pages) runs out, and says where
 * the next step resumes. The budget is checked after every batch, so a huge day is split over
 * steps: the cursor then points inside the day (page, heartbeats already taken), and the next
 * step skips what was imported instead of importing it again, so counts stay right. A failure
 * half-way through a page keeps what was imported before it, with the cursor just after it.
 */
import { MAX_BATCH_SIZE } from "../heartbeat/index.ts";
import type { ActivityStore, User } from "../ports.ts";
import { addDays } from "../time/zone.ts";
import { importBatch, toImportable, type ImportCounts } from "./import.ts";
import type { RemoteLookups } from "./ports.ts";
import type { RemoteCursor } from "./remote-cursor.ts";
import { RemoteImportError, STEP_MAX_DAYS, STEP_MAX_HEARTBEATS, STEP_MAX_MS, STEP_MAX_PAGES, type RemoteServer } from "./remote-import.ts";

export interface StepBudget {
  days: number;
  heartbeats: number;
  ms: number;
  pages: number;
}

export const STEP_BUDGET: StepBudget = { days: STEP_MAX_DAYS, heartbeats: STEP_MAX_HEARTBEATS, ms: STEP_MAX_MS, pages: STEP_MAX_PAGES };

export interface StepInput {
  remote: RemoteServer;
  activity: ActivityStore;
  user: User;
  lookups: RemoteLookups | null;
  from: RemoteCursor;
  lastDay: string;
  now: () => number;
  counts: ImportCounts;
  budget?: StepBudget;
}

/** Where the step stopped (null: past the last day), days finished, and a failure if any. */
export interface StepOutcome {
  cursor: RemoteCursor | null;
  daysDone: number;
  failure: string | null;
}

export async function pullStep(input: StepInput): Promise<StepOutcome> {
  const { remote, counts, lastDay } = input;
  const budget = input.budget ?? STEP_BUDGET;
  const started = Date.now();
  const startReceived = counts.received;
  const spent = () => counts.received - startReceived >= budget.heartbeats || Date.now() - started >= budget.ms;
  let cursor = input.from;
  let daysDone = 0;
  let pages = 0;
  const store = (batch: unknown[]) => importBatch(input.activity, input.user, batch, input.now(), counts);

  while (cursor.day <= lastDay && daysDone < budget.days && pages < budget.pages && !spent()) {
    pages++;
    // Heartbeats of this page read so far, those before `cursor.skip` included.
    let read = 0;
    let imported = cursor.skip;
    let batch: unknown[] = [];
    let next: string | null | undefined;
    try {
      for await (const event of remote.heartbeatPage(cursor.day, cursor.page)) {
        if (event.kind === "end") {
          next = event.nextPage;
          break;
        }
        if (++read <= cursor.skip) continue;
        batch.push(toImportable(event.value, input.lookups));
        if (batch.length >= MAX_BATCH_SIZE) {
          await store(batch);
          imported += batch.length;
          batch = [];
          if (spent()) break; // leaving the loop cancels the rest of the download
        }
      }
    } catch (err) {
      if (!(err instanceof RemoteImportError)) throw err;
      await store(batch);
      imported += batch.length;
      return { cursor: { ...cursor, skip: imported }, daysDone, failure: err.message };
    }
    await store(batch);
    imported += batch.length;
    if (next === undefined) {
      cursor = { ...cursor, skip: imported }; // stopped inside the page
      break;
    }
    cursor = next !== null ? { day: cursor.day, page: next, skip: 0 } : { day: addDays(cursor.day, 1), page: null, skip: 0 };
    if (next === null) daysDone++;
  }
  return { cursor: cursor.day > lastDay ? null : cursor, daysDone, failure: null };
}
