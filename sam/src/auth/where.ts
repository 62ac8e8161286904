/**
 * Better Auth's where clauses, evaluated on items read by key (the DynamoDB adapter narrows by
 * key first, then every clause is checked here, so a key only ever narrows, never decides), and
 * the part of them DynamoDB can check atomically as a write condition.
 *
 * Semantics are those of Better Auth's reference (memory) adapter: clauses fold left to right,
 * `OR` clauses with `||`, others with `&&`; `eq null` matches a missing or null attribute.
 */
import type { CleanedWhere } from "better-auth/adapters";

type Item = Record<string, unknown>;

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

function evalClause(item: Item, clause: CleanedWhere): boolean {
  const { field, operator, mode } = clause;
  const insensitive = mode === "insensitive";
  const fold = (v: unknown) => (insensitive ? lower(v) : v);
  const actual = fold(item[field] ?? null);
  const value = Array.isArray(clause.value) ? clause.value.map(fold) : fold(clause.value);
  const str = typeof actual === "string" ? actual : null;
  switch (operator) {
    case "in":
      return Array.isArray(value) && (value as unknown[]).includes(actual);
    case "not_in":
      return Array.isArray(value) && !(value as unknown[]).includes(actual);
    case "contains":
      return str !== null && typeof value === "string" && str.includes(value);
    case "starts_with":
      return str !== null && typeof value === "string" && str.startsWith(value);
    case "ends_with":
      return str !== null && typeof value === "string" && str.endsWith(value);
    case "ne":
      return value === null ? actual !== null : actual !== value;
    case "gt":
      return value !== null && actual !== null && (actual as number) > (value as number);
    case "gte":
      return value !== null && actual !== null && (actual as number) >= (value as number);
    case "lt":
      return value !== null && actual !== null && (actual as number) < (value as number);
    case "lte":
      return value !== null && actual !== null && (actual as number) <= (value as number);
    default:
      return value === null ? actual === null : actual === value;
  }
}

export function matches(item: Item, where: CleanedWhere[]): boolean {
  if (where.length === 0) return true;
  let result = evalClause(item, where[0]!);
  for (const clause of where) {
    const r = evalClause(item, clause);
    result = clause.connector === "OR" ? result || r : result && r;
  }
  return result;
}

export interface WriteCondition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The clauses as a DynamoDB ConditionExpression, so a write applies only while the item still
 * matches (the guard of Better Auth's consumeOne and incrementOne). Only all-AND, case-sensitive
 * clauses of the operators DynamoDB has are expressible; the others are left to the read-time
 * check. Always requires the item to exist.
 */
export function writeCondition(where: CleanedWhere[]): WriteCondition {
  const parts = ["attribute_exists(pk)"];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (where.some((w, i) => i > 0 && w.connector === "OR")) return { expression: parts[0]!, names, values };
  where.forEach((w, i) => {
    if (w.mode === "insensitive") return;
    const n = `#w${i}`;
    const v = `:w${i}`;
    const op = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" }[w.operator as string];
    if (w.value === null && (w.operator === "eq" || w.operator === "ne")) {
      names[n] = w.field;
      values[v] = null;
      parts.push(w.operator === "eq" ? `(attribute_not_exists(${n}) OR ${n} = ${v})` : `(attribute_exists(${n}) AND ${n} <> ${v})`);
    } else if (op && w.value !== null && !Array.isArray(w.value)) {
      names[n] = w.field;
      values[v] = w.value;
      parts.push(`${n} ${op} ${v}`);
    } else if (w.operator === "starts_with" && typeof w.value === "string") {
      names[n] = w.field;
      values[v] = w.value;
      parts.push(`begins_with(${n}, ${v})`);
    } else if (w.operator === "in" && Array.isArray(w.value) && w.value.length > 0 && w.value.length <= 50 && w.value.every((x) => x !== null)) {
      names[n] = w.field;
      const list = (w.value as unknown[]).map((x, j) => {
        values[`${v}_${j}`] = x;
        return `${v}_${j}`;
      });
      parts.push(`${n} IN (${list.join(", ")})`);
    }
  });
  return { expression: parts.join(" AND "), names, values };
}
