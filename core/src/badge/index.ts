/** Badge rendering (SVG in shields.io's look, activity heat map) and platform-free EdgeCaches. */
export { renderBadge, BADGE_STYLES, type BadgeInput, type BadgeStyle } from "./render-badge.ts";
export { renderHeatmap, heatmapFirstDay, levelsOf, HEATMAP_THEMES, type HeatmapInput, type HeatmapTheme } from "./heatmap.ts";
export { badgeColor, brightness, COLOR_ALIASES, COLOR_NAMES, COLOR_PATTERN, NAMED_COLORS } from "./colors.ts";
export { cleanBadgeText, escapeXml, truncateText } from "./xml.ts";
export { measurerFor, type CharWidthTable, type TextMeasurer } from "./text-width.ts";
export { BADGE_FONTS, type BadgeFonts } from "./fonts.ts";
export { memoryEdgeCache, noEdgeCache } from "./edge-cache.ts";
