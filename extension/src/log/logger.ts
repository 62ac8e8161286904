/** The logging port: the extension writes to an output channel, tests collect lines. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = keyof Logger;

export interface MemoryLogger extends Logger {
  readonly lines: Array<{ level: LogLevel; message: string }>;
  messages(level: LogLevel): string[];
}

/** A logger that remembers every line: for tests and for logging before the channel exists. */
export function createMemoryLogger(): MemoryLogger {
  const lines: Array<{ level: LogLevel; message: string }> = [];
  const at = (level: LogLevel) => (message: string) => {
    lines.push({ level, message });
  };
  return {
    lines,
    messages: (level) => lines.filter((l) => l.level === level).map((l) => l.message),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
