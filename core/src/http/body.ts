/**
 * The one way request bodies are read (every route that takes a body, Better Auth's included).
 * Each caller names its limit; a declared Content-Length above it is refused before a byte is
 * read, and a chunked body is counted as it streams in and cancelled the moment it passes the
 * limit, so no request can make the server hold (or parse) more than its route's limit.
 * Too large: 413; not UTF-8 or not JSON: 400; always with a JSON error naming the problem.
 *
 * Hono's bodyLimit middleware was not used: it neither cancels the stream it stops reading nor
 * decodes, and it has to be wired into each route by hand, where a forgotten route reads
 * unbounded; here the limit is an argument of the only reader there is.
 *
 * The streamed file import (routes/account-data.ts) is the one route that never holds its body:
 * its parser consumes the stream item by item, so it takes the stream itself (requestStream).
 */
import type { Context } from "hono";
import { ApiError } from "./errors.ts";
import { MAX_BODY_BYTES } from "../heartbeat/index.ts";
import { declaresMoreThan, readAtMost } from "./bounded-stream.ts";

/** Heartbeat batches (heartbeat/limits.ts): 1 MiB. */
export const HEARTBEAT_BODY_BYTES = MAX_BODY_BYTES;

/**
 * Everything else a person types (settings, a label, a URL, a goal, a team, a friend request,
 * sign-in forms): 16 KiB is plenty.
 */
export const SMALL_BODY_BYTES = 16_384;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `Body too large: at most ${limit} bytes`);
}

/**
 * The body's bytes, at most `limit` of them (an absent body reads as none). Stops reading and
 * cancels the stream as soon as more arrive.
 */
export async function readBoundedBytes(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (declaresMoreThan(request.headers, limit)) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const bytes = await readAtMost(request.body, limit);
  if (bytes === null) throw tooLarge(limit);
  return bytes;
}

/** The body as text (UTF-8, strictly), at most `limit` bytes. */
export async function readBoundedText(request: Request, limit: number): Promise<string> {
  const bytes = await readBoundedBytes(request, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "Body is not valid UTF-8");
  }
}

export interface JsonBodyOptions {
  /** Bytes at most (HEARTBEAT_BODY_BYTES or SMALL_BODY_BYTES). */
  limit: number;
  /** The 400 message for an empty body; without it an empty body reads as `{}`. */
  required?: string;
}

/** A JSON body of any shape. */
export async function readJsonBody(c: Context, options: JsonBodyOptions): Promise<unknown> {
  const text = await readBoundedText(c.req.raw, options.limit);
  if (text.trim() === "") {
    if (options.required !== undefined) throw new ApiError(400, options.required);
    return {};
  }
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

/** A small JSON object body (SMALL_BODY_BYTES); an empty body counts as `{}`. */
export async function readSmallJson(c: Context): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c, { limit: SMALL_BODY_BYTES });
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "Body must be a JSON object");
  return body as Record<string, unknown>;
}

/** A small JSON body of any shape (the caller's schema checks it); an empty body is a 400. */
export function readRequiredJson(c: Context): Promise<unknown> {
  return readJsonBody(c, { limit: SMALL_BODY_BYTES, required: "Body required: a JSON object" });
}

/** The body as a stream, for the one consumer that parses as it reads (the file import). */
export function requestStream(c: Context, required: string): ReadableStream<Uint8Array> {
  const stream = c.req.raw.body;
  if (!stream) throw new ApiError(400, required);
  return stream;
}
