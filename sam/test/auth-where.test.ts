/** Better Auth's where clauses on items read by key, and their write-condition form (src/auth/where.ts). */
import { describe, expect, it } from "vitest";
import type { CleanedWhere } from "better-auth/adapters";
import { matches, writeCondition } from "../src/auth/where.ts";

const w = (field: string, value: CleanedWhere["value"], operator: CleanedWhere["operator"] = "eq", connector: CleanedWhere["connector"] = "AND", mode: CleanedWhere["mode"] = "sensitive"): CleanedWhere => ({
  field,
  value,
  operator,
  connector,
  mode,
});
const item = { id: "1", email: "Ada@Example.com", expiresAt: "2026-12-06T10:00:00.000Z", count: 3, gone: null };

describe("matches (Better Auth's memory adapter semantics)", () => {
  it("applies every operator, null as missing, and case-insensitive mode", () => {
    expect(matches(item, [w("email", "Ada@Example.com")])).toBe(true);
    expect(matches(item, [w("email", "ada@example.com")])).toBe(false);
    expect(matches(item, [w("email", "ada@example.com", "eq", "AND", "insensitive")])).toBe(true);
    expect(matches(item, [w("gone", null)])).toBe(true);
    expect(matches(item, [w("missing", null)])).toBe(true);
    expect(matches(item, [w("email", null, "ne")])).toBe(true);
    expect(matches(item, [w("expiresAt", "2026-12-06T09:00:00.000Z", "gt")])).toBe(true);
    expect(matches(item, [w("expiresAt", "2026-12-06T10:00:00.000Z", "lt")])).toBe(false);
    expect(matches(item, [w("count", 3, "lte"), w("count", 3, "gte")])).toBe(true);
    expect(matches(item, [w("id", ["2", "1"], "in")])).toBe(true);
    expect(matches(item, [w("id", ["1"], "not_in")])).toBe(false);
    expect(matches(item, [w("email", "@Ex", "contains"), w("email", "Ada", "starts_with"), w("email", ".com", "ends_with")])).toBe(true);
    expect(matches(item, [w("email", ".*", "contains")])).toBe(false); // no patterns
  });

  it("folds OR and AND left to right", () => {
    expect(matches(item, [w("id", "2"), w("id", "1", "eq", "OR")])).toBe(true);
    expect(matches(item, [w("id", "2"), w("id", "3", "eq", "OR")])).toBe(false);
    expect(matches(item, [w("id", "1"), w("count", 4)])).toBe(false);
  });
});

describe("writeCondition", () => {
  it("expresses AND clauses DynamoDB can check, with placeholders for every name", () => {
    const c = writeCondition([w("id", "1"), w("expiresAt", "2026-01-01", "gt"), w("gone", null), w("token", ["a", "b"], "in")]);
    expect(c.expression).toBe("attribute_exists(pk) AND #w0 = :w0 AND #w1 > :w1 AND (attribute_not_exists(#w2) OR #w2 = :w2) AND #w3 IN (:w3_0, :w3_1)");
    expect(c.names).toEqual({ "#w0": "id", "#w1": "expiresAt", "#w2": "gone", "#w3": "token" });
    expect(c.values).toEqual({ ":w0": "1", ":w1": "2026-01-01", ":w2": null, ":w3_0": "a", ":w3_1": "b" });
  });

  it("leaves OR groups, insensitive and pattern clauses to the read-time check (existence only)", () => {
    expect(writeCondition([w("id", "1"), w("id", "2", "eq", "OR")]).expression).toBe("attribute_exists(pk)");
    expect(writeCondition([w("email", "a", "eq", "AND", "insensitive"), w("email", "x", "ends_with")]).expression).toBe("attribute_exists(pk)");
  });
});
