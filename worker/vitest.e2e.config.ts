import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * `--shard=i/n` (root `npm test` runs two shards side by side, scripts/test-all.mjs) split by
 * an estimate of each file's time instead of vitest's hash of its path, which put the heaviest
 * files in one shard. The estimate is the file's size, times the number of targets for files
 * that run once per target (describe.each(TARGETS), site-stack.ts). It depends on the sources
 * only, so every shard computes the same split and each file runs in exactly one shard.
 * Files are dealt heaviest first to the lightest shard so far.
 */
class BalancedSequencer extends BaseSequencer {
  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { index, count } = this.ctx.config.shard!;
    const targets = (process.env.KODO_E2E_TARGETS ?? "cloudflare,aws").split(",").length;
    const weighed = files.map((spec) => {
      const source = readFileSync(spec.moduleId, "utf8");
      return { spec, weight: source.length * (source.includes("describe.each(TARGETS)") ? targets : 1) };
    });
    weighed.sort((a, b) => b.weight - a.weight || (a.spec.moduleId < b.spec.moduleId ? -1 : 1));
    const load = Array.from({ length: count }, () => 0);
    const mine: TestSpecification[] = [];
    for (const { spec, weight } of weighed) {
      const lightest = load.indexOf(Math.min(...load));
      load[lightest]! += weight;
      if (lightest === index - 1) mine.push(spec);
    }
    return mine;
  }
}

/**
 * End-to-end tests that run in Node and start the real worker (`wrangler dev` on workerd,
 * via scripts/local-worker.mjs) as a process: contract, fault and client tests.
 */
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file starts its own worker; running them one at a time keeps the 2-core machine sane.
    fileParallelism: false,
    sequence: { sequencer: BalancedSequencer },
    // Pages and servers answer slower on a loaded 2-core machine than on an idle one.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    // Under CI (CI=true: .ci/run), a failed test runs once more before it fails the run. These
    // tests drive wrangler, Chromium and pages on a 2-core machine shared with the unit suites,
    // where a timeout can be the machine's and not the code's (a CI run failed once this way
    // and passed twice here under the same load). A test that needed its retry is marked
    // "(retry x1)" in the output; locally a failure fails at once.
    retry: process.env.CI ? 1 : 0,
  },
});
