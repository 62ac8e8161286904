/**
 * Concurrency on the AWS side: many Lambdas ingesting for one user at once must give exactly
 * what sequential ingest gives (no lost update). Two local runners (two "Lambda containers",
 * each its own process) share one dynalite; 20 bulk requests for one user go out at once,
 * spread over both, while reads keep merging the same days (and racing the ingests to store them).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { addUtcDays, dayStart, expectedOnDay, total, utcDay } from "../../core/contract/expected.ts";
import { wireBeat } from "../../core/contract/client.ts";
import { createUser, localDynamo, startRunner, type RunnerProcess } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
const runners: RunnerProcess[] = [];

beforeAll(async () => {
  dynamo = await localDynamo();
  // One after the other: each bundles the handler before it listens.
  runners.push(await startRunner(dynamo.endpoint));
  runners.push(await startRunner(dynamo.endpoint));
});

afterAll(async () => {
  for (const r of runners) await r.stop();
  await dynamo?.close();
});

const REQUESTS = 20;
const PER_REQUEST = 30;
const PROJECTS = ["alpha", "beta", "gamma"];

async function call(url: string, key: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function dayFigures(url: string, key: string, start: string, end: string) {
  const summaries = await call(url, key, `/api/v1/users/current/summaries?start=${start}&end=${end}`);
  return Object.fromEntries(
    summaries.data.map((d: any) => [d.range.date, { total: d.grand_total.total_seconds, projects: Object.fromEntries(d.projects.map((p: any) => [p.name, p.total_seconds])) }]),
  );
}

it("20 parallel bulk requests for one user yield exactly the totals of sequential ingest", async () => {
  const day = addUtcDays(utcDay(Date.now() / 1000), -1);
  const previous = addUtcDays(day, -1);
  // 600 heartbeats 41 s apart from 22:00 the evening before: both days, every gap counted.
  const start = dayStart(day) - 2 * 3600;
  const beats = Array.from({ length: REQUESTS * PER_REQUEST }, (_, i) => ({ time: start + i * 41, project: PROJECTS[Math.floor(i / 7) % PROJECTS.length]! }));
  // Request r takes every 20th heartbeat: all requests touch the same days, the worst case.
  const batches = Array.from({ length: REQUESTS }, (_, r) => beats.filter((_, i) => i % REQUESTS === r).map((b) => wireBeat(b.time, { project: b.project })));

  const parallel = await createUser(dynamo.doc);
  let ingesting = true;
  const readLoop = async (offset: number) => {
    let n = 0;
    while (ingesting) await call(runners[(offset + n++) % 2]!.url, parallel.key, `/api/v1/users/current/summaries?start=${previous}&end=${day}`);
    return n;
  };
  const reads = Promise.all([0, 1, 2, 3].map(readLoop)).then((counts) => counts.reduce((a, b) => a + b, 0));
  const answers = await Promise.all(batches.map((b, r) => call(runners[r % 2]!.url, parallel.key, "/api/v1/users/current/heartbeats.bulk", b)));
  ingesting = false;
  const readsDuringIngest = await reads;
  expect(answers.flatMap((a) => a.responses.map((r: [unknown, number]) => r[1])).every((s: number) => s === 201)).toBe(true);
  expect(readsDuringIngest).toBeGreaterThan(0);

  const sequential = await createUser(dynamo.doc);
  for (const b of batches) await call(runners[0]!.url, sequential.key, "/api/v1/users/current/heartbeats.bulk", b);

  const timed = beats.map((b) => ({ time: b.time, key: b.project }));
  const expected = Object.fromEntries(
    [previous, day].map((d) => [d, { total: total(expectedOnDay(timed, d)), projects: Object.fromEntries(expectedOnDay(timed, d)) }]),
  );
  expect(total(expectedOnDay(timed, day)) + total(expectedOnDay(timed, previous))).toBe((beats.length - 1) * 41);
  for (const runner of runners) {
    expect(await dayFigures(runner.url, parallel.key, previous, day)).toEqual(expected);
    expect(await dayFigures(runner.url, sequential.key, previous, day)).toEqual(expected);
  }
  const listed = await call(runners[1]!.url, parallel.key, `/api/v1/users/current/heartbeats?date=${day}`);
  expect(listed.data).toHaveLength(beats.filter((b) => utcDay(b.time) === day).length);
});
