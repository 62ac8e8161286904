/**
 * The AWS entry: the shared Kodo API (@kodo/core/http) on Lambda behind an API Gateway HTTP
 * API (payload 2.0), through hono/aws-lambda, with DynamoDB adapters as its ports and the
 * shared sign-in routes (@kodo/core/auth) on Better Auth's DynamoDB adapter. Route code never
 * reads the Lambda event.
 */
import { handle } from "hono/aws-lambda";
import { addOpenApiSource, createApi } from "@kodo/core/http";
import { authRoutes, betterAuthOpenApi } from "@kodo/core/auth";
import { portsFromEnv } from "./ports.ts";
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER, caller } from "./edge.ts";

const { ports, auth, ready } = portsFromEnv(process.env);
const app = createApi({ ports: () => ports });
app.route("/", authRoutes({ config: () => auth?.cfg ?? null, auth: async () => (auth ? auth.made() : null), outbox: () => auth?.outbox ?? null }));
addOpenApiSource(app, betterAuthOpenApi);
const serve = handle(app);

type Event = Parameters<typeof serve>[0];
type LambdaContext = Parameters<typeof serve>[1];
type Result = Awaited<ReturnType<typeof serve>>;

export async function handler(event: Event, context: LambdaContext): Promise<Result> {
  try {
    await ready();
  } catch (err) {
    // Start-up work failed (DynamoDB unreachable): a clear, retryable answer, tried again next time.
    console.error("start-up failed", err);
    const body = JSON.stringify({ error: "Service starting up, try again" });
    return { statusCode: 503, headers: { "content-type": "application/json" }, body, isBase64Encoded: false };
  }
  return serve(withClientIp(event), context);
}

/**
 * The caller's address: the viewer's as CloudFront or the site function vouched for it (edge.ts),
 * else as API Gateway saw it; whatever else the client put in the header is dropped, and so is
 * the edge token (route code never sees it).
 */
function withClientIp(event: Event): Event {
  const headers = { ...(event.headers ?? {}) } as Record<string, string | undefined>;
  const sourceIp = "requestContext" in event ? ((event.requestContext as { http?: { sourceIp?: string } }).http?.sourceIp ?? "") : "";
  const { clientIp } = caller(headers, sourceIp, process.env.KODO_EDGE_TOKEN);
  delete headers[CLIENT_IP_HEADER];
  delete headers[EDGE_TOKEN_HEADER];
  if (clientIp) headers[CLIENT_IP_HEADER] = clientIp;
  return { ...event, headers } as Event;
}
