/**
 * A Better Auth database adapter for DynamoDB, built with Better Auth's own adapter factory
 * (`createAdapterFactory`: it maps field names, ids, dates, joins and the atomic fallbacks).
 * Records and their index items are laid out by layout.ts, in the accounts table.
 *
 * Every read goes by key: a where clause must name the record's id, or a field with an index,
 * with `eq` or `in`; the clauses are then all checked on the items read (where.ts). A query
 * with no key (a scan of every user, say) is refused with an error rather than served by a
 * Scan: Kodo's configuration never makes one (the verification sweep is off, TTL does it),
 * and the function's IAM role has no Scan. Writes are conditional on the clauses DynamoDB
 * can check, so consumeOne (single-use sign-in links, OAuth state) deletes a row exactly once
 * however many containers race for it.
 *
 * Without transactions (dynalite has none), a record's items are written in an order that a
 * crash half-way leaves harmless: listings, then unique claims, then the record itself (an
 * index item whose record is missing is ignored, and a stale claim is taken over); deletion
 * runs the other way round.
 */
import { BetterAuthError } from "better-auth";
import { createAdapterFactory, type CleanedWhere } from "better-auth/adapters";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, queryAll, type Doc } from "../dynamo/client.ts";
import { authLayouts, indexItems, indexKey, type IndexLayout, type Item, type Key, type ModelLayout } from "./layout.ts";
import { matches, writeCondition } from "./where.ts";

export interface DynamoAuthOptions {
  doc: Doc;
  table: string;
}

export function dynamoAuthAdapter({ doc, table }: DynamoAuthOptions) {
  const layoutOf = (model: string): ModelLayout => {
    const layout = authLayouts[model];
    if (!layout) throw new BetterAuthError(`DynamoDB adapter: no layout for model "${model}"`);
    return layout;
  };

  const get = async (key: Key): Promise<Item | null> => ((await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item as Item | undefined) ?? null;

  const putIfAbsent = async (item: Item): Promise<boolean> => {
    try {
      await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };

  const del = (key: Key) => doc.send(new DeleteCommand({ TableName: table, Key: key }));

  /** Ids of records indexed under `value` (a Query of the index partition). */
  async function idsByIndex(index: IndexLayout, value: string): Promise<string[]> {
    const items = await queryAll<{ ref?: string; userId?: string }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": index.partition(value), ":prefix": index.prefix },
      ConsistentRead: true,
    });
    return items.map((i) => i.ref ?? i.userId).filter((r): r is string => typeof r === "string");
  }

  /** The records the clauses can match, read by key, then filtered by every clause. */
  async function candidates(model: string, where: CleanedWhere[] | undefined): Promise<Item[]> {
    const layout = layoutOf(model);
    const clauses = where ?? [];
    const anyOr = clauses.some((w, i) => i > 0 && w.connector === "OR");
    const keyed = (w: CleanedWhere) => (w.operator === "eq" || w.operator === "in") && w.mode !== "insensitive" && w.value !== null;
    const keyFor = (w: CleanedWhere) => (w.field === "id" ? "id" : layout.indexes.find((i) => i.field === w.field));
    // AND: one keyed clause narrows; OR: every clause must be keyed (their union).
    const narrowing = anyOr ? (clauses.every((w) => keyed(w) && keyFor(w)) ? clauses : null) : [clauses.find((w) => keyed(w) && keyFor(w))].filter((w) => w !== undefined);
    if (!narrowing || narrowing.length === 0) {
      throw new BetterAuthError(`DynamoDB adapter: ${model} can only be looked up by id or ${layout.indexes.filter((i) => i.field).map((i) => i.field).join(", ")} (got ${clauses.map((w) => `${w.field} ${w.operator}`).join(", ") || "no condition"})`);
    }
    const ids = new Set<string>();
    for (const w of narrowing) {
      const values = (Array.isArray(w.value) ? w.value : [w.value]).map(String);
      const by = keyFor(w)!;
      for (const value of values) {
        if (by === "id") ids.add(value);
        else for (const id of await idsByIndex(by, by.name === "email" || by.name === "username" ? value.toLowerCase() : value)) ids.add(id);
      }
    }
    const items: Item[] = [];
    for (const id of ids) {
      const item = await get(layout.key(id));
      if (item && matches(item, clauses)) items.push(item);
    }
    return items;
  }

  /** Deletes a record: the record first (unusable from then on), then its index items. */
  async function removeRecord(layout: ModelLayout, item: Item, where: CleanedWhere[] = []): Promise<Item | null> {
    const condition = writeCondition(where);
    let old: Item | undefined;
    try {
      const res = await doc.send(
        new DeleteCommand({
          TableName: table,
          Key: layout.key(String(item.id)),
          ConditionExpression: condition.expression,
          ...(Object.keys(condition.names).length ? { ExpressionAttributeNames: condition.names } : {}),
          ...(Object.keys(condition.values).length ? { ExpressionAttributeValues: condition.values } : {}),
          ReturnValues: "ALL_OLD",
        }),
      );
      old = res.Attributes as Item | undefined;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
    if (!old) return null;
    for (const index of indexItems(layout, old).reverse()) await dropIndexItem(index, String(old.id));
    return old;
  }

  /** Deletes an index item if it still points at this record (a claim may have been taken over). */
  async function dropIndexItem(key: Key, id: string): Promise<void> {
    try {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk }, ConditionExpression: "#ref = :id OR userId = :id", ExpressionAttributeNames: { "#ref": "ref" }, ExpressionAttributeValues: { ":id": id } }));
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** Claims a unique value; takes over a claim whose record is gone or no longer holds the value. */
  async function claim(layout: ModelLayout, index: IndexLayout, entry: Key & Item, value: string): Promise<boolean> {
    if (await putIfAbsent(entry)) return true;
    const held = await get({ pk: entry.pk, sk: entry.sk });
    const holder = (held?.ref ?? held?.userId) as string | undefined;
    if (holder === entry.ref) return true;
    const record = holder ? await get(layout.key(holder)) : null;
    if (record && index.valueOf(record) === value) return false;
    try {
      await doc.send(
        new PutCommand({ TableName: table, Item: entry, ConditionExpression: "attribute_not_exists(pk) OR #ref = :old OR userId = :old", ExpressionAttributeNames: { "#ref": "ref" }, ExpressionAttributeValues: { ":old": holder ?? "" } }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Writes the index items of `item` that `before` did not have; drops the ones it no longer has. */
  async function reindex(layout: ModelLayout, before: Item | null, item: Item): Promise<void> {
    const id = String(item.id);
    const wanted = indexItems(layout, item);
    const had = before ? indexItems(layout, before) : [];
    const same = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;
    const unique = (k: Key) => layout.indexes.find((i) => i.unique && k.sk === i.prefix && k.pk.startsWith(i.partition("")));
    // Listings first, then claims: a record is never findable by a value it cannot be listed by.
    for (const entry of [...wanted.filter((e) => !unique(e)), ...wanted.filter((e) => unique(e))]) {
      const index = unique(entry);
      if (index) {
        const value = index.valueOf(item)!;
        if (!(await claim(layout, index, entry, value))) throw new BetterAuthError(`DynamoDB adapter: ${index.name} "${value}" is taken`);
      } else await doc.send(new PutCommand({ TableName: table, Item: entry }));
    }
    for (const old of had) if (!wanted.some((w) => same(w, old))) await dropIndexItem(old, id);
  }

  return createAdapterFactory({
    config: {
      adapterId: "kodo-dynamodb",
      adapterName: "Kodo DynamoDB",
      // ISO strings: Kodo's profile items keep createdAt that way, and they sort as text.
      supportsDates: false,
      supportsBooleans: true,
      supportsJSON: false,
      supportsArrays: false,
      supportsNumericIds: false,
      transaction: false,
    },
    adapter: ({ getDefaultModelName }) => {
      const layoutFor = (model: string) => layoutOf(getDefaultModelName(model));
      const modelOf = (model: string) => getDefaultModelName(model);

      async function updateOne(model: string, item: Item, where: CleanedWhere[], update: Item): Promise<Item | null> {
        const layout = layoutFor(model);
        const fields = Object.entries(update).filter(([k, v]) => k !== "id" && v !== undefined);
        const next = { ...item, ...Object.fromEntries(fields) };
        const ttl = layout.expiresAt?.(next) ?? null;
        if (fields.length === 0 && ttl === null) return item;
        // New index values are claimed before the record shows them.
        await reindex(layout, item, next);
        const condition = writeCondition(where);
        const set = fields.map(([k], i) => {
          condition.names[`#u${i}`] = k;
          condition.values[`:u${i}`] = update[k] ?? null;
          return `#u${i} = :u${i}`;
        });
        if (ttl !== null) {
          condition.names["#ttl"] = "ttl";
          condition.values[":ttl"] = ttl;
          set.push("#ttl = :ttl");
        }
        try {
          const res = await doc.send(
            new UpdateCommand({
              TableName: table,
              Key: layout.key(String(item.id)),
              UpdateExpression: `SET ${set.join(", ")}`,
              ConditionExpression: condition.expression,
              ExpressionAttributeNames: condition.names,
              ExpressionAttributeValues: condition.values,
              ReturnValues: "ALL_NEW",
            }),
          );
          return res.Attributes as Item;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          await reindex(layout, next, item); // the row changed meanwhile: put its index back
          return null;
        }
      }

      return {
        async create({ model, data }) {
          const layout = layoutFor(model);
          const item: Item = { ...data };
          const ttl = layout.expiresAt?.(item) ?? null;
          await reindex(layout, null, item);
          const stored = { ...item, ...layout.key(String(item.id)), ...(ttl ? { ttl } : {}) };
          if (!(await putIfAbsent(stored))) {
            throw new BetterAuthError(`DynamoDB adapter: ${modelOf(model)} ${String(item.id)} exists`);
          }
          return data;
        },

        async findOne({ model, where }) {
          const [first] = await candidates(modelOf(model), where);
          return (first ?? null) as never;
        },

        async findMany({ model, where, limit, sortBy, offset }) {
          let items = await candidates(modelOf(model), where);
          if (sortBy) {
            const { field, direction } = sortBy;
            items = items.sort((a, b) => {
              const x = a[field] as string | number | null | undefined;
              const y = b[field] as string | number | null | undefined;
              const c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : x < y ? -1 : x > y ? 1 : 0;
              return direction === "asc" ? c : -c;
            });
          }
          return items.slice(offset ?? 0, (offset ?? 0) + limit) as never;
        },

        async count({ model, where }) {
          return (await candidates(modelOf(model), where)).length;
        },

        async update({ model, where, update }) {
          const [first] = await candidates(modelOf(model), where);
          if (!first) return null;
          return (await updateOne(model, first, where, update as Item)) as never;
        },

        async updateMany({ model, where, update }) {
          let n = 0;
          for (const item of await candidates(modelOf(model), where)) if (await updateOne(model, item, where, update)) n++;
          return n;
        },

        async delete({ model, where }) {
          const [first] = await candidates(modelOf(model), where);
          if (first) await removeRecord(layoutFor(model), first, where);
        },

        async deleteMany({ model, where }) {
          let n = 0;
          for (const item of await candidates(modelOf(model), where)) if (await removeRecord(layoutFor(model), item, where)) n++;
          return n;
        },

        async consumeOne({ model, where }) {
          // The conditional delete decides: of racing callers, only one gets the old item back.
          for (const item of await candidates(modelOf(model), where)) {
            const old = await removeRecord(layoutFor(model), item, where);
            if (old) return old as never;
          }
          return null;
        },
      };
    },
  });
}

/** Deletes one record and its index items, by model and id (account deletion). */
export async function deleteAuthRecord(doc: Doc, table: string, model: keyof typeof authLayouts, id: string): Promise<void> {
  const layout = authLayouts[model]!;
  const res = await doc.send(new DeleteCommand({ TableName: table, Key: layout.key(id), ReturnValues: "ALL_OLD" }));
  const old = res.Attributes as Item | undefined;
  if (!old) return;
  for (const key of indexItems(layout, old).reverse()) {
    try {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk }, ConditionExpression: "#ref = :id OR userId = :id", ExpressionAttributeNames: { "#ref": "ref" }, ExpressionAttributeValues: { ":id": id } }));
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}
