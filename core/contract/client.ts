import type { ContractTarget } from "./target.ts";

/** What wakatime-cli sends as User-Agent (editor VS Code, OS Linux). */
export const UA_CLI = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

export type AuthForm = "basic" | "bearer" | "bearer-base64" | "query" | "none";

const b64 = (s: string) => btoa(s);

/** A plain-fetch client for one user of the target, authenticating in any WakaTime form. */
export function clientFor(target: ContractTarget, key: string) {
  async function call(path: string, init: RequestInit & { auth?: AuthForm; as?: string } = {}): Promise<Response> {
    const useKey = init.as ?? key;
    const headers = new Headers(init.headers);
    const auth = init.auth ?? "basic";
    let url = `${target.baseUrl}${path}`;
    if (auth === "basic") headers.set("authorization", `Basic ${b64(useKey)}`);
    if (auth === "bearer") headers.set("authorization", `Bearer ${useKey}`);
    if (auth === "bearer-base64") headers.set("authorization", `Bearer ${b64(useKey)}`);
    if (auth === "query") url += `${path.includes("?") ? "&" : "?"}api_key=${encodeURIComponent(useKey)}`;
    if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
    if (!headers.has("user-agent")) headers.set("user-agent", UA_CLI);
    return fetch(url, { ...init, headers });
  }

  async function getJson<T = any>(path: string): Promise<T> {
    await target.flush?.();
    const res = await call(path);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  async function post(path: string, body: unknown, init: RequestInit & { auth?: AuthForm } = {}) {
    const res = await call(path, { ...init, method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* a non-JSON body fails the tests that read it */
    }
    return { status: res.status, json, text, contentType: res.headers.get("content-type") ?? "" };
  }

  return { call, getJson, post };
}

/** A heartbeat on the wire (WakaTime field names), with sensible defaults. */
export function wireBeat(time: number, overrides: Record<string, unknown> = {}) {
  return {
    entity: "/home/dev/kodo/src/app.ts",
    type: "file",
    category: "coding",
    time,
    project: "kodo",
    branch: "main",
    language: "TypeScript",
    is_write: false,
    lines: 120,
    lineno: 10,
    cursorpos: 4,
    ...overrides,
  };
}

/** A new user of the target with a client for their key, and their username. */
export async function newNamedUser(target: ContractTarget) {
  const { key } = await target.createUser();
  const client = clientFor(target, key);
  const me = await client.getJson<{ data: { username: string } }>("/api/v1/users/current");
  return { key, username: me.data.username, ...client };
}
