/** Making untrusted text safe to put in SVG/XML. */

/** Escapes the five XML special characters: safe in text content and quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Text as a badge shows it: characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE,
 * U+FFFF) and C1 controls are dropped, since escaping cannot make them legal and a parser
 * would reject the whole SVG; runs of whitespace become one space; ends are trimmed.
 * RTL scripts and emoji are kept: they are valid XML and the renderer measures them.
 */
export function cleanBadgeText(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const isWhitespace = code === 0x09 || code === 0x0a || code === 0x0d;
    const forbidden =
      (code < 0x20 && !isWhitespace) || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff;
    if (!forbidden) out += ch;
  }
  return out.replace(/\s+/g, " ").trim();
}

/** At most `max` code points; longer text ends in an ellipsis (never splits an emoji's pair). */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
