/**
 * A relay upstream's stand-in for end-to-end relay tests (worker/e2e/relay.test.ts,
 * sam/test/relay-e2e.test.ts): an HTTP proxy on loopback in front of a second Kodo that counts
 * every heartbeat it passes on, and can be taken down (its port closed: "connection refused")
 * and brought up again on the same port, possibly in front of a restarted Kodo.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";

export class RecordingProxy {
  /** `entity@time` -> how many times it was forwarded. */
  readonly seen = new Map<string, number>();
  requests = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    public target: string,
  ) {}

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.forward(req).then(({ status, body }) => res.writeHead(status, { "content-type": "application/json" }).end(body)));
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }

  /** Closes the port: the relay's next attempts get "connection refused". */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }

  private async forward(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    this.requests++;
    for (const hb of JSON.parse(text) as { entity: string; time: number }[]) {
      const k = `${hb.entity}@${hb.time}`;
      this.seen.set(k, (this.seen.get(k) ?? 0) + 1);
    }
    const headers: Record<string, string> = {};
    for (const h of ["authorization", "content-type", "user-agent", "x-machine-name"]) if (typeof req.headers[h] === "string") headers[h] = req.headers[h];
    try {
      const res = await fetch(`${this.target}${req.url}`, { method: req.method, headers, body: text });
      return { status: res.status, body: await res.text() };
    } catch {
      return { status: 502, body: JSON.stringify({ error: "upstream not reachable" }) };
    }
  }
}
