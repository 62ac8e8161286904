/**
 * The team board on DynamoDB (dynalite) reads each day item's `proj` (project-days.ts) through
 * a ProjectionExpression, never the sessions: it equals the board computed from every member's
 * sessions on random members (core/contract/team-board-contract.ts; Cloudflare:
 * worker/test/team-board.test.ts), and days stored before `proj` existed get it on first read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { addDays, dayOf, MAX_EXTERNAL_PER_USER, projectDaysOf, type ActivityStore } from "@kodo/core";
import { aRun } from "../../core/src/testing/builders.ts";
import { defineTeamBoardContract } from "../../core/contract/team-board-contract.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { dynamoExternalDurations } from "../src/dynamo/external-durations.ts";
import { activityKeys } from "../src/dynamo/keys.ts";
import { ACTIVITY_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let activity: ActivityStore;

beforeAll(async () => {
  dynamo = await localDynamo();
  activity = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE });
});
afterAll(() => dynamo?.close());

defineTeamBoardContract("DynamoDB", () => ({
  activity,
  external: dynamoExternalDurations(dynamo.doc, { table: ACTIVITY_TABLE, max: MAX_EXTERNAL_PER_USER }),
  // The store takes the settings from the user it is given (the account is not read).
  newUser: async (timeZone, keystrokeTimeoutMinutes) => ({ ...(await createUser(dynamo.doc, { timeZone })).user, keystrokeTimeoutMinutes }),
}));

describe("day items' per-project record", () => {
  it("is derived once for days stored before it, and then read without the sessions", async () => {
    const { user } = await createUser(dynamo.doc, { timeZone: "Asia/Tokyo" });
    const now = Math.floor(Date.now() / 1000);
    const beats = [0, 1, 2, 3].flatMap((d) => [
      ...aRun(now - d * 86_400 - 20_000, 12, 120, { project: "kodo" }),
      ...aRun(now - d * 86_400 - 9_000, 8, 150, { project: d % 2 ? "web" : null, category: d === 2 ? "meeting" : "coding" }),
    ]);
    await activity.ingest(user, beats);
    const start = dayOf(now - 5 * 86_400, user.timeZone);
    const end = addDays(dayOf(now, user.timeZone), 1);
    const withSessions = await activity.days(user, start, end, { sessions: true });
    expect(withSessions.length).toBeGreaterThanOrEqual(4);
    const key = (day: string) => activityKeys.day(user.id, day);
    const item = async (day: string) => (await dynamo.doc.send(new GetCommand({ TableName: ACTIVITY_TABLE, Key: key(day), ConsistentRead: true }))).Item!;
    for (const d of withSessions) expect(typeof (await item(d.day)).proj).toBe("string");

    // Days as the store wrote them before `proj`: the attribute is derived again on the first read.
    for (const d of withSessions) await dynamo.doc.send(new UpdateCommand({ TableName: ACTIVITY_TABLE, Key: key(d.day), UpdateExpression: "REMOVE proj" }));
    for (const projects of ["all", ["kodo"], ["web"]] as const) expect(await activity.projectDays(user, start, end, projects)).toEqual(projectDaysOf(withSessions, projects));
    for (const d of withSessions) expect(typeof (await item(d.day)).proj).toBe("string");

    // From then on the sessions are not read: with every day's sessions made unreadable, the
    // record still answers (a read of days with sessions would recompute them from the log).
    for (const d of withSessions) {
      await dynamo.doc.send(new UpdateCommand({ TableName: ACTIVITY_TABLE, Key: key(d.day), UpdateExpression: "SET #data = :junk", ExpressionAttributeNames: { "#data": "data" }, ExpressionAttributeValues: { ":junk": new Uint8Array([1, 2, 3]) } }));
    }
    const junk = (await item(withSessions[0]!.day)).data as Uint8Array;
    expect([...junk]).toEqual([1, 2, 3]);
    expect(await activity.projectDays(user, start, end, ["kodo"])).toEqual(projectDaysOf(withSessions, ["kodo"]));
    expect([...((await item(withSessions[0]!.day)).data as Uint8Array)]).toEqual([1, 2, 3]);
  });
});
