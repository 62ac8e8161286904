/**
 * The on-disk record format of the offline queue: one JSON object per line (JSONL), appended.
 *   {"a":12,"v":{...}}   item 12 was added (v is the item)
 *   {"r":[12,13]}        items 12 and 13 were removed (sent, or dropped)
 * Replaying the lines in order gives the queue's content. Records are idempotent (an add seen
 * twice is one item, a removal of an absent id is nothing), so a write that is retried after a
 * partial failure cannot corrupt the queue.
 */

export interface QueueEntry<T> {
  id: number;
  item: T;
}

export function encodeAdd<T>(entry: QueueEntry<T>): string {
  return JSON.stringify({ a: entry.id, v: entry.item }) + "\n";
}

export function encodeRemove(ids: readonly number[]): string {
  return JSON.stringify({ r: ids }) + "\n";
}

export interface Replayed<T> {
  /** Live entries in the order they were added. */
  entries: Array<QueueEntry<T>>;
  /** Lines that were not valid records: a torn last line after a crash, or damage. */
  corruptLines: number;
}

export function replayQueueLog<T>(text: string): Replayed<T> {
  const live = new Map<number, T>();
  let corruptLines = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      corruptLines += 1;
      continue;
    }
    if (isAdd<T>(record)) {
      live.set(record.a, record.v);
    } else if (isRemove(record)) {
      for (const id of record.r) live.delete(id);
    } else {
      corruptLines += 1;
    }
  }
  return { entries: [...live].map(([id, item]) => ({ id, item })), corruptLines };
}

function isAdd<T>(r: unknown): r is { a: number; v: T } {
  return typeof r === "object" && r !== null && typeof (r as { a?: unknown }).a === "number"
    && "v" in r;
}

function isRemove(r: unknown): r is { r: number[] } {
  const ids = (r as { r?: unknown } | null)?.r;
  return Array.isArray(ids) && ids.every((id) => typeof id === "number");
}
