/**
 * A D1 binding that adds up the rows D1 reports written (`meta.rows_written`, indexes
 * included) by every statement the app runs on its request path. The Durable Object's flushes
 * report their own rows through `flush()`; this catches any other write a request makes (an
 * account touch, a usage counter), so "D1 rows written per heartbeat" counts everything.
 *
 * `first()` and `raw()` return no meta, so for a WriteCounter they are not counted; in D1 they
 * are read calls (the app writes through `run()`, `all()` and `batch()`). A ViewCounter (bench:scale)
 * counts them too: a read-only statement run through them is run once more through `all()` for
 * its `meta.rows_read` (reads only: nothing is written twice).
 */
export interface WriteCounter {
  rowsWritten: number;
  statements: number;
  /** Counted when present (a ViewCounter). */
  rowsRead?: number;
}

/** What a view costs: D1 statements, rows D1 reports read and written, Durable Object calls. */
export interface ViewCounter extends WriteCounter {
  rowsRead: number;
  objectCalls: number;
}

const READ_ONLY = /^\s*(SELECT|WITH)\b(?![\s\S]*\bRETURNING\b)(?![\s\S]*\b(INSERT|UPDATE|DELETE)\b)/i;

export function countingD1(db: D1Database, counter: WriteCounter): D1Database {
  const targets = new WeakMap<object, D1PreparedStatement>();
  const note = (meta: { rows_written?: number; rows_read?: number } | undefined) => {
    counter.statements += 1;
    counter.rowsWritten += meta?.rows_written ?? 0;
    if (counter.rowsRead !== undefined) counter.rowsRead += meta?.rows_read ?? 0;
  };
  const wrap = (statement: D1PreparedStatement, query: string): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values), query);
        if (prop === "run" || prop === "all") {
          return async () => {
            const result = await target[prop]();
            note(result.meta);
            return result;
          };
        }
        if ((prop === "first" || prop === "raw") && counter.rowsRead !== undefined) {
          return async (...args: unknown[]) => {
            const value = await (target[prop] as (...a: unknown[]) => Promise<unknown>)(...args);
            if (READ_ONLY.test(query)) note((await target.all()).meta);
            else note(undefined);
            return value;
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
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query), query);
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

/** A Durable Object namespace whose stubs count every method call (one RPC each). */
export function countingObjects<T extends DurableObjectNamespace<any>>(namespace: T, counter: ViewCounter): T {
  return new Proxy(namespace, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      if (prop !== "get") return value.bind(target);
      return (...args: unknown[]) => {
        const stub = Reflect.apply(value as (...a: unknown[]) => object, target, args);
        return new Proxy(stub, {
          get(s, p) {
            const member = Reflect.get(s, p, s) as unknown;
            if (typeof member !== "function" || typeof p !== "string" || p === "then") return member;
            return (...a: unknown[]) => {
              counter.objectCalls += 1;
              // Reflect.apply: an RPC method would take `.apply` for a remote method's name.
              return Reflect.apply(member as (...x: unknown[]) => unknown, s, a);
            };
          },
        });
      };
    },
  });
}
