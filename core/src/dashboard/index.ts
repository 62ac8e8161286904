export * from "./types.ts";
export { labelOf, shareItems } from "./labels.ts";
export { dailySeries, bucketFor, bucketStart, STACKED_PROJECTS, OTHER_PROJECTS } from "./daily-series.ts";
export { hoursOfDay } from "./hours.ts";
export { bestDay, dailyAverage, streaks } from "./stats.ts";
export { timelineOf } from "./timeline.ts";
export { entityTotals, type EntityInput } from "./entity-totals.ts";
export { buildDashboard, heatMapSpan, timelineDayFor, toSessionFilter, rangeInfo, HEAT_MAP_DAYS, type DashboardInput } from "./build-dashboard.ts";
export { buildProject, FILES_LIMIT, type ProjectInput } from "./build-project.ts";
