/**
 * Where Better Auth's records live in the accounts table (sam/README.md, "Data model"). Each
 * record is one primary item, found by id; each field Better Auth looks records up by has an
 * index item that points at the record's id (`ref`). Index items are plain items under keys of
 * their own rather than a GSI, so every look-up is a strongly consistent read: a session
 * cookie or a sign-in link works the moment it was issued, on any Lambda container.
 *
 * A unique index claims its value with a conditional put (sk is the prefix alone); a
 * non-unique one lists the record under the value (sk = prefix + id). A user's sessions,
 * provider accounts and passkeys are listed in the user's own partition (`USER#<id>`), and pending sign-in
 * links under the address they were mailed to (`EMAIL#<address>`), so deleting an account
 * finds every auth item of it by key.
 */
import { accountKeys } from "../dynamo/keys.ts";

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export interface IndexLayout {
  /** What the index is named by in errors and docs. */
  name: string;
  /** The stored attribute looked up; absent for a derived index. */
  field?: string;
  /** The value the record is indexed under (null: not indexed). */
  valueOf(item: Item): string | null;
  /** The partition holding the value's index items, and their sort key prefix. */
  partition(value: string): string;
  prefix: string;
  unique: boolean;
  /** Attributes other readers expect on the index item (the username claim's userId). */
  extra?(id: string): Item;
}

export interface ModelLayout {
  key(id: string): Key;
  indexes: IndexLayout[];
  /** Epoch seconds after which DynamoDB's TTL may remove the record and its index items. */
  expiresAt?(item: Item): number | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const expiry = (item: Item) => {
  const at = str(item.expiresAt);
  const ms = at ? Date.parse(at) : NaN;
  // A day of slack: TTL removes items late anyway, and Better Auth checks expiry itself.
  return Number.isFinite(ms) ? Math.ceil(ms / 1000) + 86_400 : null;
};

/** The address a sign-in link (Better Auth's magic-link verification value) was mailed to. */
function mailedTo(item: Item): string | null {
  const value = str(item.value);
  if (!value?.startsWith("{")) return null;
  try {
    const email = (JSON.parse(value) as { email?: unknown }).email;
    return typeof email === "string" && email !== "" ? email.toLowerCase() : null;
  } catch {
    return null;
  }
}

export const emailPartition = (email: string) => `EMAIL#${email.toLowerCase()}`;

/** Keys of Better Auth's models (user, session, account, verification, passkey). */
export const authLayouts: Record<string, ModelLayout> = {
  // Better Auth's user is Kodo's profile item: the same record the API reads.
  user: {
    key: (id) => accountKeys.profile(id),
    indexes: [
      { name: "email", field: "email", valueOf: (i) => str(i.email)?.toLowerCase() ?? null, partition: emailPartition, prefix: "EMAIL", unique: true },
      {
        name: "username",
        field: "username",
        valueOf: (i) => str(i.username)?.toLowerCase() ?? null,
        partition: (v) => accountKeys.username(v).pk,
        prefix: "USERNAME",
        unique: true,
        extra: (id) => ({ userId: id }),
      },
    ],
  },
  session: {
    key: (id) => ({ pk: `SESSION#${id}`, sk: "SESSION" }),
    indexes: [
      { name: "token", field: "token", valueOf: (i) => str(i.token), partition: (v) => `SESSION_TOKEN#${v}`, prefix: "SESSION_TOKEN", unique: true },
      { name: "userId", field: "userId", valueOf: (i) => str(i.userId), partition: (v) => `USER#${v}`, prefix: "SESSION#", unique: false },
    ],
    expiresAt: expiry,
  },
  account: {
    key: (id) => ({ pk: `AUTH_ACCOUNT#${id}`, sk: "ACCOUNT" }),
    indexes: [
      { name: "accountId", field: "accountId", valueOf: (i) => str(i.accountId), partition: (v) => `PROVIDER_ACCOUNT#${v}`, prefix: "ACCOUNT#", unique: false },
      { name: "userId", field: "userId", valueOf: (i) => str(i.userId), partition: (v) => `USER#${v}`, prefix: "ACCOUNT#", unique: false },
    ],
  },
  // Passkeys (Better Auth's passkey plugin). Its look-ups: by id (rename, delete, the counter
  // after a sign-in), by credentialID (the credential a browser presents when signing in: one
  // unique claim, a GetItem's worth) and by userId (the account's list, registration's
  // excluded credentials, account deletion: a Query of the user's partition).
  passkey: {
    key: (id) => ({ pk: `PASSKEY#${id}`, sk: "PASSKEY" }),
    indexes: [
      { name: "credentialID", field: "credentialID", valueOf: (i) => str(i.credentialID), partition: (v) => `PASSKEY_CREDENTIAL#${v}`, prefix: "PASSKEY_CREDENTIAL", unique: true },
      { name: "userId", field: "userId", valueOf: (i) => str(i.userId), partition: (v) => `USER#${v}`, prefix: "PASSKEY#", unique: false },
    ],
  },
  verification: {
    key: (id) => ({ pk: `VERIFICATION#${id}`, sk: "VERIFICATION" }),
    indexes: [
      { name: "identifier", field: "identifier", valueOf: (i) => str(i.identifier), partition: (v) => `VERIFICATION_ID#${v}`, prefix: "VERIFICATION#", unique: false },
      // Derived: the address a sign-in link went to, so deleting that account deletes its links.
      { name: "mailedTo", valueOf: mailedTo, partition: emailPartition, prefix: "VERIFICATION#", unique: false },
    ],
    expiresAt: expiry,
  },
};

export function indexKey(index: IndexLayout, value: string, id: string): Key {
  return { pk: index.partition(value), sk: index.unique ? index.prefix : `${index.prefix}${id}` };
}

/** The index items a record has. */
export function indexItems(layout: ModelLayout, item: Item): (Key & Item)[] {
  const id = String(item.id);
  const ttl = layout.expiresAt?.(item) ?? null;
  const out: (Key & Item)[] = [];
  for (const index of layout.indexes) {
    const value = index.valueOf(item);
    if (value === null) continue;
    out.push({ ...indexKey(index, value, id), ref: id, ...(index.extra?.(id) ?? {}), ...(ttl ? { ttl } : {}) });
  }
  return out;
}
