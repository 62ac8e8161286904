/**
 * Streams the elements of chosen arrays out of a JSON document of any size, e.g. every
 * `days[].heartbeats[]` of a WakaTime data dump, without holding the document in memory: the
 * scanner keeps only the nesting stack and the element being read. Each element (a small
 * object) is then parsed with JSON.parse. The rest of the document is checked for JSON
 * syntax as it goes by, so a truncated or corrupt file is reported, not half-read silently.
 *
 * Paths: object keys joined with ".", array elements as "[]": "days[].heartbeats[]",
 * "heartbeats[]", or "[]" for the elements of a top-level array.
 */
export interface JsonItem {
  path: string;
  value: unknown;
}

export class JsonStreamError extends Error {}

export const MAX_ITEM_CHARS = 1_048_576;
/**
 * Every token the scanner accumulates is bounded, far above what a real WakaTime dump or Kodo
 * export holds, so a hostile token fails after at most its limit of reading (a 50 MiB number
 * used to cost seconds of CPU and a GiB of memory before being refused):
 * - a string (raw, escapes counted as written): the longest heartbeat field is the entity
 *   (1024 characters), up to 6 raw characters each when escaped as \uXXXX; 16 KiB leaves room
 *   for dump fields such as a profile bio;
 * - an object key: heartbeat and dump keys are short names;
 * - a number or literal: a double is at most 24 characters; 64 is no heartbeat field's;
 * - a whitespace run: pretty-printed dumps indent by tens of characters, not megabytes;
 * - nesting: a dump's heartbeat sits at depth 5.
 */
export const MAX_STRING_CHARS = 16_384;
export const MAX_KEY_CHARS = 256;
export const MAX_SCALAR_CHARS = 64;
export const MAX_WHITESPACE_RUN = 65_536;
export const MAX_DEPTH = 64;
/** push() works through its text in pieces of this size, so the per-piece checks run often. */
const PIECE_CHARS = 65_536;

type Frame = { kind: "object" | "array"; path: string; key: string | null; state: FrameState };
/** key: expecting a key or "}"; colon: after a key; value: expecting a value; after: after a value. */
type FrameState = "first" | "key" | "colon" | "value" | "after";

export class JsonItemScanner {
  private readonly targets: ReadonlySet<string>;
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private rootStarted = false;
  /** Inside a string: the raw text so far (keys and captured strings need it). */
  private inString = false;
  private escape = false;
  private stringIsKey = false;
  private keyText = "";
  /** Raw length of the string being read (keys and values). */
  private stringChars = 0;
  private whitespaceRun = 0;
  /** A number or literal being read outside a capture. */
  private scalar = "";
  /** Capture of a target element: depth it started at, text parts. */
  private capture: { depth: number; path: string; parts: string[]; size: number } | null = null;
  private offset = 0;
  /** Index in the piece being scanned, so an error names its character. */
  private at = 0;
  /** Paths of the arrays seen whose elements are targets ("data" for "data[]"). */
  private readonly arraysSeen = new Set<string>();

  constructor(paths: readonly string[]) {
    this.targets = new Set(paths);
  }

  /** Feeds the next piece of text; returns the elements completed in it. */
  push(text: string): JsonItem[] {
    if (text.length <= PIECE_CHARS) return this.pushPiece(text);
    const out: JsonItem[] = [];
    for (let at = 0; at < text.length; at += PIECE_CHARS) out.push(...this.pushPiece(text.slice(at, at + PIECE_CHARS)));
    return out;
  }

  private pushPiece(text: string): JsonItem[] {
    const out: JsonItem[] = [];
    let captureFrom = 0;
    for (let i = 0; i < text.length; i++) {
      this.at = i;
      const ch = text.charCodeAt(i);
      if (this.inString) {
        if (++this.stringChars > (this.stringIsKey ? MAX_KEY_CHARS : MAX_STRING_CHARS)) {
          this.fail(this.stringIsKey ? `a key longer than ${MAX_KEY_CHARS} characters` : `a string longer than ${MAX_STRING_CHARS} characters`);
        }
        if (this.stringIsKey) this.keyText += text[i];
        if (this.escape) this.escape = false;
        else if (ch === 92 /* \ */) this.escape = true;
        else if (ch === 34 /* " */) {
          this.inString = false;
          if (this.stringIsKey) this.finishKey();
          else this.finishValue(out, text, i, captureFrom);
        } else if (ch < 0x20) this.fail("control character in a string");
        continue;
      }
      if (this.scalar !== "") {
        if (isScalarChar(ch)) {
          if (this.scalar.length >= MAX_SCALAR_CHARS) this.fail(`a number or literal longer than ${MAX_SCALAR_CHARS} characters`);
          this.scalar += text[i];
          continue;
        }
        this.finishScalar();
        this.finishValue(out, text, i - 1, captureFrom);
      }
      if (ch === 32 || ch === 10 || ch === 13 || ch === 9) {
        if (++this.whitespaceRun > MAX_WHITESPACE_RUN) this.fail(`more than ${MAX_WHITESPACE_RUN} whitespace characters in a row`);
        continue;
      }
      this.whitespaceRun = 0;
      const frame = this.stack[this.stack.length - 1];
      if (this.rootDone) this.fail("unexpected text after the document");

      if (frame && frame.kind === "object" && (frame.state === "first" || frame.state === "key")) {
        if (ch === 34) {
          this.inString = true;
          this.stringIsKey = true;
          this.stringChars = 0;
          this.keyText = '"';
          continue;
        }
        if (ch === 125 /* } */ && frame.state === "first") {
          this.close(out, text, i, captureFrom);
          continue;
        }
        this.fail("expected a key");
      }
      if (frame && frame.state === "colon") {
        if (ch !== 58 /* : */) this.fail("expected ':'");
        frame.state = "value";
        continue;
      }
      if (frame && frame.state === "after") {
        if (ch === 44 /* , */) {
          frame.state = frame.kind === "object" ? "key" : "value";
          continue;
        }
        if ((ch === 125 && frame.kind === "object") || (ch === 93 /* ] */ && frame.kind === "array")) {
          this.close(out, text, i, captureFrom);
          continue;
        }
        this.fail(frame.kind === "object" ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      if (frame && frame.kind === "array" && frame.state === "first" && ch === 93) {
        this.close(out, text, i, captureFrom);
        continue;
      }
      // A value starts here.
      if (!frame) {
        if (this.rootStarted) this.fail("unexpected text after the document");
        this.rootStarted = true;
      }
      const path = frame ? childPath(frame) : "";
      if (!this.capture && frame && this.targets.has(path)) {
        this.capture = { depth: this.stack.length, path, parts: [], size: 0 };
        captureFrom = i;
      }
      if (ch === 123 /* { */ || ch === 91 /* [ */) {
        if (this.stack.length >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
        if (ch === 91 && this.targets.has(`${path}[]`)) this.arraysSeen.add(path);
        this.stack.push({ kind: ch === 123 ? "object" : "array", path, key: null, state: "first" });
      } else if (ch === 34) {
        this.inString = true;
        this.stringIsKey = false;
        this.stringChars = 0;
      } else if (isScalarChar(ch)) {
        this.scalar = text[i]!;
      } else this.fail(`unexpected '${text[i]}'`);
    }
    if (this.capture) {
      this.capture.parts.push(text.slice(captureFrom));
      this.capture.size += text.length - captureFrom;
      if (this.capture.size > MAX_ITEM_CHARS) this.fail(`an element of ${this.capture.path} is larger than ${MAX_ITEM_CHARS} characters`);
    }
    this.offset += text.length;
    this.at = 0;
    return out;
  }

  /** True once an array whose elements are a target was opened (tells "no list" from an empty one). */
  sawArray(path: string): boolean {
    return this.arraysSeen.has(path);
  }

  /** Call at the end of input: fails when the document is incomplete. */
  end(): JsonItem[] {
    const out: JsonItem[] = [];
    if (this.scalar !== "") {
      this.finishScalar();
      this.finishValue(out, "", -1, 0);
    }
    if (this.inString || this.stack.length > 0 || !this.rootStarted) this.fail("the document ends early (truncated?)");
    return out;
  }

  private finishKey(): void {
    const frame = this.stack[this.stack.length - 1]!;
    try {
      frame.key = JSON.parse(this.keyText) as string;
    } catch {
      this.fail("bad key");
    }
    frame.state = "colon";
  }

  private finishScalar(): void {
    if (!/^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(this.scalar)) this.fail(`bad value '${this.scalar.slice(0, 20)}'`);
    this.scalar = "";
  }

  /** A value ended at text[endIndex]: emit it when it was a captured element. */
  private finishValue(out: JsonItem[], text: string, endIndex: number, captureFrom: number): void {
    const frame = this.stack[this.stack.length - 1];
    if (this.capture && this.capture.depth === this.stack.length) {
      this.capture.parts.push(text.slice(captureFrom, endIndex + 1));
      const raw = this.capture.parts.join("");
      const path = this.capture.path;
      if (raw.length > MAX_ITEM_CHARS) this.fail(`an element of ${path} is larger than ${MAX_ITEM_CHARS} characters`);
      this.capture = null;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        this.fail(`bad element in ${path}`);
      }
      out.push({ path, value });
    }
    if (frame) frame.state = "after";
    else this.rootDone = true;
  }

  private close(out: JsonItem[], text: string, i: number, captureFrom: number): void {
    this.stack.pop();
    this.finishValue(out, text, i, captureFrom);
  }

  private fail(why: string): never {
    throw new JsonStreamError(`Invalid JSON near character ${this.offset + this.at}: ${why}`);
  }
}

function childPath(frame: Frame): string {
  if (frame.kind === "array") return `${frame.path}[]`;
  return frame.path === "" ? frame.key! : `${frame.path}.${frame.key!}`;
}

function isScalarChar(ch: number): boolean {
  // digits, letters (true/false/null, exponents), + - .
  return (ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 43 || ch === 45 || ch === 46;
}

/**
 * Decodes a byte stream (UTF-8) and yields the target elements as they complete. Pass your own
 * `scanner` to ask it afterwards what it saw (sawArray). Errors of the source pass through.
 */
export async function* jsonItems(source: AsyncIterable<Uint8Array>, paths: readonly string[], scanner = new JsonItemScanner(paths)): AsyncGenerator<JsonItem> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new JsonStreamError("The file is not valid UTF-8");
    }
  };
  for await (const chunk of source) yield* scanner.push(decode(chunk));
  yield* scanner.push(decode());
  yield* scanner.end();
}
