/**
 * The relay on DynamoDB (core relay/relay.ts has the rules; the Cloudflare build keeps the same
 * things in the user's Durable Object, worker/src/activity/relay.ts). Items, in the activity
 * table:
 * - `USER#<id> / RELAY`: the setting (URL, sealed key, key hint), the queue's state (failures,
 *   next attempt, last error, counters) and the drain's lease. `generation` changes on every set
 *   (a send in flight can tell its answer is stale); `queue` only when the URL changes (the
 *   queue then starts empty: items of another queue are never sent).
 * - `USER#<id> / RELAYQ#<queued at>#<heartbeat time>#<dedupe key>`: one queued heartbeat in its
 *   wire form, in the user's partition (so account deletion takes them with the rest), in
 *   queue order.
 * - `RELAYDUE / <user id>`: the users with something queued, and when they are due (`at`): what
 *   the scheduled drain reads (one Query, no Scan). `n` changes with every enqueue, so a drain
 *   that found the queue empty removes the mark only if nothing was queued since.
 *
 * Ingest queues a heartbeat only when its conditional put stored it (a duplicate, in the same
 * request or any later one, is never queued), before the request is answered. DynamoDB writes
 * the two items separately (dynalite, the local stand-in, has no transactions): a Lambda that
 * dies between the heartbeat's put and the queue's write has not answered, and the client's
 * retry finds a duplicate, so that heartbeat is not forwarded: at most once, never twice.
 *
 * The drain takes the user's lease (a conditional update: only one drain sends a user's queue
 * at a time, so no batch is sent twice), drops what waited past RELAY_MAX_AGE_SECONDS, then
 * sends batches of one machine's heartbeats while the upstream takes them and its time lasts;
 * after a failure it backs off (core `relayRetryDelaySeconds`) and marks the user due then.
 * Every state write is conditional on holding the lease and on the setting's generation: a
 * relay set again or removed while a request was out is not written over.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  RELAY_BATCH_SIZE,
  RELAY_GATHER_SECONDS,
  RELAY_MAX_AGE_SECONDS,
  RELAY_QUEUE_MAX,
  RELAY_RETRY_BASE_SECONDS,
  RELAY_TIMEOUT_MS,
  keyHintOf,
  openSecret,
  relayBatchOutcome,
  relayRetryDelaySeconds,
  relayWireHeartbeat,
  sealSecret,
  sendRelayBatch,
  type Heartbeat,
  type Outbound,
  type RelayStatus,
  type RelayStore,
} from "@kodo/core";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys, timeKey } from "./keys.ts";
import { mapLimit } from "./pool.ts";

const RELAY_SK = "RELAY";
const QUEUE_PREFIX = "RELAYQ#";
const DUE_PK = "RELAYDUE";
/** How long a drain holds a user's lease; renewed with every batch it records. */
const LEASE_SECONDS = 3 * (RELAY_TIMEOUT_MS / 1000) + 30;
/** Queue items a drain reads to make one batch (those of the first item's machine). */
const BATCH_WINDOW = 1_000;

/** The setting and the queue's state, as stored. */
export interface RelayItem {
  pk: string;
  sk: string;
  url: string;
  sealedKey: string;
  keyHint: string;
  setAt: number;
  generation: string;
  queue: string;
  failures: number;
  nextAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  forwarded: number;
  dropped: number;
  /** Approximate (concurrent ingests may each see room): only for the queue's limit. */
  queued: number;
  leaseId?: string;
  leaseUntil?: number;
}

interface QueueItem {
  pk: string;
  sk: string;
  queue: string;
  machine: string | null;
  body: string;
  queuedAt: number;
}

const relayKey = (userId: string) => ({ pk: activityKeys.userPartition(userId), sk: RELAY_SK });
const dueKey = (userId: string) => ({ pk: DUE_PK, sk: userId });

/** The user's relay item (consistent read), or null when none is set. */
export async function readRelay(doc: Doc, table: string, userId: string): Promise<RelayItem | null> {
  const res = await doc.send(new GetCommand({ TableName: table, Key: relayKey(userId), ConsistentRead: true }));
  return (res.Item as RelayItem | undefined) ?? null;
}

/**
 * Queues heartbeats ingest has just stored (only those), with their log keys' dedupe keys; past
 * RELAY_QUEUE_MAX waiting the rest are counted as dropped. Then marks the user due.
 */
export async function enqueueRelay(doc: Doc, table: string, userId: string, relay: RelayItem, items: { dedupeKey: string; hb: Heartbeat }[], now: number): Promise<void> {
  if (items.length === 0) return;
  const room = Math.max(0, RELAY_QUEUE_MAX - Math.max(0, relay.queued));
  const taken = items.slice(0, room);
  const refused = items.length - taken.length;
  const pk = activityKeys.userPartition(userId);
  await batchWrite(
    doc,
    table,
    taken.map(({ dedupeKey, hb }) => ({
      put: {
        pk,
        sk: `${QUEUE_PREFIX}${timeKey(now)}#${timeKey(hb.time)}#${dedupeKey}`,
        queue: relay.queue,
        machine: hb.machine,
        body: JSON.stringify(relayWireHeartbeat(hb)),
        queuedAt: now,
      } satisfies QueueItem,
    })),
  );
  const values: Record<string, unknown> = { ":n": taken.length, ":d": refused, ":q": relay.queue, ":t": now + RELAY_GATHER_SECONDS };
  let set = "nextAttemptAt = if_not_exists(nextAttemptAt, :t)";
  if (refused > 0) {
    set += ", lastError = :e, lastErrorAt = :now";
    values[":e"] = `the queue is full (${RELAY_QUEUE_MAX} heartbeats wait): ${refused} new heartbeat(s) not forwarded`;
    values[":now"] = now;
  }
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: relayKey(userId),
        UpdateExpression: `SET ${set} ADD queued :n, dropped :d`,
        ConditionExpression: "#queue = :q",
        ExpressionAttributeNames: { "#queue": "queue" },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (err) {
    // Removed or pointed elsewhere meanwhile: what was just queued belongs to no queue in use
    // and is never sent (the drain deletes it when it meets it).
    if (isConditionFailure(err)) return;
    throw err;
  }
  await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: dueKey(userId),
      UpdateExpression: "SET #at = if_not_exists(#at, :t) ADD n :one",
      ExpressionAttributeNames: { "#at": "at" },
      ExpressionAttributeValues: { ":t": now + RELAY_GATHER_SECONDS, ":one": 1 },
    }),
  );
}

/** Queue items in order (keys and what a send needs). */
async function queuePage(doc: Doc, table: string, userId: string, limit: number, upTo?: string): Promise<QueueItem[]> {
  const res = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: upTo ? "pk = :pk AND sk BETWEEN :low AND :high" : "pk = :pk AND begins_with(sk, :low)",
      ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":low": QUEUE_PREFIX, ...(upTo ? { ":high": upTo } : {}) },
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []) as QueueItem[];
}

/** Every queue item's key (of any queue), for clearing. */
async function allQueueKeys(doc: Doc, table: string, userId: string): Promise<{ pk: string; sk: string }[]> {
  const items = await queryAll<{ pk: string; sk: string }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":p": QUEUE_PREFIX },
    ProjectionExpression: "pk, sk",
    ConsistentRead: true,
  });
  return items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
}

async function countQueue(doc: Doc, table: string, userId: string, queue: string): Promise<{ count: number; oldest: number | null }> {
  const items = await queryAll<{ queuedAt: number }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    FilterExpression: "#queue = :q",
    ExpressionAttributeNames: { "#queue": "queue" },
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":p": QUEUE_PREFIX, ":q": queue },
    ProjectionExpression: "queuedAt",
    ConsistentRead: true,
  });
  return { count: items.length, oldest: items.length > 0 ? Number(items[0]!.queuedAt) : null };
}

export interface DynamoRelayOptions {
  table: string;
  /** KODO_RELAY_SECRET: seals the upstream keys (at least 16 characters). */
  secret: string | undefined;
  now?: () => number;
}

/** The relay port on DynamoDB (undefined without a secret: the routes then answer 501). */
export function dynamoRelay(doc: Doc, options: DynamoRelayOptions): RelayStore | undefined {
  const { table, secret } = options;
  if (typeof secret !== "string" || secret.length < 16) return undefined;
  const now = options.now ?? (() => Date.now() / 1000);

  async function status(userId: string): Promise<RelayStatus | null> {
    const relay = await readRelay(doc, table, userId);
    if (!relay) return null;
    const { count, oldest } = await countQueue(doc, table, userId, relay.queue);
    return {
      url: relay.url,
      keyHint: relay.keyHint,
      setAt: relay.setAt,
      queued: count,
      oldestQueuedAt: oldest,
      lastSuccessAt: relay.lastSuccessAt ?? null,
      lastError: relay.lastError ?? null,
      lastErrorAt: relay.lastErrorAt ?? null,
      nextAttemptAt: count > 0 ? (relay.nextAttemptAt ?? null) : null,
      failures: relay.failures,
      forwarded: relay.forwarded,
      dropped: relay.dropped,
    };
  }

  return {
    status: (user) => status(user.id),

    /**
     * The same URL keeps the queue and its counters and retries at once (the key may just have
     * been fixed); another URL starts afresh: what waited was meant for the old one.
     */
    async set(user, input) {
      const t = now();
      const sealedKey = await sealSecret(secret, user.id, input.key);
      const previous = await readRelay(doc, table, user.id);
      const setting = { url: input.url, sealedKey, keyHint: keyHintOf(input.key), setAt: t, generation: crypto.randomUUID() };
      if (previous && previous.url === input.url) {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: relayKey(user.id),
            UpdateExpression: "SET sealedKey = :k, keyHint = :h, setAt = :s, generation = :g, failures = :zero, nextAttemptAt = :t",
            ConditionExpression: "#queue = :q",
            ExpressionAttributeNames: { "#queue": "queue" },
            ExpressionAttributeValues: { ":k": setting.sealedKey, ":h": setting.keyHint, ":s": t, ":g": setting.generation, ":zero": 0, ":t": t, ":q": previous.queue },
          }),
        );
        await doc.send(new UpdateCommand({ TableName: table, Key: dueKey(user.id), UpdateExpression: "SET #at = :t ADD n :one", ExpressionAttributeNames: { "#at": "at" }, ExpressionAttributeValues: { ":t": t, ":one": 1 } }));
      } else {
        const item: RelayItem = { ...relayKey(user.id), ...setting, queue: crypto.randomUUID(), failures: 0, forwarded: 0, dropped: 0, queued: 0 };
        await doc.send(new PutCommand({ TableName: table, Item: item }));
        const stale = await allQueueKeys(doc, table, user.id);
        await batchWrite(doc, table, stale.map((k) => ({ delete: k })));
      }
      return (await status(user.id))!;
    },

    async clear(user) {
      const had = (await readRelay(doc, table, user.id)) !== null;
      await doc.send(new DeleteCommand({ TableName: table, Key: relayKey(user.id) }));
      await batchWrite(doc, table, (await allQueueKeys(doc, table, user.id)).map((k) => ({ delete: k })));
      await doc.send(new DeleteCommand({ TableName: table, Key: dueKey(user.id) }));
      return had;
    },
  };
}

export interface DrainOptions {
  table: string;
  secret: string | undefined;
  outbound: Outbound;
  /** Seconds before the first retry (doubling): KODO_RELAY_RETRY_BASE_SECONDS, default 30. */
  retryBaseSeconds?: number;
  /** Epoch ms after which no new batch is started (the Lambda's own deadline less a margin). */
  deadlineMs: number;
  /** Users drained at once. */
  concurrency?: number;
  now?: () => number;
}

export interface DrainReport {
  users: number;
  batches: number;
  forwarded: number;
  /** Failed attempts (recorded in the users' state, backed off). */
  failures: number;
  /** Users whose drain stopped on an error of Kodo's own (DynamoDB): logged, retried next run. */
  errors: number;
}

/** The scheduled drain: every due user's queue, under their lease, until the deadline. */
export async function drainRelays(doc: Doc, options: DrainOptions): Promise<DrainReport> {
  const now = options.now ?? (() => Date.now() / 1000);
  const t = now();
  const due = (
    await queryAll<{ sk: string; n?: number }>(doc, {
      TableName: options.table,
      KeyConditionExpression: "pk = :pk",
      FilterExpression: "#at <= :now",
      ExpressionAttributeNames: { "#at": "at" },
      ExpressionAttributeValues: { ":pk": DUE_PK, ":now": t },
    })
  ).map((i) => ({ sk: String(i.sk), n: Number(i.n ?? 0) }));
  const report: DrainReport = { users: 0, batches: 0, forwarded: 0, failures: 0, errors: 0 };
  await mapLimit(due, options.concurrency ?? 8, async ({ sk: userId, n }) => {
    if (Date.now() >= options.deadlineMs) return;
    try {
      await drainUser(doc, options, now, userId, n, report);
    } catch (err) {
      // One user's failure (DynamoDB throttling, ...) does not stop the others; the mark stays.
      report.errors++;
      console.error("relay drain failed for a user", err);
    }
  });
  return report;
}

async function drainUser(doc: Doc, options: DrainOptions, now: () => number, userId: string, dueN: number, report: DrainReport): Promise<void> {
  const { table } = options;
  const leaseId = crypto.randomUUID();
  let relay: RelayItem;
  try {
    const t = now();
    const res = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: relayKey(userId),
        UpdateExpression: "SET leaseId = :id, leaseUntil = :until",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
        ExpressionAttributeValues: { ":id": leaseId, ":until": t + LEASE_SECONDS, ":now": t },
        ReturnValues: "ALL_NEW",
      }),
    );
    relay = res.Attributes as RelayItem;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // Leased by another drain (it handles the user), or the relay is gone: then so is the mark.
    if ((await readRelay(doc, table, userId)) === null) await removeDueMark(doc, table, userId, dueN);
    return;
  }
  report.users++;
  const retryBase = options.retryBaseSeconds ?? RELAY_RETRY_BASE_SECONDS;

  /** Writes the state under the lease and the generation; false when either was lost. */
  const record = async (set: Record<string, unknown>, add: Record<string, number>, remove: string[] = []): Promise<boolean> => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":lease": leaseId, ":gen": relay.generation };
    // Each record renews the lease, unless it gives the lease up.
    const sets: string[] = [];
    if (!remove.includes("leaseUntil")) {
      sets.push("leaseUntil = :until");
      values[":until"] = now() + LEASE_SECONDS;
    }
    for (const [k, v] of Object.entries(set)) {
      names[`#${k}`] = k;
      values[`:s_${k}`] = v;
      sets.push(`#${k} = :s_${k}`);
    }
    const adds = Object.entries(add)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => {
        names[`#${k}`] = k;
        values[`:a_${k}`] = v;
        return `#${k} :a_${k}`;
      });
    for (const k of remove) names[`#${k}`] = k;
    const expression = `${sets.length ? `SET ${sets.join(", ")}` : ""}${adds.length ? ` ADD ${adds.join(", ")}` : ""}${remove.length ? ` REMOVE ${remove.map((k) => `#${k}`).join(", ")}` : ""}`.trim();
    try {
      const res = await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: relayKey(userId),
          UpdateExpression: expression,
          ConditionExpression: "leaseId = :lease AND generation = :gen",
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      relay = res.Attributes as RelayItem;
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };
  const release = () => record({}, {}, ["leaseId", "leaseUntil"]);
  const dueAt = (at: number) =>
    doc.send(new UpdateCommand({ TableName: table, Key: dueKey(userId), UpdateExpression: "SET #at = :t", ExpressionAttributeNames: { "#at": "at" }, ExpressionAttributeValues: { ":t": at } }));
  const failed = async (error: string) => {
    report.failures++;
    const failures = relay.failures + 1;
    const t = now();
    const next = t + relayRetryDelaySeconds(failures, retryBase);
    if (await record({ failures, lastError: error, lastErrorAt: t, nextAttemptAt: next }, {}, ["leaseId", "leaseUntil"])) await dueAt(next);
  };

  // What waited too long is dropped first.
  const t0 = now();
  const expired = await queuePage(doc, table, userId, BATCH_WINDOW, `${QUEUE_PREFIX}${timeKey(t0 - RELAY_MAX_AGE_SECONDS)}`);
  if (expired.length > 0) {
    await batchWrite(doc, table, expired.map((i) => ({ delete: { pk: i.pk, sk: i.sk } })));
    const mine = expired.filter((i) => i.queue === relay.queue).length;
    if (mine > 0 && !(await record({ lastError: `${mine} heartbeat(s) dropped after waiting 7 days (the upstream did not accept them in time)`, lastErrorAt: t0 }, { dropped: mine, queued: -mine }))) return;
  }
  if (relay.nextAttemptAt !== undefined && relay.nextAttemptAt > now()) {
    if (await release()) await dueAt(relay.nextAttemptAt);
    return;
  }

  let key: string | null | undefined;
  for (;;) {
    const window = await queuePage(doc, table, userId, BATCH_WINDOW);
    const stale = window.filter((i) => i.queue !== relay.queue);
    if (stale.length > 0) await batchWrite(doc, table, stale.map((i) => ({ delete: { pk: i.pk, sk: i.sk } })));
    const live = window.filter((i) => i.queue === relay.queue);
    if (live.length === 0) {
      if (window.length === BATCH_WINDOW) continue; // only stale items in this window: read on
      // Empty: done until the next enqueue marks the user due again.
      if (await record({}, {}, ["leaseId", "leaseUntil", "nextAttemptAt"])) await removeDueMark(doc, table, userId, dueN);
      return;
    }
    if (Date.now() + RELAY_TIMEOUT_MS >= options.deadlineMs) {
      // Out of time: the next run takes over at once.
      if (await release()) await dueAt(now());
      return;
    }
    key ??= options.secret ? await openSecret(options.secret, userId, relay.sealedKey) : null;
    if (key === null) return failed("the stored key cannot be read (the server's KODO_RELAY_SECRET changed or is unset): set the relay again");

    const machine = live[0]!.machine ?? null;
    const batch = live.filter((i) => (i.machine ?? null) === machine).slice(0, RELAY_BATCH_SIZE);
    report.batches++;
    const answer = await sendRelayBatch(options.outbound, relay.url, key, machine, batch.map((i) => i.body));
    // Set again or removed while the request was out: that drain's state is not ours to write.
    const current = await readRelay(doc, table, userId);
    if (!current || current.generation !== relay.generation || current.leaseId !== leaseId) return;
    if (answer.kind === "retry") return failed(answer.error);

    const outcome = relayBatchOutcome(answer, batch);
    await batchWrite(doc, table, outcome.done.map((i) => ({ delete: { pk: i.pk, sk: i.sk } })));
    report.forwarded += outcome.forwarded;
    const t = now();
    const set: Record<string, unknown> = {};
    if (outcome.error !== null) Object.assign(set, { lastError: outcome.error, lastErrorAt: t });
    if (answer.kind === "items" && outcome.done.length > 0) set.lastSuccessAt = t;
    if (!outcome.retry) set.failures = 0;
    const counts = { forwarded: outcome.forwarded, dropped: outcome.dropped, queued: -outcome.done.length };
    if (!(await record(set, counts, outcome.retry ? [] : ["nextAttemptAt"]))) return;
    if (outcome.retry) return failed(`upstream answered 5xx for ${batch.length - outcome.done.length} heartbeat(s)`);
  }
}

/** Removes the user's due mark unless something was queued since the drain read it. */
async function removeDueMark(doc: Doc, table: string, userId: string, n: number): Promise<void> {
  try {
    await doc.send(new DeleteCommand({ TableName: table, Key: dueKey(userId), ConditionExpression: "attribute_not_exists(n) OR n = :n", ExpressionAttributeValues: { ":n": n } }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
