import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";

/** What the local server knows about one HTTP request. */
export interface RawRequest {
  method: string;
  /** Path and query as sent, still percent-encoded ("/api/v1/x?a=1"). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  host: string;
}

/** A response to write back: status, single-value headers, Set-Cookie lines, body bytes. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|javascript)\b)/i;

/**
 * An HTTP request as API Gateway's HTTP API hands it to Lambda (payload format 2.0):
 * lower-case header names with repeated headers joined by commas, cookies moved out of the
 * headers into `cookies`, the raw path and query string, and the body as text for textual
 * content types (when it is valid UTF-8) and base64 otherwise.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function toApiGatewayV2Event(req: RawRequest, now = new Date()): APIGatewayProxyEventV2 {
  const q = req.url.indexOf("?");
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQueryString = q === -1 ? "" : req.url.slice(q + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === "cookie") {
      cookies = (Array.isArray(value) ? value.join("; ") : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[lower] = Array.isArray(value) ? value.join(",") : value;
  }

  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  }

  const method = req.method.toUpperCase();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: req.host,
      domainPrefix: req.host.split(".")[0] ?? req.host,
      http: { method, path: safeDecode(rawPath), protocol: "HTTP/1.1", sourceIp: req.sourceIp, userAgent: headers["user-agent"] ?? "" },
      requestId: crypto.randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (req.body.length > 0) {
    const text = TEXT_TYPES.test(headers["content-type"] ?? "") ? utf8(req.body) : null;
    event.body = text ?? req.body.toString("base64");
    event.isBase64Encoded = text === null;
  }
  return event;
}

/** A Lambda result back into an HTTP response (a bare string means a 200 JSON body, as API Gateway reads it). */
export function fromApiGatewayV2Result(result: APIGatewayProxyResultV2): RawResponse {
  if (typeof result === "string") {
    return { status: 200, headers: { "content-type": "application/json" }, cookies: [], body: Buffer.from(result, "utf8") };
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const body = result.body === undefined ? Buffer.alloc(0) : result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body, "utf8");
  return { status: result.statusCode ?? 200, headers, cookies: result.cookies ?? [], body };
}

function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
