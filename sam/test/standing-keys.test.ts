import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BOARD_SHARDS, boardPartitions, mergeShardPages, shardOf, standingPartition, standingSortKey } from "../src/dynamo/standing-keys.ts";

const username = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);
const seconds = fc.double({ min: 0, max: 31 * 18 * 3600, noNaN: true });
const entry = fc.record({ username, seconds });

/** D1's order (board_entries' range index): seconds descending, then username ascending. */
const d1Order = (a: { seconds: number; username: string }, b: { seconds: number; username: string }) =>
  Math.round(b.seconds * 1000) - Math.round(a.seconds * 1000) || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);

describe("standing keys (issue 16, AWS)", () => {
  it("sort keys order entries as D1's index does: more time first, then username", () => {
    fc.assert(
      fc.property(entry, entry, (a, b) => {
        const byKey = Math.sign(standingSortKey(a.seconds, a.username) < standingSortKey(b.seconds, b.username) ? -1 : standingSortKey(a.seconds, a.username) > standingSortKey(b.seconds, b.username) ? 1 : 0);
        expect(byKey).toBe(Math.sign(d1Order(a, b)));
      }),
    );
  });

  it("puts a user in one shard of the board's partitions, spread over all of them", () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
    const counts = new Array(BOARD_SHARDS).fill(0);
    for (const id of ids) {
      expect(standingPartition(id, "Go")).toBe(standingPartition(id, "Go"));
      expect(boardPartitions("Go")).toContain(standingPartition(id, "Go"));
      counts[shardOf(id)] += 1;
    }
    // Each shard holds close to its share (4000 / BOARD_SHARDS).
    for (const c of counts) expect(c).toBeGreaterThan((4000 / BOARD_SHARDS) * 0.6);
    expect(boardPartitions(null)[0]).toBe("00#");
  });

  it("a page merged from the shards equals the same page of the whole board", () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.username, maxLength: 120 }), fc.nat(60), fc.integer({ min: 1, max: 50 }), (entries, offset, limit) => {
        const items = entries.map((e) => ({ ...e, sk: standingSortKey(e.seconds, e.username) }));
        const shards = boardPartitions(null).map((p) =>
          items
            .filter((i) => standingPartition(i.username, null) === p)
            .sort((a, b) => (a.sk < b.sk ? -1 : 1))
            .slice(0, offset + limit),
        );
        const whole = [...items].sort(d1Order).slice(offset, offset + limit);
        expect(mergeShardPages(shards, offset, limit).map((i) => i.username)).toEqual(whole.map((i) => i.username));
      }),
    );
  });
});
