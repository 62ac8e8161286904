/**
 * Offline check of a SAM/CloudFormation template against the resource specification in
 * @aws-cdk/aws-service-spec (CloudFormation's registry schemas plus SAM's own spec): `sam
 * validate` and cfn-lint need Python and the network, this needs neither. It finds:
 *  (a) unknown resource types, unknown sections and resource attributes;
 *  (b) unknown properties and missing required ones, at every depth of nested property types
 *      (SAM Globals are merged in first, as the SAM transform does);
 *  (c) dangling references: Ref, Fn::GetAtt (attribute names included), Fn::Sub variables,
 *      Fn::If conditions, DependsOn, Fn::FindInMap maps;
 *  (d) parameter defaults that break their own AllowedValues/AllowedPattern, and DynamoDB
 *      tables whose AttributeDefinitions do not match their key schemas (a deploy-time failure).
 * Values given by intrinsic functions are not type-checked (they are only known at deploy).
 *
 * CLI: `npm run validate -w sam [-- path/to/template.yaml]`.
 */
import { pathToFileURL } from "node:url";
import { loadAwsServiceSpec } from "@aws-cdk/aws-service-spec";
import type { SpecDatabase } from "@aws-cdk/service-spec-types";
import { TEMPLATE_PATH, loadTemplate } from "./template.ts";

export interface Problem {
  /** Where in the template, e.g. "Resources.ApiFunction.Properties.Events.Api". */
  path: string;
  message: string;
}

type Json = unknown;
type Obj = Record<string, Json>;
/** The spec's property types (a subset of @aws-cdk/service-spec-types' PropertyType we read). */
interface PropType {
  type: string;
  element?: PropType;
  types?: PropType[];
  reference?: { $ref: string };
}
interface PropSpec {
  type: PropType;
  required?: boolean;
}

const SECTIONS = new Set(["AWSTemplateFormatVersion", "Description", "Transform", "Parameters", "Globals", "Conditions", "Mappings", "Resources", "Outputs", "Metadata", "Rules"]);
const RESOURCE_ATTRIBUTES = new Set(["Type", "Properties", "DependsOn", "Condition", "Metadata", "DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy"]);
const PSEUDO_PARAMETERS = new Set(["AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"]);
const PARAMETER_TYPE = /^(String|Number|List<Number>|CommaDelimitedList|AWS::SSM::Parameter::Name|AWS::SSM::Parameter::Value<.+>|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9.]+|List<AWS::[A-Za-z0-9:.]+>)$/;
const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

/** The CloudFormation resource a SAM resource becomes (same logical id): what Fn::GetAtt sees. */
const SAM_GENERATES: Record<string, string> = {
  "AWS::Serverless::Function": "AWS::Lambda::Function",
  "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
  "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
  "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
  "AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
  "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
};

/** SAM Globals sections and the resource type each applies to. */
const GLOBALS_SECTIONS: Record<string, string> = {
  Function: "AWS::Serverless::Function",
  Api: "AWS::Serverless::Api",
  HttpApi: "AWS::Serverless::HttpApi",
  SimpleTable: "AWS::Serverless::SimpleTable",
  LayerVersion: "AWS::Serverless::LayerVersion",
  StateMachine: "AWS::Serverless::StateMachine",
};

let specPromise: Promise<SpecDatabase> | null = null;
/** The specification database (about 0.5 s to load; loaded once per process). */
export function loadSpec(): Promise<SpecDatabase> {
  specPromise ??= loadAwsServiceSpec();
  return specPromise;
}

const isObj = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `{ "Ref": ... }` or `{ "Fn::X": ... }`: a value only known at deploy time. */
function isIntrinsic(v: Json): v is Obj {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"));
}

export function checkTemplate(template: Json, spec: SpecDatabase): Problem[] {
  const problems: Problem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  if (!isObj(template)) return [{ path: "", message: "the template must be a mapping" }];

  for (const section of Object.keys(template)) if (!SECTIONS.has(section)) report(section, `unknown template section "${section}"`);
  const resources = isObj(template.Resources) ? template.Resources : {};
  if (!isObj(template.Resources) || Object.keys(resources).length === 0) report("Resources", "the template needs at least one resource");
  const parameters = isObj(template.Parameters) ? template.Parameters : {};
  const conditions = isObj(template.Conditions) ? template.Conditions : {};
  const mappings = isObj(template.Mappings) ? template.Mappings : {};
  const globals = isObj(template.Globals) ? template.Globals : {};

  const resourceType = (type: string) => spec.lookup("resource", "cloudFormationType", "equals", type)[0];

  // Logical ids a Ref/GetAtt may name, with the type whose attributes GetAtt can read.
  const names = new Map<string, { kind: "parameter" | "resource"; type?: string }>();
  for (const p of Object.keys(parameters)) names.set(p, { kind: "parameter" });
  const transforms = ([] as Json[]).concat(template.Transform ?? []);
  let usesSam = false;
  for (const [id, r] of Object.entries(resources)) {
    const type = isObj(r) && typeof r.Type === "string" ? r.Type : undefined;
    if (names.has(id)) report(`Resources.${id}`, `logical id "${id}" is also a parameter`);
    names.set(id, { kind: "resource", ...(type ? { type } : {}) });
    if (type?.startsWith("AWS::Serverless::")) usesSam = true;
    // Resources the SAM transform adds that templates may reference.
    if (type === "AWS::Serverless::Function" && isObj(r) && isObj(r.Properties) && r.Properties.Role === undefined) {
      names.set(`${id}Role`, { kind: "resource", type: "AWS::IAM::Role" });
    }
    if (type === "AWS::Serverless::Function" && isObj(r) && isObj(r.Properties) && isObj(r.Properties.Events)) {
      for (const ev of Object.values(r.Properties.Events)) {
        if (!isObj(ev) || (isObj(ev.Properties) && ev.Properties.ApiId !== undefined) || (isObj(ev.Properties) && ev.Properties.RestApiId !== undefined)) continue;
        if (ev.Type === "HttpApi") names.set("ServerlessHttpApi", { kind: "resource", type: "AWS::Serverless::HttpApi" });
        if (ev.Type === "Api") names.set("ServerlessRestApi", { kind: "resource", type: "AWS::Serverless::Api" });
      }
    }
  }
  if (usesSam && !transforms.includes(SAM_TRANSFORM)) report("Transform", `AWS::Serverless resources need "Transform: ${SAM_TRANSFORM}"`);

  // --- Parameters
  for (const [name, p] of Object.entries(parameters)) {
    const path = `Parameters.${name}`;
    if (!isObj(p)) {
      report(path, "a parameter must be a mapping");
      continue;
    }
    if (typeof p.Type !== "string" || !PARAMETER_TYPE.test(p.Type)) report(path, `unknown parameter type ${JSON.stringify(p.Type)}`);
    if (p.Default !== undefined) {
      const def = String(p.Default);
      if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(def)) report(path, `Default ${JSON.stringify(def)} is not among AllowedValues`);
      if (typeof p.AllowedPattern === "string" && !new RegExp(`^(?:${p.AllowedPattern})$`).test(def)) report(path, `Default ${JSON.stringify(def)} does not match AllowedPattern`);
      if (p.Type === "Number" && !Number.isFinite(Number(def))) report(path, `Default ${JSON.stringify(def)} is not a number`);
    }
  }

  // --- Globals
  for (const [section, props] of Object.entries(globals)) {
    const type = GLOBALS_SECTIONS[section];
    if (!type) {
      report(`Globals.${section}`, `unknown Globals section "${section}"`);
      continue;
    }
    const r = resourceType(type);
    if (r && isObj(props)) checkObject(props, r.properties as Record<string, PropSpec>, `Globals.${section}`, false);
  }

  // --- Resources
  for (const [id, r] of Object.entries(resources)) {
    const path = `Resources.${id}`;
    if (!isObj(r)) {
      report(path, "a resource must be a mapping");
      continue;
    }
    for (const attr of Object.keys(r)) if (!RESOURCE_ATTRIBUTES.has(attr)) report(path, `unknown resource attribute "${attr}"`);
    if (typeof r.Type !== "string") {
      report(path, "missing Type");
      continue;
    }
    if (r.Condition !== undefined && !(typeof r.Condition === "string" && r.Condition in conditions)) report(`${path}.Condition`, `unknown condition ${JSON.stringify(r.Condition)}`);
    for (const dep of ([] as Json[]).concat(r.DependsOn ?? [])) {
      if (typeof dep !== "string" || !(dep in resources)) report(`${path}.DependsOn`, `DependsOn names unknown resource ${JSON.stringify(dep)}`);
    }
    if (r.Type.startsWith("Custom::") || r.Type === "AWS::CloudFormation::CustomResource") continue;
    const spec = resourceType(r.Type);
    if (!spec) {
      report(`${path}.Type`, `unknown resource type "${r.Type}"`);
      continue;
    }
    const sectionName = Object.entries(GLOBALS_SECTIONS).find(([, t]) => t === r.Type)?.[0];
    const fromGlobals = sectionName && isObj(globals[sectionName]) ? (globals[sectionName] as Obj) : {};
    const props = r.Properties === undefined ? {} : r.Properties;
    if (!isObj(props)) report(`${path}.Properties`, "Properties must be a mapping");
    // Globals count toward required properties; they were checked in their own section.
    else checkObject(props, spec.properties as Record<string, PropSpec>, `${path}.Properties`, true, new Set(Object.keys(fromGlobals)));
    if (r.Type === "AWS::DynamoDB::Table" && isObj(props)) checkTableKeys(props, `${path}.Properties`);
  }

  // --- Outputs
  const outputs = isObj(template.Outputs) ? template.Outputs : {};
  for (const [name, o] of Object.entries(outputs)) {
    if (!isObj(o) || o.Value === undefined) report(`Outputs.${name}`, "an output needs a Value");
    else if (o.Condition !== undefined && !(typeof o.Condition === "string" && o.Condition in conditions)) report(`Outputs.${name}.Condition`, `unknown condition ${JSON.stringify(o.Condition)}`);
  }

  // --- References, everywhere but Metadata (free-form) and Parameters.
  walkReferences(resources, "Resources");
  walkReferences(outputs, "Outputs");
  walkReferences(conditions, "Conditions");
  walkReferences(globals, "Globals");
  return problems;

  function checkObject(value: Obj, props: Record<string, PropSpec>, path: string, requireAll: boolean, givenElsewhere: Set<string> = new Set()): void {
    for (const [key, v] of Object.entries(value)) {
      const prop = props[key];
      if (!prop) {
        const hint = closest(key, Object.keys(props));
        report(`${path}.${key}`, `unknown property "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
        continue;
      }
      checkValue(v, prop.type, `${path}.${key}`);
    }
    if (requireAll) {
      for (const [key, prop] of Object.entries(props)) if (prop.required && value[key] === undefined && !givenElsewhere.has(key)) report(path, `missing required property "${key}"`);
    }
  }

  /** Problems of `value` against `type`, reported only when every alternative of a union fails. */
  function checkValue(value: Json, type: PropType, path: string): void {
    if (isIntrinsic(value)) return;
    for (const p of problemsOf(value, type, path)) problems.push(p);
  }

  function problemsOf(value: Json, type: PropType, path: string): Problem[] {
    const out: Problem[] = [];
    const saved = problems.length;
    const collect = () => out.push(...problems.splice(saved));
    if (isIntrinsic(value)) return out;
    switch (type.type) {
      case "string":
      case "date-time":
        if (!["string", "number", "boolean"].includes(typeof value)) out.push({ path, message: "expected a string" });
        break;
      case "number":
      case "integer":
      {
        const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
        const ok = type.type === "integer" ? Number.isInteger(n) : Number.isFinite(n);
        if (!ok) out.push({ path, message: `expected ${type.type === "integer" ? "an integer" : "a number"}` });
      }
        break;
      case "boolean":
        if (!(typeof value === "boolean" || value === "true" || value === "false")) out.push({ path, message: "expected true or false" });
        break;
      case "json":
        break;
      case "tag":
        if (!isObj(value) || value.Key === undefined || value.Value === undefined) out.push({ path, message: "expected a tag { Key, Value }" });
        break;
      case "array":
        if (!Array.isArray(value)) out.push({ path, message: "expected a list" });
        else value.forEach((v, i) => out.push(...problemsOf(v, type.element!, `${path}[${i}]`)));
        break;
      case "map":
        if (!isObj(value)) out.push({ path, message: "expected a mapping" });
        else for (const [k, v] of Object.entries(value)) out.push(...problemsOf(v, type.element!, `${path}.${k}`));
        break;
      case "ref": {
        const def = spec.get("typeDefinition", type.reference!.$ref);
        if (!isObj(value)) {
          out.push({ path, message: `expected a mapping (${def.name})` });
          break;
        }
        if (def.name === "EventSource" && typeof value.Type === "string") {
          // A SAM event's Type decides the shape of its Properties ("HttpApi" -> HttpApiEvent).
          const union = (def.properties.Properties?.type as PropType | undefined)?.types ?? [];
          const match = union.find((t) => t.reference && spec.get("typeDefinition", t.reference.$ref).name === `${value.Type}Event`);
          if (!match) out.push({ path: `${path}.Type`, message: `unknown event type "${value.Type}"` });
          else {
            checkObject(value, { ...(def.properties as Record<string, PropSpec>), Properties: { type: match, required: true } }, path, true);
            collect();
          }
          break;
        }
        checkObject(value, def.properties as Record<string, PropSpec>, path, true);
        collect();
        break;
      }
      case "union": {
        const attempts = (type.types ?? []).map((t) => problemsOf(value, t, path));
        if (attempts.some((a) => a.length === 0)) break;
        out.push(...attempts.reduce((best, a) => (a.length < best.length ? a : best)));
        break;
      }
      default:
        break;
    }
    return out;
  }

  function checkTableKeys(props: Obj, path: string): void {
    if (!Array.isArray(props.AttributeDefinitions)) return;
    const defined = new Set(props.AttributeDefinitions.filter(isObj).map((a) => String(a.AttributeName)));
    const used = new Set<string>();
    const schemas: Json[] = [props.KeySchema];
    for (const indexes of [props.GlobalSecondaryIndexes, props.LocalSecondaryIndexes]) {
      if (Array.isArray(indexes)) for (const ix of indexes) if (isObj(ix)) schemas.push(ix.KeySchema);
    }
    for (const schema of schemas) if (Array.isArray(schema)) for (const k of schema) if (isObj(k)) used.add(String(k.AttributeName));
    for (const name of used) if (!defined.has(name)) report(`${path}.AttributeDefinitions`, `key attribute "${name}" is not in AttributeDefinitions`);
    for (const name of defined) if (!used.has(name)) report(`${path}.AttributeDefinitions`, `attribute "${name}" is defined but used by no key schema (DynamoDB refuses this)`);
  }

  function checkRef(name: Json, path: string): void {
    if (typeof name !== "string") return report(path, "Ref takes a logical id or parameter name");
    if (!names.has(name) && !PSEUDO_PARAMETERS.has(name)) report(path, `Ref to unknown "${name}"`);
  }

  function checkGetAtt(resource: string, attribute: string, path: string): void {
    const target = names.get(resource);
    if (!target || target.kind !== "resource") return report(path, `Fn::GetAtt on unknown resource "${resource}"`);
    if (!target.type || target.type.startsWith("Custom::") || target.type === "AWS::CloudFormation::CustomResource") return;
    const spec = resourceType(SAM_GENERATES[target.type] ?? target.type);
    if (!spec) return;
    const attributes = Object.keys(spec.attributes);
    if (!attributes.includes(attribute)) {
      report(path, `"${resource}" (${target.type}) has no attribute "${attribute}"${attributes.length ? `; it has ${attributes.join(", ")}` : ""}`);
    }
  }

  function walkReferences(value: Json, path: string, subVars: Set<string> = new Set()): void {
    if (Array.isArray(value)) return value.forEach((v, i) => walkReferences(v, `${path}[${i}]`, subVars));
    if (!isObj(value)) return;
    for (const [key, v] of Object.entries(value)) {
      const here = `${path}.${key}`;
      if (key === "Metadata" && path.split(".").length === 2) continue; // a resource's free-form Metadata
      if (key === "Ref" && Object.keys(value).length === 1) {
        if (!(typeof v === "string" && subVars.has(v))) checkRef(v, here);
        continue;
      }
      if (key === "Fn::GetAtt") {
        const [res, ...attr] = Array.isArray(v) ? v.map(String) : typeof v === "string" ? v.split(".") : [];
        if (!res || attr.length === 0) report(here, "Fn::GetAtt takes [resource, attribute]");
        else checkGetAtt(res, attr.join("."), here);
        continue;
      }
      if (key === "Fn::Sub") {
        const [text, vars] = Array.isArray(v) ? [v[0], v[1]] : [v, undefined];
        const local = new Set(isObj(vars) ? Object.keys(vars) : []);
        if (typeof text !== "string") report(here, "Fn::Sub takes a string, or [string, variables]");
        else {
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = m[1]!.trim();
            if (local.has(name)) continue;
            if (name.includes(".") && !PSEUDO_PARAMETERS.has(name)) {
              const dot = name.indexOf(".");
              checkGetAtt(name.slice(0, dot), name.slice(dot + 1), here);
            } else checkRef(name, here);
          }
        }
        if (isObj(vars)) walkReferences(vars, here);
        continue;
      }
      if (key === "Fn::If" && Array.isArray(v)) {
        if (!(typeof v[0] === "string" && v[0] in conditions)) report(here, `Fn::If names unknown condition ${JSON.stringify(v[0])}`);
        walkReferences(v.slice(1), here);
        continue;
      }
      if (key === "Condition" && typeof v === "string" && path.startsWith("Conditions")) {
        if (!(v in conditions)) report(here, `unknown condition "${v}"`);
        continue;
      }
      if (key === "Fn::FindInMap" && Array.isArray(v) && typeof v[0] === "string" && !(v[0] in mappings)) {
        report(here, `Fn::FindInMap names unknown mapping "${v[0]}"`);
      }
      walkReferences(v, here, subVars);
    }
  }
}

/** The candidate within edit distance 2 of `name`, if any: a hint for typos. */
function closest(name: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2] ?? TEMPLATE_PATH;
  const problems = checkTemplate(loadTemplate(file), await loadSpec());
  for (const p of problems) console.error(`${p.path}: ${p.message}`);
  console.log(problems.length === 0 ? `${file}: no problems found` : `${file}: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
