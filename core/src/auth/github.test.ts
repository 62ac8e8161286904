import { describe, expect, it } from "vitest";
import { githubUserInfo, verifiedPrimary } from "./github.ts";

describe("verifiedPrimary", () => {
  it("takes the primary address only when GitHub verified it", () => {
    expect(verifiedPrimary([{ email: "a@x.dev", primary: false, verified: true }, { email: "b@x.dev", primary: true, verified: true }])).toBe("b@x.dev");
    expect(verifiedPrimary([{ email: "a@x.dev", primary: false, verified: true }, { email: "b@x.dev", primary: true, verified: false }])).toBeNull();
    expect(verifiedPrimary([{ email: "a@x.dev", primary: false, verified: true }])).toBeNull();
    expect(verifiedPrimary([{ email: "not-an-address", primary: true, verified: true }])).toBeNull();
    for (const junk of [null, {}, "b@x.dev", [null], [{ primary: true, verified: true }]]) expect(verifiedPrimary(junk)).toBeNull();
  });
});

/**
 * GitHub's REST API as answers to requests (the real round trip over HTTP, through Better
 * Auth, is in worker/e2e/site-passkeys.test.ts).
 */
function gitHub(answers: { user: unknown; emails: unknown; status?: number }) {
  const seen: string[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    seen.push(`${url.pathname} ${headers.get("authorization")} ${headers.get("accept")}`);
    const body = url.pathname === "/user" ? answers.user : url.pathname === "/user/emails" ? answers.emails : null;
    return new Response(JSON.stringify(body), { status: answers.status ?? (body === null ? 404 : 200), headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetcher, seen };
}

describe("githubUserInfo", () => {
  const API = "https://api.github.test";

  it("maps the numeric id, the name (or login) and the verified primary address", async () => {
    const gh = gitHub({ user: { id: 12, login: "octo", name: null, avatar_url: "https://avatars.example/12" }, emails: [{ email: "octo@x.dev", primary: true, verified: true }] });
    expect(await githubUserInfo(API, "tok", gh.fetcher)).toEqual({ id: "12", email: "octo@x.dev", name: "octo", image: "https://avatars.example/12", emailVerified: true });
    expect(gh.seen.sort()).toEqual(["/user Bearer tok application/vnd.github+json", "/user/emails Bearer tok application/vnd.github+json"]);
  });

  it("refuses (null) without a token, without a verified primary address, or without an id", async () => {
    const unverified = gitHub({ user: { id: 12, login: "octo", name: "Octo" }, emails: [{ email: "octo@x.dev", primary: true, verified: false }] });
    expect(await githubUserInfo(API, "tok", unverified.fetcher)).toBeNull();
    expect(await githubUserInfo(API, undefined, unverified.fetcher)).toBeNull();
    expect(unverified.seen).toHaveLength(2); // no token: no request at all
    const noId = gitHub({ user: { login: "octo" }, emails: [{ email: "octo@x.dev", primary: true, verified: true }] });
    expect(await githubUserInfo(API, "tok", noId.fetcher)).toBeNull();
  });

  it("refuses when GitHub's API answers an error", async () => {
    const down = gitHub({ user: { message: "Bad credentials" }, emails: [], status: 401 });
    expect(await githubUserInfo(API, "tok", down.fetcher)).toBeNull();
  });
});
