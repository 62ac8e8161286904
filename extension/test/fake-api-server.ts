import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** What the server does with one request; the default answers like a Kodo server. */
export type Behaviour =
  | { kind: "normal" }
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  | { kind: "per-item"; status: (item: Record<string, unknown>, index: number) => number }
  | { kind: "garbage" }
  /** Never answers (the client must time out). */
  | { kind: "hang" };

/**
 * A real HTTP server on 127.0.0.1 (port 0: the OS picks one) that answers the two endpoints
 * the extension uses the way the WakaTime v1 API does. Tests change `behaviour` to make it
 * fail, and read `requests` to see exactly what went over the wire.
 */
export class FakeApiServer {
  readonly requests: ReceivedRequest[] = [];
  /** Heartbeats the server stored (201), in arrival order. */
  readonly stored: Array<Record<string, unknown>> = [];
  behaviour: Behaviour = { kind: "normal" };
  validKey = "waka_11111111-2222-4333-8444-555555555555";
  todayText = "1 hr 5 mins";
  /** Bulk requests with more items than this get 413, like a server with a smaller limit. */
  maxBatch = 1000;
  private server: Server | undefined;
  private readonly seen = new Set<string>();
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  get bulkRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.endsWith("heartbeats.bulk"));
  }

  /** Starts on `port` (0: any free port); restarting on the old port models "server is back". */
  async start(port = this.port): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const body: unknown = raw === "" ? undefined : JSON.parse(raw);
        this.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
        const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "Content-Type": "application/json", ...headers });
          res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
        };
        const expected = `Basic ${Buffer.from(this.validKey).toString("base64")}`;
        if (req.headers.authorization !== expected) return send(401, { error: "Unauthorized" });
        const b = this.behaviour;
        if (b.kind === "status") {
          const headers: Record<string, string> =
            b.retryAfterSeconds === undefined ? {} : { "Retry-After": String(b.retryAfterSeconds) };
          return send(b.status, { error: "failing on purpose" }, headers);
        }
        if (b.kind === "hang") return;
        if (b.kind === "garbage") return send(201, "<html>proxy login</html>");
        if (req.url?.endsWith("/users/current/statusbar/today")) {
          return send(200, { data: { grand_total: { text: this.todayText, total_seconds: 3900 } } });
        }
        if (req.url?.endsWith("/users/current/heartbeats.bulk") && Array.isArray(body)) {
          if (body.length > this.maxBatch) return send(413, { error: "too many heartbeats" });
          const responses = body.map((item: Record<string, unknown>, i: number) => {
            const status = b.kind === "per-item" ? b.status(item, i) : this.statusFor(item);
            if (status === 201) {
              this.seen.add(dedupeKey(item));
              this.stored.push(item);
            }
            return [status === 400 ? { error: "bad heartbeat" } : { data: item }, status];
          });
          return send(202, { responses });
        }
        return send(404, { error: "Not found" });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Like the real API: a duplicate is accepted with 202, an item without entity/time is 400. */
  private statusFor(item: Record<string, unknown>): number {
    if (typeof item.entity !== "string" || typeof item.time !== "number") return 400;
    return this.seen.has(dedupeKey(item)) ? 202 : 201;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The fields DESIGN.md names for the dedupe key (the user is implied: one key per server). */
function dedupeKey(item: Record<string, unknown>): string {
  const { entity, type, category, project, branch, language, is_write, time } = item;
  return JSON.stringify([entity, type, category, project, branch, language, is_write, time]);
}
