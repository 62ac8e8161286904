/**
 * The AWS entry: the shared Kodo API (@kodo/core/http) on Lambda behind an API Gateway HTTP
 * API (payload 2.0), through hono/aws-lambda, with DynamoDB adapters as its ports. Route code
 * never reads the Lambda event.
 */
import { handle } from "hono/aws-lambda";
import { createApi } from "@kodo/core/http";
import { portsFromEnv } from "./ports.ts";

const { ports, ready } = portsFromEnv(process.env);
const serve = handle(createApi({ ports: () => ports }));

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
  return serve(event, context);
}
