/**
 * Replays trace users through the real ingest route, flushing each user's Durable Object
 * whenever the flush policy would (lib/flush-sim.ts: the heartbeats of one flush period go in
 * one request of at most 1000, then the flush is run), a few users at a time. bench:writes and
 * bench:scale count what the flushes and requests wrote through the hooks.
 */
import type { FlushPolicy } from "../../core/src/sessions/flush-policy.ts";
import { flushSegments, type FlushSegment } from "./flush-sim.ts";
import { toWire, type TraceUser } from "./trace.ts";
import { basicAuth, postJson, type BenchUser } from "./wire.ts";

const MAX_BATCH = 1000;

/** What `/__bench/flush/:userId` answers (the flush's own D1 accounting). */
export interface Flushed {
  rowsWritten: number;
  daysChanged?: number;
  entriesWritten?: number;
}

export interface ReplayHooks {
  /** After each stored batch (all heartbeats created), with the request's headers. */
  batch?: (account: BenchUser, body: ReturnType<typeof toWire>[], headers: Record<string, string>) => Promise<void>;
  /** After each flush. */
  flushed: (flushed: Flushed, segment: FlushSegment) => void;
}

/** Replays `users` (the i-th as `accounts[i]`); answers the heartbeats stored. */
export async function replayTrace(url: string, users: TraceUser[], accounts: BenchUser[], policy: FlushPolicy, hooks: ReplayHooks, parallel = 4): Promise<number> {
  let heartbeats = 0;
  let next = 0;
  async function worker() {
    for (let i = next++; i < users.length; i = next++) {
      const user = users[i]!;
      const account = accounts[i]!;
      const headers = { authorization: basicAuth(account.key), "user-agent": user.userAgent, "x-machine-name": user.machine };
      for (const segment of flushSegments(user.heartbeats, policy)) {
        for (let j = 0; j < segment.heartbeats.length; j += MAX_BATCH) {
          const body = segment.heartbeats.slice(j, j + MAX_BATCH).map(toWire);
          const res: { responses: [unknown, number][] } = await postJson(`${url}/api/v1/users/current/heartbeats.bulk`, body, headers);
          const created = res.responses.filter(([, status]) => status === 201).length;
          if (created !== body.length) throw new Error(`${account.username}: ${created}/${body.length} heartbeats stored: ${JSON.stringify(res.responses.find(([, s]) => s !== 201))}`);
          heartbeats += created;
          await hooks.batch?.(account, body, headers);
        }
        hooks.flushed(await postJson(`${url}/__bench/flush/${account.id}`, {}), segment);
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return heartbeats;
}
