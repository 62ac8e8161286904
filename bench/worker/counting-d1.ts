/**
 * A D1 binding that adds up the rows D1 reports written (`meta.rows_written`, indexes
 * included) by every statement the app runs on its request path. The Durable Object's flushes
 * report their own rows through `flush()`; this catches any other write a request makes (an
 * account touch, a usage counter), so "D1 rows written per heartbeat" counts everything.
 *
 * `first()` and `raw()` return no meta, so they are not counted; in D1 they are read calls
 * (the app writes through `run()`, `all()` and `batch()`).
 */
export interface WriteCounter {
  rowsWritten: number;
  statements: number;
}

export function countingD1(db: D1Database, counter: WriteCounter): D1Database {
  const targets = new WeakMap<object, D1PreparedStatement>();
  const note = (meta: { rows_written?: number } | undefined) => {
    counter.statements += 1;
    counter.rowsWritten += meta?.rows_written ?? 0;
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "run" || prop === "all") {
          return async () => {
            const result = await target[prop]();
            note(result.meta);
            return result;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    targets.set(proxy, statement);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          // The runtime's batch reads the statements' internals: hand it the real ones.
          const results = await target.batch(statements.map((s) => targets.get(s) ?? s));
          for (const r of results) note(r.meta);
          return results;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
