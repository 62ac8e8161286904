/**
 * GitHub's profile for sign-in. GitHub is OAuth 2.0 without OpenID Connect: who signed in comes
 * from its REST API, `GET /user` (the numeric id, login, name) and `GET /user/emails` (the
 * addresses with their `primary` and `verified` flags; scope `user:email`).
 *
 * Only the PRIMARY address, and only when GitHub VERIFIED it, is used: Kodo links a sign-in to
 * an existing account by address (better-auth.ts, accountLinking), so an unverified address
 * would let anyone who typed someone else's address into GitHub into that person's Kodo
 * account. Without a verified primary address the sign-in is refused (the sign-in page says why).
 */
export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** The verified primary address, or null. */
export function verifiedPrimary(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const found = (emails as Partial<GitHubEmail>[]).find((e) => e?.primary === true && e.verified === true && typeof e.email === "string" && e.email.includes("@"));
  return found?.email ?? null;
}

/** Better Auth's generic OAuth `getUserInfo` for GitHub; null refuses the sign-in. `fetcher`: tests only. */
export async function githubUserInfo(apiUrl: string, accessToken: string | undefined, fetcher: typeof fetch = fetch): Promise<{ id: string; email: string; name: string; image?: string; emailVerified: true } | null> {
  if (!accessToken) return null;
  const headers = { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "Kodo", "x-github-api-version": "2022-11-28" };
  const [userRes, emailsRes] = await Promise.all([fetcher(`${apiUrl}/user`, { headers }), fetcher(`${apiUrl}/user/emails`, { headers })]);
  if (!userRes.ok || !emailsRes.ok) return null;
  const profile = (await userRes.json()) as { id?: unknown; login?: unknown; name?: unknown; avatar_url?: unknown };
  const email = verifiedPrimary(await emailsRes.json());
  if ((typeof profile.id !== "number" && typeof profile.id !== "string") || !email) return null;
  const name = typeof profile.name === "string" && profile.name.trim() ? profile.name : typeof profile.login === "string" ? profile.login : "";
  return { id: String(profile.id), email, name, ...(typeof profile.avatar_url === "string" ? { image: profile.avatar_url } : {}), emailVerified: true };
}
