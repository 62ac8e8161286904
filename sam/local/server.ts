import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { fromApiGatewayV2Result, toApiGatewayV2Event, type RawResponse } from "./event.ts";

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * Lambda's limit for a synchronous invocation's request payload; API Gateway refuses larger
 * requests before they reach the function, and so does this server.
 */
export const LAMBDA_MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface LocalApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves a Lambda handler over plain HTTP on loopback, doing what API Gateway's HTTP API does
 * in front of it: each request becomes a payload 2.0 event, each result an HTTP response.
 */
export async function serveLambda(handler: LambdaHandler, { port = 0, host = "127.0.0.1", log = false } = {}): Promise<LocalApi> {
  const server = createServer(async (req, res) => {
    const started = Date.now();
    let response: RawResponse;
    try {
      const body = await readBody(req, LAMBDA_MAX_REQUEST_BYTES);
      if (body === null) {
        response = jsonResponse(413, { error: `Request too large: Lambda accepts at most ${LAMBDA_MAX_REQUEST_BYTES} bytes` });
      } else {
        const event = toApiGatewayV2Event({
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body,
          sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
          host: req.headers.host ?? `${host}:${port}`,
        });
        response = fromApiGatewayV2Result(await handler(event, lambdaContext(event.requestContext.requestId)));
      }
    } catch (err) {
      // What API Gateway answers when the function itself fails.
      console.error("handler failed", err);
      response = jsonResponse(502, { error: "Internal server error (the function failed)" });
    }
    const headers: Record<string, string | string[]> = { ...response.headers };
    if (response.cookies.length > 0) headers["set-cookie"] = response.cookies;
    headers["content-length"] = String(response.body.length);
    res.writeHead(response.status, headers);
    res.end(response.body);
    if (log) console.error(`${req.method} ${req.url} -> ${response.status} (${Date.now() - started} ms)`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body, or null once it passes `limit` bytes (the rest is drained, not kept). */
function readBody(req: NodeJS.ReadableStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function jsonResponse(status: number, body: unknown): RawResponse {
  return { status, headers: { "content-type": "application/json" }, cookies: [], body: Buffer.from(JSON.stringify(body)) };
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "kodo-local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:kodo-local",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/kodo-local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
