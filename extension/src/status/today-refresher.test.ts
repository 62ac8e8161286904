import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../test/builders";
import { FakeApiServer } from "../../test/fake-api-server";
import { createApiClient } from "../transport/api-client";
import { TODAY_REFRESH_MS, TodayRefresher } from "./today-refresher";

let server: FakeApiServer;
beforeEach(async () => {
  server = await new FakeApiServer().start();
});
afterEach(async () => {
  await server.stop();
});

describe("TodayRefresher", () => {
  it("asks the server at most once a minute and keeps the last value on failure", async () => {
    const clock = new FakeClock();
    const client = createApiClient({
      apiUrl: server.apiUrl,
      apiKey: server.validKey,
      userAgent: "t",
      machineName: "m",
    });
    const today = new TodayRefresher(clock.now);
    expect(await today.refresh(client)).toBe(true);
    expect(today.today).toEqual({ text: "1 hr 5 mins", totalSeconds: 3900 });
    server.todayText = "1 hr 6 mins";
    clock.advance(TODAY_REFRESH_MS - 1);
    expect(await today.refresh(client)).toBe(false);
    clock.advance(1);
    expect(await today.refresh(client)).toBe(true);
    expect(today.today?.text).toBe("1 hr 6 mins");
    expect(server.requests).toHaveLength(2);

    server.behaviour = { kind: "status", status: 500 };
    clock.advance(TODAY_REFRESH_MS);
    expect(await today.refresh(client)).toBe(false);
    expect(today.today?.text).toBe("1 hr 6 mins");
  });
});
