/**
 * Heartbeats on the wire (WakaTime field names), as plugins send them, and the API calls the
 * benchmarks make. Load bodies are built with string templates: the load generator shares the
 * machine's two cores with workerd, so it must stay cheap.
 */

export const UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

export interface WireHeartbeat {
  entity: string;
  type: "file";
  category: string;
  time: number;
  project: string;
  branch: string;
  language: string;
  is_write: boolean;
  lines: number;
  lineno: number;
  cursorpos: number;
}

export const basicAuth = (key: string) => `Basic ${Buffer.from(key).toString("base64")}`;

const PROJECTS = ["kodo", "billing-api", "infra", "website", "mobile-app"];
const LANGUAGES = [
  ["TypeScript", "ts"],
  ["Go", "go"],
  ["Python", "py"],
  ["Rust", "rs"],
  ["Markdown", "md"],
] as const;

/**
 * One heartbeat's JSON, varied by `n` (project, language, file) so the load looks like real
 * editing rather than one repeated row.
 */
export function heartbeatJson(time: number, n: number): string {
  const project = PROJECTS[n % PROJECTS.length]!;
  const [language, ext] = LANGUAGES[(n >> 3) % LANGUAGES.length]!;
  return (
    `{"entity":"/home/dev/${project}/src/module${n % 40}.${ext}","type":"file","category":"coding",` +
    `"time":${time.toFixed(3)},"project":"${project}","branch":"main","language":"${language}",` +
    `"is_write":${n % 7 === 0},"lines":${200 + (n % 300)},"lineno":${n % 200},"cursorpos":${n % 80}}`
  );
}

/**
 * Unique heartbeat times per user: each user's clock starts a year back and advances 15 s per
 * heartbeat, so no request ever repeats one (duplicates would skip the write path).
 */
export class LoadClock {
  private readonly next: number[];
  private seq = 0;
  constructor(users: number, startSeconds = Math.floor(Date.now() / 1000) - 365 * 86_400) {
    this.next = Array.from({ length: users }, (_, i) => startSeconds + i * 0.001);
  }
  /** A body of `count` heartbeats for `user` (an object when `count` is 0: a single heartbeat). */
  body(user: number, count: number): string {
    if (count === 0) return heartbeatJson(this.tick(user), this.seq++);
    const items: string[] = [];
    for (let i = 0; i < count; i++) items.push(heartbeatJson(this.tick(user), this.seq++));
    return `[${items.join(",")}]`;
  }
  private tick(user: number): number {
    const t = this.next[user]!;
    this.next[user] = t + 15;
    return t;
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": UA, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

export interface BenchUser {
  username: string;
  key: string;
  id: string;
  timeZone: string;
}

/** Makes users through the bench entry (the real account store). */
export async function makeUsers(baseUrl: string, specs: { username: string; timeZone?: string }[]): Promise<BenchUser[]> {
  const withKeys = specs.map((s) => ({ ...s, timeZone: s.timeZone ?? "UTC", key: `waka_${crypto.randomUUID()}` }));
  const made: { username: string; id: string }[] = await postJson(`${baseUrl}/__bench/users`, withKeys);
  return withKeys.map((s, i) => ({ ...s, id: made[i]!.id }));
}
