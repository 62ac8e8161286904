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

  it("grants the function exactly the DynamoDB actions the code calls, on its three tables only", () => {
    const statements = (props(loadTemplate(), "ApiFunction").Policies as any[]).flatMap((p) => p.Statement);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement.Effect).toBe("Allow");
    expect(statement.Resource).toEqual([{ "Fn::GetAtt": ["AccountsTable", "Arn"] }, { "Fn::GetAtt": ["ActivityTable", "Arn"] }, { "Fn::GetAtt": ["SocialTable", "Arn"] }]);
    // Every `new XCommand(` in the Lambda's source, as IAM action names.
    const actionOf: Record<string, string> = {
      Get: "GetItem",
      Put: "PutItem",
      Update: "UpdateItem",
      Delete: "DeleteItem",
      Query: "Query",
      Scan: "Scan",
      BatchWrite: "BatchWriteItem",
      BatchGet: "BatchGetItem",
      TransactWrite: "TransactWriteItems",
      TransactGet: "TransactGetItems",
    };
    const used = new Set<string>();
    const sources = readdirSync(path.join(SAM_DIR, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    for (const file of sources) {
      for (const m of readFileSync(path.join(SAM_DIR, "src", file), "utf8").matchAll(/new (\w+)Command\(/g)) {
        const action = actionOf[m[1]!];
        if (!action) throw new Error(`${file}: unmapped command ${m[1]}Command`);
        used.add(`dynamodb:${action}`);
      }
    }
    expect([...statement.Action].sort()).toEqual([...used].sort());
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
