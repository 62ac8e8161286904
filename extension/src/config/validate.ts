/** Returns an error message for the input box, or undefined when the URL is usable. */
export function apiUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "Enter a full URL, e.g. http://127.0.0.1:8787/api/v1";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "The URL must start with http:// or https://";
  }
  return undefined;
}

/**
 * Kodo keys look like `waka_<uuid>` (WakaTime's format) and a bare UUID works too, but other
 * WakaTime-compatible servers have their own formats, so only obvious mistakes are refused.
 */
export function apiKeyProblem(value: string): string | undefined {
  const key = value.trim();
  if (key === "") return "Enter your API key";
  if (/\s/.test(key)) return "An API key has no spaces";
  if (key.length > 256) return "That is too long to be an API key";
  return undefined;
}
