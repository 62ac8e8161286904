import { describe, expect, it } from "vitest";
import { customRange } from "../../time/ranges.ts";
import { summariesResponse } from "./summaries.ts";

describe("summaries answer", () => {
  it("answers a range without activity with every day empty", () => {
    const body = summariesResponse([], customRange("2026-10-04", "2026-10-06")!, "UTC", false);
    expect(body.data).toHaveLength(3);
    expect(body.data[0]).toMatchObject({ grand_total: { total_seconds: 0, text: "0 secs" }, projects: [], categories: [], dependencies: [] });
    expect(body.data[0]).not.toHaveProperty("branches");
    expect(summariesResponse([], customRange("2026-10-04", "2026-10-04")!, "UTC", true).data[0]).toHaveProperty("branches", []);
    expect(body.daily_average).toMatchObject({ holidays: 3, days_minus_holidays: 0, seconds: 0 });
    expect(body.start).toBe("2026-10-04T00:00:00.000Z");
    expect(body.end).toBe("2026-10-06T23:59:59.000Z");
  });
});
