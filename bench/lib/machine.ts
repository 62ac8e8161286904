/** What the figures were measured on: printed with every benchmark. */
import os from "node:os";

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
