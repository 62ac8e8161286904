/** Where to go after signing in: a path on this site only (never another origin). */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || value.startsWith("/api/")) return "/";
  return value.length > 500 ? "/" : value;
}
