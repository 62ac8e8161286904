/**
 * Badge colours: shields.io's named colours (and their aliases) or a hex colour. Nothing else
 * is accepted (no CSS functions, no `url(...)`, no quotes): a colour ends up in an SVG
 * attribute, so the allow-list is what keeps a URL parameter from injecting markup.
 */

/** shields.io's palette (badge-maker's `namedColors`). */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  brightgreen: "#4b0",
  green: "#67ac09",
  yellow: "#d8b800",
  yellowgreen: "#95991a",
  orange: "#ea7233",
  red: "#dd4343",
  blue: "#007ec6",
  grey: "#555",
  lightgrey: "#939393",
};

/** shields.io's aliases for the palette. */
export const COLOR_ALIASES: Readonly<Record<string, string>> = {
  gray: "grey",
  lightgray: "lightgrey",
  critical: "red",
  important: "orange",
  success: "brightgreen",
  informational: "blue",
  inactive: "lightgrey",
};

export const COLOR_NAMES: readonly string[] = [...Object.keys(NAMED_COLORS), ...Object.keys(COLOR_ALIASES)];

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** The pattern a `color` parameter must match (for the API schema). */
export const COLOR_PATTERN = `^(#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})|${COLOR_NAMES.join("|")})$`;

/** The SVG fill for a colour parameter ("#4b0", "#007ec6"), or null when it is not allowed. */
export function badgeColor(input: string): string | null {
  const value = input.trim().toLowerCase();
  // Own-property checks: "constructor" or "__proto__" must not resolve through the prototype.
  const name = Object.hasOwn(COLOR_ALIASES, value) ? COLOR_ALIASES[value]! : value;
  if (Object.hasOwn(NAMED_COLORS, name)) return NAMED_COLORS[name]!;
  const hex = HEX.exec(value);
  return hex ? `#${hex[1]}` : null;
}

/**
 * Perceived brightness 0..1 of a hex colour (ITU-R 601 weights, rounded to 2 places, as
 * badge-maker computes it): text on backgrounds brighter than 0.69 is drawn dark.
 */
export function brightness(hex: string): number {
  let digits = hex.replace(/^#/, "");
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join("");
  const n = Number.parseInt(digits, 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return Number(((r * 299 + g * 587 + b * 114) / 255_000).toFixed(2));
}
