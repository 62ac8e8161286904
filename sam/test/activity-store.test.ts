/**
 * The DynamoDB activity store against dynalite: dedupe, merge results equal to core's own
 * in-memory merge whatever the order of batches and reads, the conditional write that keeps
 * a merge from losing an ingest, days too large for one item, and settings changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  addDays,
  dayOf,
  mergeSettingsOf,
  rollUpDay,
  sessionsForDay,
  type ActivityStore,
  type DayActivity,
  type Heartbeat,
  type User,
} from "@kodo/core";
import { aHeartbeat, aRun, T0 } from "../../core/src/testing/builders.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { activityKeys } from "../src/dynamo/keys.ts";
import { batchWrite, type Doc } from "../src/dynamo/client.ts";
import { ACTIVITY_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let store: ActivityStore;

beforeAll(async () => {
  dynamo = await localDynamo();
  store = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE });
});
afterAll(() => dynamo?.close());

/** What core's merge makes of a set of heartbeats, day by day: the reference the store must match. */
function reference(beats: readonly Heartbeat[], user: Pick<User, "timeZone" | "keystrokeTimeoutMinutes">, start: string, end: string): DayActivity[] {
  const settings = mergeSettingsOf(user);
  const out: DayActivity[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) {
    const activity = rollUpDay(day, sessionsForDay(beats, day, settings));
    if (activity.sessions.length > 0) out.push(activity);
  }
  return out;
}

const WITH_SESSIONS = { sessions: true } as const;

/** What a totals-only read must give: the reference's totals, no sessions. */
const totalsOnly = (days: DayActivity[]) => days.map((d) => ({ ...d, sessions: [] }));

const span = (beats: readonly Heartbeat[], timeZone: string) => {
  const times = beats.map((b) => b.time);
  return { start: dayOf(Math.min(...times) - 86_400, timeZone), end: dayOf(Math.max(...times) + 86_400, timeZone) };
};

describe("ingest", () => {
  it("stores each heartbeat once and answers created/duplicate in input order", async () => {
    const { user } = await createUser(dynamo.doc);
    const [a, b] = [aHeartbeat({ time: T0 }), aHeartbeat({ time: T0 + 60 })];
    expect(await store.ingest(user, [a, b, a])).toEqual(["created", "created", "duplicate"]);
    expect(await store.ingest(user, [b, aHeartbeat({ time: T0 + 120 })])).toEqual(["duplicate", "created"]);
    const listed = (await store.heartbeatsOn(user, dayOf(T0, "UTC"), { after: null, limit: 5000, withTotal: false })).heartbeats;
    expect(listed.map((h) => h.time)).toEqual([T0, T0 + 60, T0 + 120]);
    expect(listed[0]).toMatchObject({ entity: a.entity, project: "kodo", editor: "VS Code", machine: "laptop", isWrite: false });
    const [day] = await store.days(user, dayOf(T0, "UTC"), dayOf(T0, "UTC"));
    expect(day!.totalSeconds).toBe(120);
  });

  it("resolves <<LAST_PROJECT>> from the latest stored heartbeat", async () => {
    const { user } = await createUser(dynamo.doc);
    await store.ingest(user, [aHeartbeat({ time: T0, project: "kodo", branch: "feat" })]);
    await store.ingest(user, [aHeartbeat({ time: T0 + 30, project: "<<LAST_PROJECT>>", branch: "<<LAST_BRANCH>>", type: "domain", entity: "docs.rs" })]);
    const listed = (await store.heartbeatsOn(user, dayOf(T0, "UTC"), { after: null, limit: 5000, withTotal: false })).heartbeats;
    expect(listed.map((h) => [h.project, h.branch])).toEqual([
      ["kodo", "feat"],
      ["kodo", "feat"],
    ]);
  });

  it("keeps the first and last time of each project, machine and user agent, whatever the arrival order", async () => {
    const { user } = await createUser(dynamo.doc);
    await store.ingest(user, [aHeartbeat({ time: T0 + 600, machine: "box" }), aHeartbeat({ time: T0 + 900, machine: "box", userAgent: "ua/1" })]);
    await store.ingest(user, [aHeartbeat({ time: T0 - 300, machine: "box" })]);
    await store.ingest(user, [aHeartbeat({ time: T0 + 60, machine: "box", project: "other" })]);
    const machines = await store.seen(user, "machine");
    expect(machines).toEqual([{ value: "box", firstSeen: T0 - 300, lastSeen: T0 + 900 }]);
    const projects = Object.fromEntries((await store.seen(user, "project")).map((p) => [p.value, [p.firstSeen, p.lastSeen]]));
    expect(projects).toEqual({ kodo: [T0 - 300, T0 + 900], other: [T0 + 60, T0 + 60] });
    expect((await store.seen(user, "userAgent")).map((u) => u.value)).toEqual(["ua/1"]);
    expect(await store.firstDay(user)).toBe(dayOf(T0 - 300, "UTC"));
  });

  it("accepts the longest values the API allows (a 255-emoji project name is 1020 bytes)", async () => {
    const { user } = await createUser(dynamo.doc);
    const project = "🦀".repeat(255);
    const machine = "ü".repeat(255);
    expect(await store.ingest(user, [aHeartbeat({ time: T0, project, machine, entity: `/${"é".repeat(1023)}` }), aHeartbeat({ time: T0 + 60, project, machine })])).toEqual(["created", "created"]);
    expect((await store.seen(user, "project")).map((p) => p.value)).toEqual([project]);
    expect((await store.seen(user, "machine")).map((p) => p.value)).toEqual([machine]);
    const [day] = await store.days(user, dayOf(T0, "UTC"), dayOf(T0, "UTC"));
    expect(day!.totals.project).toEqual({ [project]: 60 });
    // DynamoDB limits a sort key to 1024 UTF-8 bytes; dynalite counts UTF-16 units, so check the bytes here.
    for (const kind of ["project", "userAgent", "machine"]) {
      expect(Buffer.byteLength(activityKeys.seen(user.id, kind, project).sk, "utf8")).toBeLessThanOrEqual(1024);
    }
  });
});

describe("merging", () => {
  it("gives core's result for any split, order and interleaving of batches and reads", async () => {
    const beatArb = fc.record({
      offsetSeconds: fc.integer({ min: 0, max: 2 * 86_400 / 30 }).map((n) => n * 30),
      project: fc.constantFrom("alpha", "beta", null),
      language: fc.constantFrom("TypeScript", "Go"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(beatArb, { minLength: 2, maxLength: 40 }),
        fc.constantFrom("UTC", "Asia/Kolkata", "America/New_York"),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        async (specs, timeZone, parts, readAfter) => {
          const { user } = await createUser(dynamo.doc, { timeZone });
          const base = Date.UTC(2026, 2, 1, 20, 0, 0) / 1000;
          const beats = specs.map((s) => aHeartbeat({ time: base + s.offsetSeconds, project: s.project, language: s.language }));
          const { start, end } = span(beats, timeZone);
          // Later batches first: every batch is "late" for the days read before it.
          const batches = Array.from({ length: parts }, (_, i) => beats.filter((_, j) => j % parts === i)).reverse();
          for (const [i, batch] of batches.entries()) {
            await store.ingest(user, batch);
            if (readAfter[i]) await store.days(user, start, end);
          }
          expect(await store.days(user, start, end)).toEqual(totalsOnly(reference(beats, user, start, end)));
          expect(await store.days(user, start, end, WITH_SESSIONS)).toEqual(reference(beats, user, start, end));
        },
      ),
      { numRuns: 12 },
    );
  });

  it("never serves a merge that misses an ingest made while it ran, and refuses to store it", async () => {
    const { user } = await createUser(dynamo.doc);
    const day = dayOf(T0, "UTC");
    const first = aRun(T0, 3, 60);
    await store.ingest(user, first);
    const late = aHeartbeat({ time: T0 + 240 });
    // A second "Lambda" whose client lets an ingest slip in between its log read and its write.
    let injected = false;
    const racing = dynamoActivity(interceptDayWrites(dynamo.doc, async () => {
      if (injected) return;
      injected = true;
      await store.ingest(user, [late]);
    }), { table: ACTIVITY_TABLE });
    const [seenByRacer] = await racing.days(user, day, day);
    expect(injected).toBe(true);
    expect(seenByRacer!.totalSeconds).toBe(120); // computed before the late heartbeat arrived
    // Its conditional write was refused (dv moved on): no computed version was stored, so the
    // day is still stale and the next read merges again.
    const item = (await dynamo.doc.send(new GetCommand({ TableName: ACTIVITY_TABLE, Key: activityKeys.day(user.id, day), ConsistentRead: true }))).Item!;
    expect(item.dv).toBe(2);
    expect(item.cv).toBeUndefined();
    const [after] = await store.days(user, day, day);
    expect(after!.totalSeconds).toBe(240);
    expect(await store.days(user, day, day, WITH_SESSIONS)).toEqual(reference([...first, late], user, day, day));
  });
});

describe("days larger than one item", () => {
  it("splits a day's sessions over part items, and replaces them when the day changes", async () => {
    const { user } = await createUser(dynamo.doc);
    const small = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, inlineMaxBytes: 600, partBytes: 500 });
    // Alternating projects every 20 s: one session per heartbeat.
    const beats = Array.from({ length: 120 }, (_, i) => aHeartbeat({ time: T0 + i * 20, project: `project-${i % 7}-${"x".repeat(i % 13)}` }));
    await small.ingest(user, beats);
    const day = dayOf(T0, "UTC");
    expect(await small.days(user, day, day, WITH_SESSIONS)).toEqual(reference(beats, user, day, day));
    const parts1 = await partItems(dynamo.doc, user.id, day);
    expect(parts1.length).toBeGreaterThan(1);
    // Served from the parts (fresh) on the next read.
    expect(await small.days(user, day, day, WITH_SESSIONS)).toEqual(reference(beats, user, day, day));
    const more = [...beats, aHeartbeat({ time: T0 + 120 * 20, project: "late" })];
    await small.ingest(user, more.slice(-1));
    expect(await small.days(user, day, day, WITH_SESSIONS)).toEqual(reference(more, user, day, day));
    const parts2 = await partItems(dynamo.doc, user.id, day);
    expect(parts2.length).toBeGreaterThan(1);
    // The old parts were deleted: only the current write's parts remain.
    expect(new Set(parts2.map((p) => p.sk.split("#")[2])).size).toBe(1);
    expect(parts2.some((p) => parts1.some((q) => q.sk === p.sk))).toBe(false);

    // Totals-only reads never touch the parts; a sessions read that finds them gone merges again.
    await batchWrite(dynamo.doc, ACTIVITY_TABLE, parts2.map((p) => ({ delete: { pk: activityKeys.userPartition(user.id), sk: p.sk } })));
    expect(await small.days(user, day, day)).toEqual(totalsOnly(reference(more, user, day, day)));
    expect(await partItems(dynamo.doc, user.id, day)).toEqual([]);
    expect(await small.days(user, day, day, WITH_SESSIONS)).toEqual(reference(more, user, day, day));
    expect((await partItems(dynamo.doc, user.id, day)).length).toBeGreaterThan(1);
  });

  it("stores a day whose sessions are over 400 KB as JSON (DynamoDB's item limit, which dynalite enforces)", async () => {
    const { user } = await createUser(dynamo.doc);
    // One session per heartbeat (the branch changes every time), each with a 250-character name.
    const beats = Array.from({ length: 1_400 }, (_, i) => aHeartbeat({ time: T0 + i * 10, branch: `${i}-${crypto.randomUUID().repeat(7)}`.slice(0, 250) }));
    const json = JSON.stringify(reference(beats, user, dayOf(T0, "UTC"), dayOf(T0, "UTC"))[0]!.sessions);
    expect(json.length).toBeGreaterThan(400 * 1024);
    await store.ingest(user, beats);
    const day = dayOf(T0, "UTC");
    expect(await store.days(user, day, day, WITH_SESSIONS)).toEqual(reference(beats, user, day, day));
    expect(await store.days(user, day, day, WITH_SESSIONS)).toEqual(reference(beats, user, day, day));
  });
});

describe("settings changes", () => {
  it("recomputes every day from the raw log for a new time zone and timeout, including days no item existed for", async () => {
    const { user } = await createUser(dynamo.doc);
    // Around UTC midnight: in New York these fall on the previous local day.
    const midnight = Date.UTC(2026, 2, 3) / 1000;
    const beats = [...aRun(midnight - 30 * 60, 12, 300), ...aRun(midnight + 5 * 3600, 6, 240, { project: "later" })];
    await store.ingest(user, beats);
    const utcSpan = span(beats, "UTC");
    expect(await store.days(user, utcSpan.start, utcSpan.end, WITH_SESSIONS)).toEqual(reference(beats, user, utcSpan.start, utcSpan.end));

    const moved: User = { ...user, timeZone: "America/New_York", keystrokeTimeoutMinutes: 4 };
    const nySpan = span(beats, moved.timeZone);
    expect(await store.days(moved, nySpan.start, nySpan.end, WITH_SESSIONS)).toEqual(reference(beats, moved, nySpan.start, nySpan.end));
    // Heartbeats arriving after the change are merged under the new settings too.
    const late = aRun(midnight + 2 * 3600, 3, 120, { project: "late" });
    await store.ingest(moved, late);
    expect(await store.days(moved, nySpan.start, nySpan.end, WITH_SESSIONS)).toEqual(reference([...beats, ...late], moved, nySpan.start, nySpan.end));
    // And back.
    expect(await store.days(user, utcSpan.start, utcSpan.end, WITH_SESSIONS)).toEqual(reference([...beats, ...late], user, utcSpan.start, utcSpan.end));
  });
});

/** A document client that runs `before` ahead of every conditional day write (writeDay's). */
function interceptDayWrites(doc: Doc, before: () => Promise<void>): Doc {
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        if (command instanceof UpdateCommand && String(command.input.Key?.sk).startsWith("DAY#") && command.input.ConditionExpression?.includes("dv")) {
          await before();
        }
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
}

async function partItems(doc: Doc, userId: string, day: string): Promise<{ sk: string }[]> {
  const res = await doc.send(
    new QueryCommand({
      TableName: ACTIVITY_TABLE,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":p": `PART#${day}#` },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []) as { sk: string }[];
}
