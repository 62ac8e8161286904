/**
 * Sealing a user's upstream key at rest (relay settings): AES-256-GCM through WebCrypto, under
 * a key derived with HKDF-SHA256 from a server secret (KODO_RELAY_SECRET on Cloudflare). The
 * owner's user id is the GCM additional data, so a sealed key copied into another user's row
 * does not open. The stored form is `v1.<iv base64url>.<ciphertext base64url>`; the version
 * prefix leaves room for a later scheme or key rotation.
 */
const VERSION = "v1";
const IV_BYTES = 12;
const INFO = new TextEncoder().encode("kodo relay upstream key v1");

const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) => crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]));
    keys.set(secret, key);
  }
  return key;
}

export async function sealSecret(serverSecret: string, ownerId: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(ownerId) }, await keyOf(serverSecret), new TextEncoder().encode(plaintext));
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/** The plaintext, or null when the text was not sealed under this secret for this owner. */
export async function openSecret(serverSecret: string, ownerId: string, sealed: string): Promise<string | null> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(ownerId) }, await keyOf(serverSecret), fromBase64Url(data));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
