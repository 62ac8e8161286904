/** The local dev server (`npm start` at the repo root) listens here. */
export const DEFAULT_API_URL = "http://127.0.0.1:8787/api/v1";
/** What wakatime-cli uses when `.wakatime.cfg` names a key but no `api_url`. */
export const WAKATIME_API_URL = "https://api.wakatime.com/api/v1";
/** Where the local dev server writes its key, relative to the repository root. */
export const LOCAL_API_KEY_FILE = ".kodo/local-api-key";
/** SecretStorage key under which the API key is kept (never in settings.json). */
export const API_KEY_SECRET = "kodo.apiKey";
