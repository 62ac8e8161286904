import type { LineChanges } from "./editor-snapshot";

/** One text replacement as VS Code reports it: the replaced line span and the new text. */
export interface TextReplacement {
  startLine: number;
  endLine: number;
  text: string;
}

/**
 * Lines added and deleted by a batch of replacements. A replacement of lines
 * startLine..endLine (0-based, inclusive) removes `endLine - startLine` line breaks and inserts
 * as many as the new text holds; we count line breaks, which is what a diff's line count is.
 */
export function countLineChanges(replacements: readonly TextReplacement[]): LineChanges {
  let added = 0;
  let deleted = 0;
  for (const r of replacements) {
    deleted += r.endLine - r.startLine;
    added += countLineBreaks(r.text);
  }
  return { added, deleted };
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n += 1;
  return n;
}

/** Per-file running totals between two heartbeats of that file. */
export class LineChangeTotals {
  private readonly byFile = new Map<string, LineChanges>();

  add(file: string, changes: LineChanges): void {
    const t = this.byFile.get(file) ?? { added: 0, deleted: 0 };
    this.byFile.set(file, { added: t.added + changes.added, deleted: t.deleted + changes.deleted });
  }

  /** The totals since the file's last heartbeat; resets them. */
  take(file: string): LineChanges | undefined {
    const t = this.byFile.get(file);
    this.byFile.delete(file);
    return t;
  }

  clear(): void {
    this.byFile.clear();
  }
}
