/**
 * template.yaml checked offline against the CloudFormation/SAM resource specification
 * (tools/check-template.ts), and shown to catch broken templates; plus the facts the rest of
 * Kodo relies on (runtime, payload format, least-privilege IAM matching what the code calls).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { yamlParse } from "yaml-cfn";
import type { SpecDatabase } from "@aws-cdk/service-spec-types";
import { checkTemplate, loadSpec, type Problem } from "../tools/check-template.ts";
import { SAM_DIR, TEMPLATE_PATH, loadTemplate, type Template } from "../tools/template.ts";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { edge } from "../local/runner.ts";
import { toApiGatewayV2Event } from "../local/event.ts";
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER } from "../src/edge.ts";

let spec: SpecDatabase;
beforeAll(async () => {
  spec = await loadSpec();
});

const text = () => readFileSync(TEMPLATE_PATH, "utf8");
const clone = (): Template => structuredClone(loadTemplate());
const props = (t: Template, id: string) => t.Resources[id]!.Properties as Record<string, any>;
const messages = (problems: Problem[]) => problems.map((p) => `${p.path}: ${p.message}`);

describe("template.yaml", () => {
  it("passes the specification check", () => {
    expect(messages(checkTemplate(loadTemplate(), spec))).toEqual([]);
  });

  it("runs the API on Node 22 / arm64 behind an HTTP API with payload format 2.0, bundled by esbuild", () => {
    const t = loadTemplate();
    expect(t.Globals?.Function).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"] });
    const fn = t.Resources.ApiFunction!;
    expect(fn.Type).toBe("AWS::Serverless::Function");
    expect(fn.Metadata).toMatchObject({ BuildMethod: "esbuild", BuildProperties: { EntryPoints: ["src/handler.ts"] } });
    expect((fn.Properties as any).Events.Api).toEqual({ Type: "HttpApi", Properties: expect.objectContaining({ ApiId: { Ref: "HttpApi" }, PayloadFormatVersion: "2.0" }) });
    expect(t.Resources.HttpApi!.Type).toBe("AWS::Serverless::HttpApi");
    expect(Object.keys(t.Outputs ?? {})).toContain("ApiUrl");
    expect(t.Parameters?.OwnerApiKeyHash).toMatchObject({ NoEcho: true });
  });

  it("grants the function exactly the actions the code calls: DynamoDB on its three tables, SES on its one identity", () => {
    // A policy under Fn::If (the SES one: only when the stack sends mail) counts with its statements.
    const policies = props(loadTemplate(), "ApiFunction").Policies as any[];
    const statements = policies.flatMap((p) => (p["Fn::If"] ? [p["Fn::If"][1]] : [p])).flatMap((p) => p.Statement);
    expect(policies.find((p) => p["Fn::If"])["Fn::If"]).toEqual(["SendsEmail", expect.anything(), { Ref: "AWS::NoValue" }]);
    expect(statements).toHaveLength(3);
    const dynamo = statements.find((s) => s.Sid === "KodoTablesItemAccess");
    const ses = statements.find((s) => s.Sid === "KodoSignInMail");
    // Board pages Query the standings GSIs (an index has its own ARN): Query only, those indexes only.
    const boards = statements.find((s) => s.Sid === "KodoBoardIndexQuery");
    expect(boards.Action).toEqual(["dynamodb:Query"]);
    expect(boards.Resource).toEqual([{ "Fn::Sub": "${SocialTable.Arn}/index/Standings*" }]);
    for (const s of [dynamo, ses, boards]) expect(s.Effect).toBe("Allow");
    expect(dynamo.Resource).toEqual([{ "Fn::GetAtt": ["AccountsTable", "Arn"] }, { "Fn::GetAtt": ["ActivityTable", "Arn"] }, { "Fn::GetAtt": ["SocialTable", "Arn"] }]);
    expect(ses.Resource).toEqual({ "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${EmailIdentity}" });
    // Every `new XCommand(` in the Lambda's source, as IAM action names.
    const actionOf: Record<string, string> = {
      Get: "dynamodb:GetItem",
      Put: "dynamodb:PutItem",
      Update: "dynamodb:UpdateItem",
      Delete: "dynamodb:DeleteItem",
      Query: "dynamodb:Query",
      Scan: "dynamodb:Scan",
      BatchWrite: "dynamodb:BatchWriteItem",
      BatchGet: "dynamodb:BatchGetItem",
      TransactWrite: "dynamodb:TransactWriteItems",
      TransactGet: "dynamodb:TransactGetItems",
      SendEmail: "ses:SendEmail",
    };
    const used = new Set<string>();
    const sources = readdirSync(path.join(SAM_DIR, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    for (const file of sources) {
      for (const m of readFileSync(path.join(SAM_DIR, "src", file), "utf8").matchAll(/new (\w+)Command\(/g)) {
        const action = actionOf[m[1]!];
        if (!action) throw new Error(`${file}: unmapped command ${m[1]}Command`);
        used.add(action);
      }
    }
    expect([...dynamo.Action].sort()).toEqual([...used].filter((a) => a.startsWith("dynamodb:")).sort());
    expect(ses.Action).toEqual([...used].filter((a) => a.startsWith("ses:")));
  });

  it("drains the relay on a schedule from its own function, with item access to the activity table only", () => {
    const t = loadTemplate();
    const fn = t.Resources.RelayDrainFunction!;
    expect(fn.Metadata).toMatchObject({ BuildMethod: "esbuild", BuildProperties: { EntryPoints: ["src/relay-drain.ts"] } });
    const drain = props(t, "RelayDrainFunction");
    expect(drain.Handler).toBe("relay-drain.handler");
    expect(drain.Events.Drain).toEqual({ Type: "Schedule", Properties: expect.objectContaining({ Schedule: { Ref: "RelayDrainSchedule" } }) });
    expect(t.Parameters?.RelaySecret).toMatchObject({ NoEcho: true, Default: "" });
    // Without the secret there is no relay, so no drain either.
    for (const id of ["RelayDrainFunction", "RelayDrainFunctionLogs"]) expect(t.Resources[id]!.Condition, id).toBe("HasRelay");
    expect((t as any).Conditions.HasRelay).toEqual({ "Fn::Not": [{ "Fn::Equals": [{ Ref: "RelaySecret" }, ""] }] });
    for (const id of ["ApiFunction", "RelayDrainFunction"]) expect(props(t, id).Environment.Variables.KODO_RELAY_SECRET, id).toEqual({ Ref: "RelaySecret" });
    const [statement] = drain.Policies.flatMap((p: any) => p.Statement);
    expect(drain.Policies.flatMap((p: any) => p.Statement)).toHaveLength(1);
    expect(statement.Resource).toEqual([{ "Fn::GetAtt": ["ActivityTable", "Arn"] }]);
    // What the drain's code calls (src/dynamo/relay.ts and what it imports: client.ts's BatchWrite and Query).
    const used = new Set<string>();
    for (const file of ["dynamo/relay.ts", "dynamo/client.ts"]) for (const m of readFileSync(path.join(SAM_DIR, "src", file), "utf8").matchAll(/new (\w+)Command\(/g)) used.add(m[1]!);
    const actionOf: Record<string, string> = { Get: "dynamodb:GetItem", Put: "dynamodb:PutItem", Update: "dynamodb:UpdateItem", Delete: "dynamodb:DeleteItem", Query: "dynamodb:Query", BatchWrite: "dynamodb:BatchWriteItem" };
    expect([...statement.Action].sort()).toEqual([...used].map((c) => actionOf[c]).sort());
  });

  it("serves the dashboard from its own function with no permissions beyond its logs, /api/* from the API function", () => {
    const t = loadTemplate();
    const site = props(t, "SiteFunction");
    expect(t.Resources.SiteFunction!.Metadata).toEqual({ BuildMethod: "makefile" });
    expect(readFileSync(path.join(SAM_DIR, "Makefile"), "utf8")).toMatch(/^build-SiteFunction:\n\tnpm run build:site -- "\$\(ARTIFACTS_DIR\)"$/m);
    expect(site.Policies).toBeUndefined();
    expect(site.Role).toBeUndefined();
    expect(site.Events.Site).toEqual({ Type: "HttpApi", Properties: expect.objectContaining({ ApiId: { Ref: "HttpApi" }, PayloadFormatVersion: "2.0" }) });
    expect(site.Events.Site.Properties.Path).toBeUndefined(); // the HTTP API's $default route
    expect(props(t, "ApiFunction").Events.Api.Properties).toMatchObject({ Path: "/api/{proxy+}", Method: "ANY" });
  });

  it("puts CloudFront in front of both, keeping public reads only as long as the answer allows (no-cache: not at all)", () => {
    const t = loadTemplate();
    const config = props(t, "Distribution").DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].DomainName).toEqual({ "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}" });
    const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe(CACHING_DISABLED);
    const byPath = Object.fromEntries((config.CacheBehaviors as any[]).map((b) => [b.PathPattern, b]));
    expect(Object.keys(byPath).sort()).toEqual(["/_app/immutable/*", "/api/activity/*", "/api/badge/*", "/api/public/*"]);
    for (const p of ["/api/activity/*", "/api/badge/*", "/api/public/*"]) {
      expect(byPath[p].CachePolicyId, p).toEqual({ Ref: "PublicReadsCachePolicy" });
      expect(byPath[p].AllowedMethods, p).toEqual(["GET", "HEAD", "OPTIONS"]);
    }
    // MinTTL above 0 would make CloudFront keep answers despite no-cache (a deleted user's badge).
    const policy = props(t, "PublicReadsCachePolicy").CachePolicyConfig;
    expect(policy).toMatchObject({ MinTTL: 0, DefaultTTL: 0 });
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig).toEqual({ CookieBehavior: "none" });
    // Error answers are not kept either (CloudFront's default is 10 s).
    for (const e of config.CustomErrorResponses) expect(e.ErrorCachingMinTTL).toBe(0);
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(b.TargetOriginId).toBe("HttpApi");
  });

  it("runs CloudFront's viewer function as the local runner's edge does: the viewer's host and address, over what the client sent", async () => {
    const code = props(loadTemplate(), "ViewerHeaders").FunctionCode as string;
    const cloudfront = new Function(`${code}\nreturn handler;`)() as (e: unknown) => { headers: Record<string, { value: string }> };
    const out = cloudfront({ viewer: { ip: "203.0.113.9" }, request: { headers: { host: { value: "kodo.example" }, "x-forwarded-host": { value: "evil.example" }, "x-kodo-client-ip": { value: "1.2.3.4" } } } });
    expect(out.headers["x-forwarded-host"]).toEqual({ value: "kodo.example" });
    expect(out.headers["x-kodo-client-ip"]).toEqual({ value: "203.0.113.9" });

    const seen: Record<string, string | undefined>[] = [];
    const fn = (name: string) => async (event: APIGatewayProxyEventV2) => (seen.push({ fn: name, host: event.headers["x-forwarded-host"], ip: event.headers[CLIENT_IP_HEADER], token: event.headers[EDGE_TOKEN_HEADER] }), { statusCode: 200 });
    const local = edge(fn("api"), fn("site"), "local-edge-token-0123");
    const event = (rawPath: string) => toApiGatewayV2Event({ method: "GET", url: rawPath, headers: { host: "kodo.example", "x-forwarded-host": "evil.example", [CLIENT_IP_HEADER]: "1.2.3.4" }, body: Buffer.alloc(0), sourceIp: "203.0.113.9", host: "kodo.example" });
    for (const p of ["/api/v1/users/current", "/api/badge/a/today.svg", "/", "/dashboard", "/api", "/apiary"]) await local(event(p), {} as never);
    expect(seen.map((s) => s.fn)).toEqual(["api", "api", "site", "site", "site", "site"]);
    for (const s of seen) expect(s).toMatchObject({ host: "kodo.example", ip: "203.0.113.9", token: "local-edge-token-0123" });
  });
});

describe("the check catches broken templates", () => {
  const cases: [string, (t: Template) => void, RegExp][] = [
    ["an unknown resource type", (t) => (t.Resources.ApiFunctionLogs!.Type = "AWS::Logs::LogGrup"), /ApiFunctionLogs\.Type: unknown resource type "AWS::Logs::LogGrup"/],
    ["an unknown property (with a hint)", (t) => (props(t, "ActivityTable").BilingMode = "PAY_PER_REQUEST"), /unknown property "BilingMode" \(did you mean "BillingMode"\?\)/],
    ["an unknown nested property", (t) => (props(t, "ApiFunction").Events.Api.Properties.PayloadVersion = "2.0"), /Events\.Api\.Properties\.PayloadVersion: unknown property/],
    ["an unknown SAM event type", (t) => (props(t, "ApiFunction").Events.Api.Type = "HttpAPI"), /unknown event type "HttpAPI"/],
    ["a missing required property", (t) => delete props(t, "AccountsTable").KeySchema, /AccountsTable\.Properties: missing required property "KeySchema"/],
    ["a missing required nested property", (t) => (props(t, "ApiFunction").Environment = {}), /Environment: missing required property "Variables"/],
    ["a wrong value type", (t) => (props(t, "ApiFunctionLogs").RetentionInDays = ["30"]), /RetentionInDays: expected an integer/],
    ["a dangling Ref", (t) => (props(t, "ApiFunction").Environment.Variables.ACCOUNTS_TABLE = { Ref: "AccountTable" }), /Ref to unknown "AccountTable"/],
    ["a Fn::GetAtt on an unknown attribute", (t) => (props(t, "ApiFunction").Policies[0].Statement[0].Resource[1] = { "Fn::GetAtt": ["ActivityTable", "Arnn"] }), /"ActivityTable" \(AWS::DynamoDB::Table\) has no attribute "Arnn"/],
    ["a Fn::GetAtt on an unknown resource", (t) => (props(t, "ApiFunction").Policies[0].Statement[0].Resource[0] = { "Fn::GetAtt": ["UsersTable", "Arn"] }), /Fn::GetAtt on unknown resource "UsersTable"/],
    ["a dangling Fn::Sub variable", (t) => ((t.Outputs!.ApiUrl as any).Value = { "Fn::Sub": "https://${HttpAPI}.execute-api.${AWS::Region}.amazonaws.com/" }), /Outputs\.ApiUrl\.Value\.Fn::Sub: Ref to unknown "HttpAPI"/],
    ["a dangling Fn::Sub attribute", (t) => (props(t, "ApiFunctionLogs").LogGroupName = { "Fn::Sub": "/aws/lambda/${ApiFunction.Nmae}" }), /"ApiFunction" \(AWS::Serverless::Function\) has no attribute "Nmae"/],
    ["a dangling DependsOn", (t) => (t.Resources.ApiFunctionLogs!.DependsOn = "ApiFunktion"), /DependsOn names unknown resource "ApiFunktion"/],
    ["an unknown Fn::If condition", (t) => (props(t, "ApiFunctionLogs").RetentionInDays = { "Fn::If": ["IsProd", 365, 30] }), /Fn::If names unknown condition "IsProd"/],
    ["a default outside AllowedValues", (t) => (t.Parameters!.LogRetentionDays!.Default = 31), /Default "31" is not among AllowedValues/],
    ["key attributes out of step with AttributeDefinitions", (t) => props(t, "ActivityTable").AttributeDefinitions.push({ AttributeName: "gsi1pk", AttributeType: "S" }), /attribute "gsi1pk" is defined but used by no key schema/],
    ["a SAM resource without the transform", (t) => delete t.Transform, /AWS::Serverless resources need "Transform: AWS::Serverless-2016-10-31"/],
    ["an unknown CloudFront cache behaviour property", (t) => (props(t, "Distribution").DistributionConfig.CacheBehaviors[1].PathPatern = "/api/x/*"), /CacheBehaviors\[1\]\.PathPatern: unknown property/],
    ["a cache policy without its TTLs", (t) => delete props(t, "PublicReadsCachePolicy").CachePolicyConfig.MinTTL, /CachePolicyConfig: missing required property "MinTTL"/],
    ["a Fn::GetAtt on an unknown CloudFront Function attribute", (t) => (props(t, "Distribution").DistributionConfig.DefaultCacheBehavior.FunctionAssociations[0].FunctionARN = { "Fn::GetAtt": ["ViewerHeaders", "FunctionArn"] }), /"ViewerHeaders" \(AWS::CloudFront::Function\) has no attribute "FunctionArn"/],
    ["an unknown Globals property", (t) => (t.Globals!.Function!.Runtme = "nodejs22.x"), /Globals\.Function\.Runtme: unknown property/],
  ];
  for (const [name, breakIt, expected] of cases) {
    it(`finds ${name}`, () => {
      const t = clone();
      breakIt(t);
      const found = messages(checkTemplate(t, spec));
      expect(found.some((m) => expected.test(m)), found.join("\n")).toBe(true);
    });
  }

  it("reads the short-form tags of the YAML itself (a typo in !GetAtt is caught)", () => {
    const broken = text().replace("!GetAtt ActivityTable.Arn", "!GetAtt ActivityTable.Arm");
    expect(broken).not.toBe(text());
    expect(messages(checkTemplate(yamlParse(broken), spec)).join("\n")).toMatch(/has no attribute "Arm"/);
  });
});
