import { describe, expect, it } from "vitest";
import { memoryEdgeCache } from "./edge-cache.ts";

describe("memoryEdgeCache", () => {
  it("returns a stored response until it expires", async () => {
    let now = 1_000;
    const cache = memoryEdgeCache({ now: () => now });
    await cache.put("https://k.test/a", new Response("badge", { headers: { "content-type": "image/svg+xml" } }), 60);
    const hit = await cache.match("https://k.test/a");
    expect(await hit?.text()).toBe("badge");
    expect(hit?.headers.get("content-type")).toBe("image/svg+xml");
    expect(await (await cache.match("https://k.test/a"))?.text()).toBe("badge");
    now += 60;
    expect(await cache.match("https://k.test/a")).toBeUndefined();
  });

  it("drops the least recently used entry beyond its size", async () => {
    const cache = memoryEdgeCache({ now: () => 0, maxEntries: 2 });
    await cache.put("https://k.test/1", new Response("1"), 60);
    await cache.put("https://k.test/2", new Response("2"), 60);
    await cache.match("https://k.test/1");
    await cache.put("https://k.test/3", new Response("3"), 60);
    expect(await cache.match("https://k.test/2")).toBeUndefined();
    expect(await (await cache.match("https://k.test/1"))?.text()).toBe("1");
    expect(await (await cache.match("https://k.test/3"))?.text()).toBe("3");
  });
});
