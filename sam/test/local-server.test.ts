/**
 * The local runner's stand-in for API Gateway: HTTP requests become payload 2.0 events the way
 * the HTTP API builds them, and Lambda results become HTTP responses.
 */
import { describe, expect, it } from "vitest";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { toApiGatewayV2Event, fromApiGatewayV2Result } from "../local/event.ts";
import { LAMBDA_MAX_REQUEST_BYTES, serveLambda } from "../local/server.ts";

const request = (over: Partial<Parameters<typeof toApiGatewayV2Event>[0]> = {}) => ({
  method: "post",
  url: "/api/v1/users/current/heartbeats.bulk?api_key=k%2B1&x=1&x=2",
  headers: { "content-type": "application/json", "x-machine-name": "box", "x-multi": ["a", "b"], cookie: "s=1; t=2" },
  body: Buffer.from('[{"entity":"é"}]'),
  sourceIp: "127.0.0.1",
  host: "127.0.0.1:9999",
  ...over,
});

describe("request -> payload 2.0 event", () => {
  it("keeps the raw path and query, joins repeated headers and moves cookies out", () => {
    const e = toApiGatewayV2Event(request());
    expect(e).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/v1/users/current/heartbeats.bulk",
      rawQueryString: "api_key=k%2B1&x=1&x=2",
      queryStringParameters: { api_key: "k+1", x: "1,2" },
      cookies: ["s=1", "t=2"],
      isBase64Encoded: false,
      body: '[{"entity":"é"}]',
    });
    expect(e.headers).toEqual({ "content-type": "application/json", "x-machine-name": "box", "x-multi": "a,b" });
    expect(e.requestContext.http).toMatchObject({ method: "POST", path: "/api/v1/users/current/heartbeats.bulk", sourceIp: "127.0.0.1" });
    expect(e.requestContext.domainName).toBe("127.0.0.1:9999");
  });

  it("sends binary or non-UTF-8 bodies base64-encoded, byte for byte", () => {
    const bytes = Buffer.from([0x5b, 0xff, 0xfe, 0x5d]);
    for (const contentType of ["application/json", "application/octet-stream"]) {
      const e = toApiGatewayV2Event(request({ headers: { "content-type": contentType }, body: bytes }));
      expect(e.isBase64Encoded).toBe(true);
      expect(Buffer.from(e.body!, "base64")).toEqual(bytes);
    }
    const empty = toApiGatewayV2Event(request({ method: "GET", body: Buffer.alloc(0), url: "/x" }));
    expect(empty.body).toBeUndefined();
    expect(empty.queryStringParameters).toBeUndefined();
  });
});

describe("result -> response", () => {
  it("decodes base64 bodies and carries cookies as Set-Cookie lines", () => {
    const r = fromApiGatewayV2Result({ statusCode: 201, headers: { "Content-Type": "image/png" }, body: Buffer.from([1, 2, 3]).toString("base64"), isBase64Encoded: true, cookies: ["a=1", "b=2"] });
    expect(r).toEqual({ status: 201, headers: { "content-type": "image/png" }, cookies: ["a=1", "b=2"], body: Buffer.from([1, 2, 3]) });
    expect(fromApiGatewayV2Result('{"ok":true}')).toMatchObject({ status: 200, body: Buffer.from('{"ok":true}') });
  });
});

describe("the local HTTP API", () => {
  it("round-trips a request through a handler over real HTTP", async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const api = await serveLambda(async (event): Promise<APIGatewayProxyResultV2> => {
      seen.push(event);
      return { statusCode: 202, headers: { "content-type": "application/json", "x-kodo": "1" }, cookies: ["c=1; HttpOnly", "d=2"], body: JSON.stringify({ got: event.body }) };
    });
    try {
      const res = await fetch(`${api.url}/echo?q=1`, { method: "POST", headers: { "content-type": "application/json", cookie: "s=1" }, body: '{"a":1}' });
      expect(res.status).toBe(202);
      expect(res.headers.get("x-kodo")).toBe("1");
      expect(res.headers.getSetCookie()).toEqual(["c=1; HttpOnly", "d=2"]);
      expect(await res.json()).toEqual({ got: '{"a":1}' });
      expect(seen[0]).toMatchObject({ rawPath: "/echo", rawQueryString: "q=1", cookies: ["s=1"] });
    } finally {
      await api.close();
    }
  });

  it("refuses a request over Lambda's 6 MB payload limit without invoking the function, and answers 502 when the function throws", async () => {
    let calls = 0;
    const api = await serveLambda(async () => {
      calls++;
      throw new Error("boom");
    });
    try {
      const big = await fetch(`${api.url}/x`, { method: "POST", body: new Uint8Array(LAMBDA_MAX_REQUEST_BYTES + 1) });
      expect(big.status).toBe(413);
      expect(typeof ((await big.json()) as { error: string }).error).toBe("string");
      expect(calls).toBe(0);
      const failed = await fetch(`${api.url}/x`);
      expect(failed.status).toBe(502);
      expect(calls).toBe(1);
    } finally {
      await api.close();
    }
  });
});
