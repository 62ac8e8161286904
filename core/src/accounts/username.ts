/**
 * Usernames: what `users/{username}` paths and public pages use. Lower-case letters, digits,
 * `_` and `-`, 3-30 characters, starting with a letter or digit. Words that name API paths
 * (`current`, ...) are reserved so a username never shadows a route.
 */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 30;
const USERNAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "current", "me", "admin", "administrator", "root", "api", "kodo", "auth", "account", "accounts",
  "settings", "dev", "public", "users", "user", "leaders", "leaderboards", "teams", "null", "undefined",
  "sign-in", "signin", "login", "logout", "support", "help", "about", "badge", "badges", "static",
]);

/** Null when valid, else the reason. `dev` is reserved for the local account npm start creates. */
export function usernameProblem(value: string): string | null {
  if (value.length < USERNAME_MIN_LENGTH || value.length > USERNAME_MAX_LENGTH) {
    return `must be ${USERNAME_MIN_LENGTH}-${USERNAME_MAX_LENGTH} characters`;
  }
  if (!USERNAME_RE.test(value)) return "may hold only lower-case letters, digits, _ and -, and must start with a letter or digit";
  if (RESERVED_USERNAMES.has(value)) return "is reserved";
  return null;
}

/**
 * A username proposal from what a sign-up knows (the email's local part, else the name):
 * accents dropped, lower-cased, other characters turned into `-`, trimmed to length, padded
 * when short. The caller adds a suffix when it is taken or reserved (`withSuffix`).
 */
export function usernameBase(email: string | null | undefined, name: string | null | undefined): string {
  const source = (email ? email.split("@")[0]! : "") || name || "";
  let base = source
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .replace(/-{2,}/g, "-")
    .slice(0, USERNAME_MAX_LENGTH - 5);
  base = base.replace(/[-_]+$/g, "");
  if (base.length < USERNAME_MIN_LENGTH) base = `user${base ? `-${base}` : ""}`;
  return base;
}

/** `base` with a numeric suffix, kept within the length limit. */
export function withSuffix(base: string, suffix: number | string): string {
  const tail = `-${suffix}`;
  return `${base.slice(0, USERNAME_MAX_LENGTH - tail.length)}${tail}`;
}

/**
 * Picks a free username: the base if free and valid, else base-2..base-9, else a random
 * suffix. `taken` is asked for each candidate (a database look-up).
 */
export async function deriveUsername(
  email: string | null | undefined,
  name: string | null | undefined,
  taken: (candidate: string) => Promise<boolean>,
  random: () => string = () => crypto.randomUUID().slice(0, 8),
): Promise<string> {
  const base = usernameBase(email, name);
  const candidates = [base, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => withSuffix(base, n))];
  for (const candidate of candidates) {
    if (usernameProblem(candidate) === null && !(await taken(candidate))) return candidate;
  }
  for (;;) {
    const candidate = withSuffix(base, random());
    if (usernameProblem(candidate) === null && !(await taken(candidate))) return candidate;
  }
}
