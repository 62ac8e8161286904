/**
 * Contract: sign-in and what needs it, over plain HTTP as the dashboard's server side does it.
 * Email links read from the local outbox (/api/kodo/dev/outbox), OpenID Connect against a real
 * provider on loopback (oidc-provider.ts: the same code path as Google, Facebook and Amazon),
 * API keys managed with a session (CSRF rules included), and account deletion that leaves
 * nothing of the user in any table and stops its keys and sessions at once.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dayStart, utcDay } from "./expected.ts";
import { wireBeat } from "./client.ts";
import type { ContractTarget } from "./target.ts";

const SESSION_COOKIE = "kodo.session_token";

/** The cookies a browser would keep for the target (no attributes: the tests stay on one origin). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  }
}

interface Session {
  cookie: string;
  csrf: string;
  user: { id: string; username: string; email: string | null; display_name: string | null };
  identities: string[];
  /** The raw session token (before its signature), to look for in storage. */
  token: string;
}

export function defineSignInContract(getTarget: () => ContractTarget): void {
  const base = () => getTarget().baseUrl;
  const url = (pathOrUrl: string) => {
    // Links and redirects name BETTER_AUTH_URL, which is the target's own URL here.
    const u = new URL(pathOrUrl, base());
    return `${base()}${u.pathname}${u.search}`;
  };

  async function account(jar: CookieJar): Promise<Session> {
    const res = await fetch(url("/api/kodo/account"), { headers: { cookie: jar.header() } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { user: Session["user"]; csrf_token: string; identities: { provider: string }[] };
    const cookie = jar.header();
    const token = decodeURIComponent(jar.get(SESSION_COOKIE)!).split(".")[0]!;
    return { cookie, csrf: body.csrf_token, user: body.user, identities: body.identities.map((i) => i.provider), token };
  }

  async function requestLink(email: string): Promise<string> {
    const res = await fetch(url("/api/auth/sign-in/magic-link"), {
      method: "POST",
      headers: { origin: base(), "content-type": "application/json" },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const outbox = await fetch(url("/api/kodo/dev/outbox"));
    expect(outbox.status).toBe(200);
    const mails = ((await outbox.json()) as { data: { to: string; link: string | null }[] }).data;
    const link = mails.find((m) => m.to === email)?.link;
    expect(link, `a sign-in mail to ${email} in the outbox`).toBeTruthy();
    return link!;
  }

  async function followLink(link: string, jar = new CookieJar()): Promise<{ jar: CookieJar; res: Response }> {
    const res = await fetch(url(link), { redirect: "manual", headers: { cookie: jar.header() } });
    jar.take(res);
    return { jar, res };
  }

  async function signInByEmail(email: string): Promise<Session> {
    const { jar } = await followLink(await requestLink(email));
    expect(jar.get(SESSION_COOKIE), "a session cookie after the link").toBeTruthy();
    return account(jar);
  }

  async function signInWithOidc(identity: { sub: string; email: string; name: string }): Promise<Session> {
    getTarget().signIn.oidc.setIdentity(identity);
    const jar = new CookieJar();
    const start = await fetch(url("/api/auth/sign-in/social"), {
      method: "POST",
      headers: { origin: base(), "content-type": "application/json" },
      body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
    });
    expect(start.status, await start.clone().text()).toBe(200);
    jar.take(start);
    const { url: authorizeUrl } = (await start.json()) as { url: string };
    const authorize = new URL(authorizeUrl);
    // State and PKCE (S256) on the way out, the redirect back under BETTER_AUTH_URL.
    expect(authorize.searchParams.get("state")).toBeTruthy();
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${base()}/api/auth/callback/oidc`);
    // The provider signs the user in and sends the browser back with a code.
    const provider = await fetch(authorizeUrl, { redirect: "manual" });
    expect(provider.status).toBe(302);
    const callback = provider.headers.get("location")!;
    const back = await fetch(url(callback), { redirect: "manual", headers: { cookie: jar.header() } });
    expect(back.status, await back.clone().text()).toBe(302);
    jar.take(back);
    expect(jar.get(SESSION_COOKIE), `a session cookie after the callback (went to ${back.headers.get("location")})`).toBeTruthy();
    return account(jar);
  }

  /** A cookie-authenticated call as the dashboard makes it (Origin and the CSRF token). */
  function asSession(s: Session, path: string, init: RequestInit & { csrf?: string | null; origin?: string | null } = {}) {
    const headers = new Headers(init.headers);
    headers.set("cookie", s.cookie);
    if (init.origin !== null) headers.set("origin", init.origin ?? base());
    if (init.csrf !== null) headers.set("x-csrf-token", init.csrf ?? s.csrf);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    return fetch(url(path), { ...init, headers });
  }

  const withKey = (key: string, path: string, init: RequestInit = {}) =>
    fetch(url(path), { ...init, headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", ...(init.headers as Record<string, string>) } });

  const fresh = (what: string) => `${what}-${crypto.randomUUID().slice(0, 8)}@example.com`;

  describe("sign-in", () => {
    it("signs a new user in by email link: username from the address, an HttpOnly SameSite=Lax cookie; the link works once", async () => {
      const email = fresh("grace");
      const link = await requestLink(email);
      const first = await followLink(link);
      expect(first.res.status).toBe(302);
      const setCookie = first.res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      const s = await account(first.jar);
      expect(s.user).toMatchObject({ email, username: email.split("@")[0] });
      expect(s.identities).toContain("email");
      // A second use of the same link signs nobody in.
      const again = await followLink(link);
      expect(again.jar.get(SESSION_COOKIE)).toBeUndefined();
      expect(again.res.headers.get("location")).toMatch(/error=/i);
      // The same address later signs in to the same account.
      expect((await signInByEmail(email)).user.id).toBe(s.user.id);
    });

    it("signs in through an OpenID Connect provider (state + PKCE), the same user again later; a forged state gets no session", async () => {
      const identity = { sub: `sub-${crypto.randomUUID()}`, email: fresh("ada"), name: "Ada Lovelace" };
      const s = await signInWithOidc(identity);
      expect(s.user).toMatchObject({ email: identity.email, display_name: "Ada Lovelace" });
      expect(s.identities).toEqual(expect.arrayContaining(["email", "oidc"]));
      expect((await signInWithOidc(identity)).user.id).toBe(s.user.id);

      getTarget().signIn.oidc.setIdentity({ ...identity, sub: "mallory", email: fresh("mallory") });
      const start = await fetch(url("/api/auth/sign-in/social"), {
        method: "POST",
        headers: { origin: base(), "content-type": "application/json" },
        body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
      });
      const jar = new CookieJar();
      jar.take(start);
      const provider = await fetch(((await start.json()) as { url: string }).url, { redirect: "manual" });
      const callback = new URL(provider.headers.get("location")!);
      callback.searchParams.set("state", "forged-state-value");
      const back = await fetch(url(callback.toString()), { redirect: "manual", headers: { cookie: jar.header() } });
      jar.take(back);
      expect(jar.get(SESSION_COOKIE)).toBeUndefined();
      expect(back.headers.get("location")).toMatch(/error=/i);
    });

    it("refuses a sign-in POST from another site's page (403), and ends the session on sign-out", async () => {
      const cross = await fetch(url("/api/auth/sign-in/magic-link"), {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": "application/json" },
        body: JSON.stringify({ email: fresh("victim"), callbackURL: "/" }),
      });
      expect(cross.status).toBe(403);
      const s = await signInByEmail(fresh("leaving"));
      const out = await fetch(url("/api/auth/sign-out"), { method: "POST", headers: { cookie: s.cookie, origin: base(), "content-type": "application/json" }, body: "{}" });
      expect(out.status).toBe(200);
      expect((await fetch(url("/api/kodo/account"), { headers: { cookie: s.cookie } })).status).toBe(401);
    });
  });

  describe("API keys with a signed-in session", () => {
    it("creates, rotates and revokes a key; each old secret stops at once", async () => {
      const s = await signInByEmail(fresh("keys"));
      const created = await asSession(s, "/api/kodo/account/keys", { method: "POST", body: JSON.stringify({ label: "laptop", scope: "full" }) });
      expect(created.status).toBe(201);
      const { data: info, key } = (await created.json()) as { data: { id: string; label: string }; key: string };
      expect(info.label).toBe("laptop");
      expect((await withKey(key, "/api/v1/users/current")).status).toBe(200);
      const listed = (await (await asSession(s, "/api/kodo/account/keys")).json()) as { data: { id: string }[] };
      expect(listed.data.map((k) => k.id)).toContain(info.id);
      expect(JSON.stringify(listed)).not.toContain(key);

      const rotated = await asSession(s, `/api/kodo/account/keys/${info.id}/rotate`, { method: "POST", body: "{}" });
      expect(rotated.status).toBe(200);
      const { key: next } = (await rotated.json()) as { key: string };
      expect(next).not.toBe(key);
      expect((await withKey(key, "/api/v1/users/current")).status).toBe(401);
      expect((await withKey(next, "/api/v1/users/current")).status).toBe(200);

      const revoked = await asSession(s, `/api/kodo/account/keys/${info.id}`, { method: "DELETE" });
      expect(revoked.status).toBe(200);
      expect((await withKey(next, "/api/v1/users/current")).status).toBe(401);
    });

    it("refuses key writes without the CSRF token, from another origin, or with an API key (keys unchanged)", async () => {
      const s = await signInByEmail(fresh("csrf"));
      const body = JSON.stringify({ label: "nope" });
      expect((await asSession(s, "/api/kodo/account/keys", { method: "POST", body, csrf: null })).status).toBe(403);
      expect((await asSession(s, "/api/kodo/account/keys", { method: "POST", body, origin: "https://evil.example" })).status).toBe(403);
      const made = (await (await asSession(s, "/api/kodo/account/keys", { method: "POST", body: JSON.stringify({ label: "ok" }) })).json()) as { key: string };
      expect((await withKey(made.key, "/api/kodo/account/keys", { method: "POST", body })).status).toBe(403);
      const listed = (await (await asSession(s, "/api/kodo/account/keys")).json()) as { data: { label: string }[] };
      expect(listed.data.map((k) => k.label)).toEqual(["ok"]);
    });
  });

  describe("account deletion", () => {
    it("deletes everything of the user: its key and session stop, and no stored record names it; others stay", async () => {
      const target = getTarget();
      const other = await signInByEmail(fresh("stays"));
      const identity = { sub: `sub-${crypto.randomUUID()}`, email: fresh("gone"), name: "Gone Soon" };
      await signInWithOidc(identity);
      const s = await signInByEmail(identity.email); // the same account, a second session
      const made = (await (await asSession(s, "/api/kodo/account/keys", { method: "POST", body: JSON.stringify({ label: "editor" }) })).json()) as { key: string };
      const t = dayStart(utcDay(Math.floor(Date.now() / 1000))) - 86_400 + 9 * 3600;
      const beats = await withKey(made.key, "/api/v1/users/current/heartbeats.bulk", { method: "POST", body: JSON.stringify([wireBeat(t), wireBeat(t + 60, { project: "secret-project" })]) });
      expect(beats.status).toBe(201);
      // An unused sign-in link waits for the address too.
      await requestLink(identity.email);
      const before = await target.storedRecords();
      const traces = [s.user.id, identity.email, s.user.username, identity.sub, s.token, createHash("sha256").update(made.key).digest("hex")].map((x) => x.toLowerCase());
      for (const trace of traces) expect(before.some((r) => r.includes(trace)), `stored before deletion: ${trace}`).toBe(true);

      const wrong = await asSession(s, "/api/kodo/account", { method: "DELETE", body: JSON.stringify({ confirm: "someone-else" }) });
      expect(wrong.status).toBe(400);
      const res = await asSession(s, "/api/kodo/account", { method: "DELETE", body: JSON.stringify({ confirm: s.user.username }) });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().some((c) => c.includes("session_token=;"))).toBe(true);

      expect((await withKey(made.key, "/api/v1/users/current")).status).toBe(401);
      expect((await fetch(url("/api/kodo/account"), { headers: { cookie: s.cookie } })).status).toBe(401);
      const after = await target.storedRecords();
      for (const trace of traces) expect(after.filter((r) => r.includes(trace)), `left after deletion: ${trace}`).toEqual([]);
      // Someone else's account is untouched.
      expect((await fetch(url("/api/kodo/account"), { headers: { cookie: other.cookie } })).status).toBe(200);
    });

    it("deletes the user's social data too: public reads turn private at once, others' friends, teams and boards lose them, no record names them", async () => {
      const target = getTarget();
      const friend = await signInByEmail(fresh("friend"));
      const friendKey = ((await (await asSession(friend, "/api/kodo/account/keys", { method: "POST", body: JSON.stringify({ label: "f" }) })).json()) as { key: string }).key;
      const s = await signInByEmail(fresh("social"));
      const key = ((await (await asSession(s, "/api/kodo/account/keys", { method: "POST", body: JSON.stringify({ label: "s" }) })).json()) as { key: string }).key;
      const t = dayStart(utcDay(Math.floor(Date.now() / 1000))) - 86_400 + 9 * 3600;
      expect((await withKey(key, "/api/v1/users/current/heartbeats.bulk", { method: "POST", body: JSON.stringify(Array.from({ length: 31 }, (_, i) => wireBeat(t + i * 60))) })).status).toBe(201);
      // Cloudflare's boards read D1, written by the flush (at most 2 s after the last heartbeat in
      // this suite), and a ranking stays cached until membership changes: join the board after it.
      await new Promise((r) => setTimeout(r, 3000));
      expect((await withKey(key, "/api/kodo/sharing", { method: "PATCH", body: JSON.stringify({ publicProfile: true, leaderboards: true }) })).status).toBe(200);
      expect((await withKey(key, "/api/kodo/goals", { method: "POST", body: JSON.stringify({ period: "day", seconds: 600 }) })).status).toBe(201);
      expect((await withKey(key, "/api/kodo/friends", { method: "POST", body: JSON.stringify({ username: friend.user.username }) })).status).toBe(202);
      expect((await withKey(friendKey, `/api/kodo/friends/${encodeURIComponent(s.user.username)}/accept`, { method: "POST", body: "{}" })).status).toBe(200);
      const team = (await (await withKey(key, "/api/kodo/teams", { method: "POST", body: JSON.stringify({ name: "Passed on" }) })).json()) as { id: string };
      const link = (await (await withKey(key, `/api/kodo/teams/${team.id}/invites`, { method: "POST", body: "{}" })).json()) as { token: string };
      expect((await withKey(friendKey, "/api/kodo/teams/join", { method: "POST", body: JSON.stringify({ token: link.token }) })).status).toBe(200);
      const name = encodeURIComponent(s.user.username);
      expect((await fetch(url(`/api/public/users/${name}/stats/last_7_days`))).status).toBe(200);
      expect(((await (await fetch(url(`/api/badge/${name}/last_7_days.json`))).json()) as { message: string }).message).toBe("30 mins");
      const board = async () => ((await (await withKey(friendKey, "/api/kodo/leaderboards?scope=global&range=last_7_days")).json()) as { data: { user: { username: string } }[] }).data;
      const onBoard = async () => (await board()).some((e) => e.user.username === s.user.username);
      for (let i = 0; i < 60 && !(await onBoard()); i++) await new Promise((r) => setTimeout(r, 500)); // Cloudflare: days reach D1 after a flush
      expect(await onBoard()).toBe(true);

      const res = await asSession(s, "/api/kodo/account", { method: "DELETE", body: JSON.stringify({ confirm: s.user.username }) });
      expect(res.status).toBe(200);

      expect((await fetch(url(`/api/public/users/${name}/stats/last_7_days`))).status).toBe(404);
      expect((await fetch(url(`/api/public/users/${name}`))).status).toBe(404);
      expect(((await (await fetch(url(`/api/badge/${name}/last_7_days.json`))).json()) as { message: string }).message).toBe("private");
      expect(await onBoard()).toBe(false);
      const lists = (await (await withKey(friendKey, "/api/kodo/friends")).json()) as Record<string, unknown>;
      expect(JSON.stringify(lists)).not.toContain(s.user.username);
      const teams = (await (await withKey(friendKey, "/api/kodo/teams")).json()) as { id: string; role: string }[];
      expect(teams.find((x) => x.id === team.id)?.role).toBe("owner"); // the only member left owns it now
      const after = await target.storedRecords();
      for (const trace of [s.user.id, s.user.username].map((x) => x.toLowerCase())) expect(after.filter((r) => r.includes(trace)), `left after deletion: ${trace}`).toEqual([]);
    });
  });
}
