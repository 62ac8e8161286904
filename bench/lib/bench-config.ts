/**
 * The bench build (bench/worker/wrangler.bench.toml) must run with the same bindings, flags and
 * vars as the real worker (wrangler.toml), or its figures describe another program. Both are
 * read with wrangler's own config reader and compared field by field; only the fields that name
 * the build itself may differ.
 */
import path from "node:path";
import { isDeepStrictEqual } from "node:util";

/** Fields that legitimately differ between the two builds. */
const OWN_FIELDS = new Set(["configPath", "userConfigPath", "topLevelName", "name", "main", "dev"]);

type Config = Record<string, unknown> & { d1_databases?: { migrations_dir?: string }[] };

export async function checkBenchConfig(mainConfig: string, benchConfig: string): Promise<void> {
  const { unstable_readConfig: readConfig } = await import("wrangler");
  const read = (file: string) => normalise(readConfig({ config: file }) as unknown as Config, path.dirname(file));
  const main = read(mainConfig);
  const bench = read(benchConfig);
  const drift = [...new Set([...Object.keys(main), ...Object.keys(bench)])].filter(
    (key) => !OWN_FIELDS.has(key) && !isDeepStrictEqual(main[key], bench[key]),
  );
  if (drift.length > 0) {
    const lines = drift.map((k) => `  ${k}: wrangler.toml ${JSON.stringify(main[k])} vs bench ${JSON.stringify(bench[k])}`);
    throw new Error(`${path.relative(process.cwd(), benchConfig)} no longer mirrors wrangler.toml; update it:\n${lines.join("\n")}`);
  }
}

/** Relative paths are relative to each config's folder: compare them resolved. */
function normalise(config: Config, dir: string): Config {
  return {
    ...config,
    d1_databases: config.d1_databases?.map((d) => ({ ...d, migrations_dir: d.migrations_dir && path.resolve(dir, d.migrations_dir) })),
  };
}
