/**
 * A tiny WakaTime-compatible server on loopback (node:http) serving what an import reads, in
 * the shapes wakatime.com answers: `all_time_since_today`, `user_agents`, `machine_names`
 * (ids -> values) and `heartbeats?date=` (heartbeats carrying user_agent_id/machine_name_id).
 * `failOnce` makes one day answer 500 once, to exercise resuming. Options: `pageSize` pages
 * heartbeats?date= (`page`, `next_page`, `total_pages` as WakaTime's paged routes answer;
 * WakaTime itself does not page this one), `redirectTo` answers every call with a 302 there.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { freePort } from "../../scripts/local-worker.mjs";

export interface FakeHeartbeat {
  entity: string;
  time: number;
  project: string;
  language: string;
}

export interface FakeWakaTime {
  url: string;
  key: string;
  requests: string[];
  failOnce: Set<string>;
  close(): Promise<void>;
}

export interface FakeOptions {
  pageSize?: number;
  redirectTo?: string;
}

export async function startFakeWakaTime(days: Map<string, FakeHeartbeat[]>, opts: FakeOptions = {}): Promise<FakeWakaTime> {
  const key = randomUUID();
  const agentId = randomUUID();
  const machineId = randomUUID();
  const requests: string[] = [];
  const failOnce = new Set<string>();
  const sorted = [...days.keys()].sort();
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${url.pathname}${url.search}`);
    if (opts.redirectTo) {
      res.writeHead(302, { location: opts.redirectTo });
      return res.end();
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(key).toString("base64")}`) return json(res, 401, { error: "Unauthorized" });
    switch (url.pathname) {
      case "/api/v1/users/current/all_time_since_today":
        return json(res, 200, {
          data: {
            total_seconds: 12345.6,
            text: "3 hrs 25 mins",
            is_up_to_date: true,
            range: { start: `${sorted[0]}T00:00:00Z`, start_date: sorted[0], end: "", end_date: sorted[sorted.length - 1], timezone: "UTC" },
          },
        });
      case "/api/v1/users/current/user_agents":
        return json(res, 200, { data: [{ id: agentId, value: "wakatime/v1.102.1 (linux-6.8.0-x86_64) go1.23.4 neovim/0.10.2 vim-wakatime/11.2.0", editor: "neovim", os: "linux" }] });
      case "/api/v1/users/current/machine_names":
        return json(res, 200, { data: [{ id: machineId, name: "imported-box", value: "imported-box", ip: "203.0.113.7" }] });
      case "/api/v1/users/current/heartbeats": {
        const date = url.searchParams.get("date") ?? "";
        if (failOnce.delete(date)) return json(res, 500, { error: "Internal Server Error" });
        const all = days.get(date) ?? [];
        const size = opts.pageSize ?? Math.max(all.length, 1);
        const page = Number(url.searchParams.get("page") ?? "1");
        const totalPages = Math.max(1, Math.ceil(all.length / size));
        const beats = all.slice((page - 1) * size, page * size).map((b) => ({
          id: randomUUID(),
          branch: "main",
          category: "coding",
          created_at: new Date(b.time * 1000).toISOString(),
          cursorpos: 1,
          dependencies: [],
          entity: b.entity,
          is_write: true,
          language: b.language,
          lineno: 1,
          lines: 10,
          machine_name_id: machineId,
          project: b.project,
          project_root_count: 3,
          time: b.time,
          type: "file",
          user_agent_id: agentId,
          user_id: "remote-user",
        }));
        const paging = opts.pageSize ? { page, total_pages: totalPages, next_page: page < totalPages ? page + 1 : null } : {};
        return json(res, 200, { data: beats, start: `${date}T00:00:00Z`, end: `${date}T23:59:59Z`, timezone: "UTC", ...paging });
      }
      default:
        return json(res, 404, { error: "Not found" });
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/api/v1`, key, requests, failOnce, close: () => new Promise((r) => server.close(() => r())) };
}
