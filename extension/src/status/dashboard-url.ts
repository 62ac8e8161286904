/**
 * The dashboard lives at the server's origin: `http://127.0.0.1:8787/api/v1` -> `http://127.0.0.1:8787/`.
 * Undefined for a URL that does not parse.
 */
export function dashboardUrl(apiUrl: string): string | undefined {
  try {
    return new URL(apiUrl).origin + "/";
  } catch {
    return undefined;
  }
}
