import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { yamlParse } from "yaml-cfn";

/** The sam/ folder. */
export const SAM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const TEMPLATE_PATH = path.join(SAM_DIR, "template.yaml");

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown; [k: string]: unknown }>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  [section: string]: unknown;
}

/** template.yaml parsed, short-form tags (!Ref, !Sub, ...) turned into their long form. */
export function loadTemplate(file = TEMPLATE_PATH): Template {
  return yamlParse(readFileSync(file, "utf8")) as Template;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** A Lambda function of the stack by logical id: the API (ApiFunction) by default. */
export function apiFunction(template: Template, name = "ApiFunction"): [string, Resource] {
  const fn = template.Resources[name];
  if (fn?.Type !== "AWS::Serverless::Function") throw new Error(`expected an AWS::Serverless::Function ${name} in the template`);
  return [name, fn];
}

/**
 * The function's environment variables as they would be on a local run: a `Ref` to a table
 * becomes the local table's name (its logical id), a `Ref` to a parameter its default.
 */
export function localEnvironment(template: Template): Record<string, string> {
  const [, fn] = apiFunction(template);
  const globals = (template.Globals?.Function?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const own = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...globals, ...own })) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[name] = String(value);
    else if (value && typeof value === "object" && "Ref" in value) {
      const ref = String((value as { Ref: unknown }).Ref);
      if (template.Resources[ref]) out[name] = ref;
      else if (template.Parameters?.[ref]) out[name] = String(template.Parameters[ref]!.Default ?? "");
    }
  }
  return out;
}
