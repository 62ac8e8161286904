/**
 * Renders a badge as SVG in shields.io's look. The layout is shields.io's badge-maker's,
 * line for line (its "flat", "flat-square" and "for-the-badge" renderers, without logos or
 * links), so the output is byte-identical to badge-maker's for the same input: the tests check
 * exactly that. Widths come from the same metric tables (`fonts.ts`), not a guessed character
 * width. Every piece of text and every attribute value goes through `escapeXml`.
 */
import { BADGE_FONTS, type BadgeFonts } from "./fonts.ts";
import { brightness } from "./colors.ts";
import { escapeXml } from "./xml.ts";

export const BADGE_STYLES = ["flat", "flat-square", "for-the-badge"] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

export interface BadgeInput {
  /** Left-hand text; "" draws the message alone. Must already be clean (see cleanBadgeText). */
  label: string;
  message: string;
  /** Message background: a hex fill from `badgeColor` ("#007ec6"). */
  color: string;
  /** Label background; shields.io's grey by default. */
  labelColor?: string;
  style?: BadgeStyle;
}

const FONT_FAMILY = "Verdana,Geneva,DejaVu Sans,sans-serif";
const DEFAULT_LABEL_COLOR = "#555";
const DEFAULT_TEXT_FILL = "#fff";
/** Text is drawn 10x larger and scaled down by .1: finer positioning (shields.io PR 1132). */
const SCALE = 10;
const SCALE_DOWN = "scale(.1)";

type Attrs = Record<string, string | number>;
type Node = string | { render(): string };

/** An element; children are elements or text. Text and attribute values are XML-escaped. */
function el(name: string, attrs: Attrs, children: Node[] = []): { render(): string } {
  return {
    render() {
      const attrText = Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
        .join("");
      if (children.length === 0) return `<${name}${attrText}/>`;
      const inner = children.map((c) => (typeof c === "string" ? escapeXml(c) : c.render())).join("");
      return `<${name}${attrText}>${inner}</${name}>`;
    },
  };
}

function textColors(background: string) {
  return brightness(background) <= 0.69 ? { text: DEFAULT_TEXT_FILL, shadow: "#010101" } : { text: "#333", shadow: "#ccc" };
}

/** The group sets fill="#fff"; a text repeats its fill only when it differs. */
function withFill(attrs: Attrs, fill: string): Attrs {
  return fill === DEFAULT_TEXT_FILL ? attrs : { ...attrs, fill };
}

/** Rounds a width down to whole pixels, then up to odd: centred text lands on the pixel grid. */
function preferredWidth(text: string, fonts: BadgeFonts): number {
  const w = fonts.verdana11.widthOf(text) | 0;
  return w % 2 === 0 ? w + 1 : w;
}

function svgRoot(width: number, height: number, accessibleText: string, body: Node[]): string {
  return el("svg", { xmlns: "http://www.w3.org/2000/svg", width, height, role: "img", "aria-label": accessibleText }, [
    el("title", {}, [accessibleText]),
    ...body,
  ]).render();
}

const accessibleTextOf = (label: string, message: string) => (label ? `${label}: ` : "") + message;

/** "flat" (shadowed text, gradient, rounded) and "flat-square" (plain, square). */
function renderFlat(input: BadgeInput, square: boolean, fonts: BadgeFonts): string {
  const { label, message, color } = input;
  const height = 20;
  const horizPadding = 5;
  const hasLabel = label.length > 0 || input.labelColor !== undefined;
  const labelColor = hasLabel ? (input.labelColor ?? DEFAULT_LABEL_COLOR) : color;
  const labelMargin = 1;
  const labelWidth = label.length ? preferredWidth(label, fonts) : 0;
  const leftWidth = hasLabel ? labelWidth + 2 * horizPadding : 0;
  const messageWidth = preferredWidth(message, fonts);
  let messageMargin = leftWidth - (message.length ? 1 : 0);
  if (!hasLabel) messageMargin = messageMargin + 1;
  const rightWidth = messageWidth + 2 * horizPadding;
  const width = leftWidth + rightWidth;

  const textElement = (leftMargin: number, content: string, background: string, textWidth: number): Node => {
    if (!content.length) return "";
    const colors = textColors(background);
    const x = SCALE * (leftMargin + 0.5 * textWidth + horizPadding);
    const y = 140;
    const textLength = SCALE * textWidth;
    if (square) return el("text", withFill({ x, y, textLength, transform: SCALE_DOWN }, colors.text), [content]);
    const shadowY = y + 10;
    return el("g", { transform: SCALE_DOWN }, [
      el("g", { "aria-hidden": "true", fill: colors.shadow }, [
        el("text", { x, y: shadowY, "fill-opacity": ".8", filter: "url(#blur)", textLength }, [content]),
        el("text", { x, y: shadowY, "fill-opacity": ".3", textLength }, [content]),
      ]),
      el("text", withFill({ x, y, textLength }, colors.text), [content]),
    ]);
  };

  const rects = [
    el("rect", { width: leftWidth, height, fill: labelColor }),
    el("rect", { x: leftWidth, width: rightWidth, height, fill: color }),
  ];
  const foreground = el(
    "g",
    { fill: DEFAULT_TEXT_FILL, "text-anchor": "middle", "font-family": FONT_FAMILY, "text-rendering": "geometricPrecision", "font-size": 110 },
    [textElement(labelMargin, label, labelColor, labelWidth), textElement(messageMargin, message, color, messageWidth)],
  );
  const accessible = accessibleTextOf(label, message);
  if (square) return svgRoot(width, height, accessible, [el("g", { "shape-rendering": "crispEdges" }, rects), foreground]);
  return svgRoot(width, height, accessible, [
    el("filter", { id: "blur" }, [el("feGaussianBlur", { stdDeviation: "16" })]),
    el("linearGradient", { id: "s", x2: 0, y2: "100%" }, [
      el("stop", { offset: 0, "stop-color": "#bbb", "stop-opacity": ".1" }),
      el("stop", { offset: 1, "stop-opacity": ".1" }),
    ]),
    el("clipPath", { id: "r" }, [el("rect", { width, height, rx: 3 })]),
    el("g", { "clip-path": "url(#r)" }, [...rects, el("rect", { width, height, fill: "url(#s)" })]),
    foreground,
  ]);
}

/**
 * "for-the-badge": taller, upper case, letter-spaced, bold message. Like badge-maker, the
 * letter spacing counts UTF-16 units (`.length`), so emoji get the same spacing as there.
 */
function renderForTheBadge(input: BadgeInput, fonts: BadgeFonts): string {
  const FONT_SIZE = 10;
  const BADGE_HEIGHT = 28;
  const TEXT_MARGIN = 12;
  const LETTER_SPACING = 1.25;
  const label = input.label.toUpperCase();
  const message = input.message.toUpperCase();
  const { color } = input;
  const labelColor = input.labelColor ?? DEFAULT_LABEL_COLOR;

  const labelTextWidth = label.length ? (fonts.verdana10.widthOf(label) | 0) + LETTER_SPACING * label.length : 0;
  const messageTextWidth = message.length ? (fonts.verdana10Bold.widthOf(message) | 0) + LETTER_SPACING * message.length : 0;
  const hasLabel = Boolean(label.length);
  const labelTextMinX = TEXT_MARGIN;
  let labelRectWidth = 0;
  let messageTextMinX: number;
  if (hasLabel) {
    labelRectWidth = labelTextMinX + labelTextWidth + TEXT_MARGIN;
    messageTextMinX = labelRectWidth + TEXT_MARGIN;
  } else {
    messageTextMinX = TEXT_MARGIN;
  }
  const messageRectWidth = 2 * TEXT_MARGIN + messageTextWidth;

  const labelText = (): Node => {
    const { text } = textColors(labelColor);
    const midX = labelTextMinX + 0.5 * labelTextWidth;
    return el("text", withFill({ transform: SCALE_DOWN, x: SCALE * midX, y: 175, textLength: SCALE * labelTextWidth }, text), [label]);
  };
  const messageText = (): Node => {
    const { text } = textColors(color);
    const midX = messageTextMinX + 0.5 * messageTextWidth;
    return el(
      "text",
      withFill({ transform: SCALE_DOWN, x: SCALE * midX, y: 175, textLength: SCALE * messageTextWidth, "font-weight": "bold" }, text),
      [message],
    );
  };

  const background = hasLabel
    ? [
        el("rect", { width: labelRectWidth, height: BADGE_HEIGHT, fill: labelColor }),
        el("rect", { x: labelRectWidth, width: messageRectWidth, height: BADGE_HEIGHT, fill: color }),
      ]
    : [el("rect", { width: messageRectWidth, height: BADGE_HEIGHT, fill: color })];
  const foreground = el(
    "g",
    {
      fill: DEFAULT_TEXT_FILL,
      "text-anchor": "middle",
      "font-family": FONT_FAMILY,
      "text-rendering": "geometricPrecision",
      "font-size": SCALE * FONT_SIZE,
    },
    [hasLabel ? labelText() : "", messageText()],
  );
  return svgRoot(labelRectWidth + messageRectWidth, BADGE_HEIGHT, accessibleTextOf(label, message), [
    el("g", { "shape-rendering": "crispEdges" }, background),
    foreground,
  ]);
}

export function renderBadge(input: BadgeInput, fonts: BadgeFonts = BADGE_FONTS): string {
  switch (input.style ?? "flat") {
    case "flat":
      return renderFlat(input, false, fonts);
    case "flat-square":
      return renderFlat(input, true, fonts);
    case "for-the-badge":
      return renderForTheBadge(input, fonts);
  }
}
