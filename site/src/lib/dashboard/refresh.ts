/** The dashboard's data dependency: `invalidate(DASHBOARD_DEPENDENCY)` reloads it. */
export const DASHBOARD_DEPENDENCY = "kodo:dashboard";
/** "Today so far" refreshes this often while the page is visible (and when it becomes visible). */
export const REFRESH_SECONDS = 60;
