import type { Context } from "hono";
import { ApiError } from "./errors.ts";
import { MAX_BODY_BYTES } from "../heartbeat/index.ts";

/**
 * Reads a JSON body with a hard size cap. Content-Length is checked first so an oversized
 * upload is refused without reading it; chunked bodies are counted as they stream in.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
    throw new ApiError(413, `Body too large: at most ${MAX_BODY_BYTES} bytes`);
  }
  const stream = c.req.raw.body;
  if (!stream) throw new ApiError(400, "Body required: a heartbeat object or an array of heartbeats");
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError(413, `Body too large: at most ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "Body is not valid UTF-8");
  }
  if (text.trim() === "") throw new ApiError(400, "Body required: a heartbeat object or an array of heartbeats");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "Body is not valid JSON");
  }
}

/**
 * After refusing a streamed upload part-way (bad JSON in an import file), read and discard
 * the rest, up to `maxBytes`, so the client, which is still sending, gets our 4xx: answering
 * and dropping the connection mid-upload is seen as a lost connection (wrangler dev's proxy
 * turns it into a 500). A BYOB reader reuses one buffer, so discarding 50 MiB costs ~50 ms
 * of CPU and no memory (a default reader allocated every chunk: 200 ms, +60 MiB). Past
 * `maxBytes` the upload is cancelled.
 */
export async function discardRest(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<void> {
  let seen = 0;
  try {
    let byob: ReadableStreamBYOBReader | null = null;
    try {
      byob = body.getReader({ mode: "byob" });
    } catch {
      /* not a byte stream: read it chunk by chunk */
    }
    const reader = byob ?? body.getReader();
    let buf = new Uint8Array(1_048_576);
    for (;;) {
      const { done, value } = byob ? await byob.read(buf) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      if (done || !value) return;
      seen += value.byteLength;
      if (byob) buf = new Uint8Array(value.buffer as ArrayBuffer);
      if (seen > maxBytes) return void (await reader.cancel());
    }
  } catch {
    /* the client went away: nothing to answer */
  }
}
