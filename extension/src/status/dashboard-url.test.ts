import { describe, expect, it } from "vitest";
import { dashboardUrl } from "./dashboard-url";

describe("dashboardUrl", () => {
  it("is the API's origin", () => {
    expect(dashboardUrl("http://127.0.0.1:8787/api/v1")).toBe("http://127.0.0.1:8787/");
    expect(dashboardUrl("https://kodo.example.com/api/compat/wakatime/v1/")).toBe(
      "https://kodo.example.com/",
    );
    expect(dashboardUrl("not a url")).toBeUndefined();
  });
});
