/// <reference path="../../core/src/badge/anafanafo.d.ts" />
import { beforeEach, describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { makeBadge } from "badge-maker";
import anafanafo from "anafanafo";
import { humanText } from "@kodo/core";
import { call, expectedTotals, freshStorage, sum } from "./helpers.ts";
import { aSharingUser, minutes, send } from "./public-fixtures.ts";

beforeEach(freshStorage);

/** 2026-10-05 09:00 UTC: badges below ask for the month "2026-10", whatever today is. */
const T = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;

/** 30 minutes of TypeScript in "kodo", then (after a break longer than the timeout) 10 of Go in "secret". */
function aMorning() {
  return [...minutes(T, 31, { project: "kodo", language: "TypeScript" }), ...minutes(T + 7200, 11, { project: "secret", language: "Go" })];
}
const byProject = (beats: ReturnType<typeof aMorning>) => expectedTotals(beats.map((b) => ({ time: b.time, key: b.project })));

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", textNodeName: "#text", parseTagValue: false, trimValues: false });

/** The SVG, after checking it is well-formed XML and served with the safety headers. */
async function svgOf(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
  expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("cache-control")).toBe("public, no-cache");
  const svg = await res.text();
  expect(XMLValidator.validate(svg)).toBe(true);
  return svg;
}

/** aria-label of the root: "label: message". */
const ariaLabel = (svg: string) => parser.parse(svg).svg["aria-label"] as string;

const preferredWidth = (text: string) => {
  const w = anafanafo(text, { font: "11px Verdana" }) | 0;
  return w % 2 === 0 ? w + 1 : w;
};

describe("SVG badges", () => {
  it("show a public user's total over the range, labelled with the range", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    const beats = aMorning();
    await send(u.key, beats);
    const svg = await svgOf(await call(`/api/badge/${u.username}/2026-10.svg`));
    expect(ariaLabel(svg)).toBe(`2026-10: ${humanText(sum(byProject(beats)))}`);
    expect(ariaLabel(svg)).toBe("2026-10: 40 mins");
  });

  it("filter exactly by project, language, editor, OS and machine", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public", machines: true });
    const beats = aMorning();
    await send(u.key, beats);
    const totals = byProject(beats);
    const message = async (query: string) => ariaLabel(await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?${query}`))).split(": ")[1];
    expect(await message("project=kodo")).toBe(humanText(totals.get("kodo")!));
    expect(await message("project=secret")).toBe(humanText(totals.get("secret")!));
    expect(await message("language=Go")).toBe(humanText(totals.get("secret")!));
    expect(await message("language=Go&project=kodo")).toBe("0 secs");
    expect(await message("editor=VS%20Code")).toBe(humanText(sum(totals)));
    expect(await message("os=Linux")).toBe(humanText(sum(totals)));
    expect(await message("machine=nowhere")).toBe("0 secs");
    const label = ariaLabel(await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?project=kodo`)));
    expect(label).toBe(`kodo · 2026-10: ${humanText(totals.get("kodo")!)}`);
  });

  it("lay out text with the real Verdana metrics (anafanafo), identical to shields.io's badge-maker", async () => {
    const u = await aSharingUser({ publicProfile: true });
    await send(u.key, aMorning());
    for (const label of ["WWW mmm", "iii lll", "coding time"]) {
      const svg = await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?label=${encodeURIComponent(label)}&color=4b0`));
      const rects = parser.parse(svg).svg.g[0].rect as { width: string; x?: string }[];
      expect(Number(rects[0]!.width)).toBe(preferredWidth(label) + 10);
      expect(Number(rects[1]!.width)).toBe(preferredWidth("40 mins") + 10);
      expect(Number(parser.parse(svg).svg.width)).toBe(preferredWidth(label) + preferredWidth("40 mins") + 20);
      expect(svg).toBe(makeBadge({ label, message: "40 mins", color: "#4b0" }));
    }
    for (const style of ["flat-square", "for-the-badge"] as const) {
      const svg = await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?label=kodo&style=${style}&color=orange`));
      expect(svg).toBe(makeBadge({ label: "kodo", message: "40 mins", color: "#ea7233", style }));
    }
  });

  it("escape and measure hostile labels: markup, quotes, ampersands, RTL and emoji", async () => {
    const u = await aSharingUser({ publicProfile: true });
    await send(u.key, aMorning());
    const label = `<script>alert("x")</script> & 'q' مرحبا 🚀👩‍💻`;
    const svg = await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?label=${encodeURIComponent(label)}`));
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos; مرحبا 🚀👩‍💻");
    const doc = parser.parse(svg);
    expect(doc.svg["aria-label"]).toBe(`${label}: 40 mins`);
    expect(doc.svg.title).toBe(`${label}: 40 mins`);
    expect(Number(doc.svg.g[0].rect[0].width)).toBe(preferredWidth(label) + 10);
    // Characters XML cannot carry are dropped rather than breaking the document.
    const controls = await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?label=${encodeURIComponent("a\u0001b\u0000c")}`));
    expect(ariaLabel(controls)).toBe("abc: 40 mins");
  });

  it("refuse colours outside the allow-list, unknown ranges and styles, and over-long labels (JSON 400)", async () => {
    const u = await aSharingUser({ publicProfile: true });
    const bad = [
      [`color=${encodeURIComponent('red" onload="alert(1)')}`, "color"],
      [`color=${encodeURIComponent("url(#x)")}`, "color"],
      ["color=rgb(1,2,3)", "color"],
      ["color=constructor", "color"],
      ["style=plastic", "style"],
      [`label=${"x".repeat(65)}`, "label"],
      ["project=", "project"],
    ] as const;
    for (const [query, field] of bad) {
      const res = await call(`/api/badge/${u.username}/2026-10.svg?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: string }).error.startsWith(`${field}: `), query).toBe(true);
    }
    const range = await call(`/api/badge/${u.username}/last_century.svg`);
    expect(range.status).toBe(400);
    expect(await range.json()).toEqual({ error: 'range: unknown range "last_century"' });
    // Named colours, aliases and hex with or without "#" are fine.
    for (const color of ["brightgreen", "informational", "abc", "%23a1b2c3"]) {
      expect((await call(`/api/badge/${u.username}/2026-10.svg?color=${color}`)).status).toBe(200);
    }
  });

  it("are the same neutral 'private' badge for private, unknown and sharing-off users", async () => {
    const noRow = await aSharingUser();
    const off = await aSharingUser({ publicProfile: false, projects: "public" });
    for (const u of [noRow, off]) await send(u.key, aMorning());
    const bodies = [];
    for (const username of [noRow.username, off.username, "nobody-has-this-name"]) {
      const svg = await svgOf(await call(`/api/badge/${username}/2026-10.svg?style=flat-square`));
      expect(ariaLabel(svg)).toBe("2026-10: private");
      bodies.push(svg);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toBe(makeBadge({ label: "2026-10", message: "private", color: "#939393", style: "flat-square" }));
  });

  it("are private when filtering on what the user hides (hidden or aliased projects, languages, machines)", async () => {
    const hidden = await aSharingUser({ publicProfile: true, projects: "hidden", languages: false });
    const alias = await aSharingUser({ publicProfile: true, projects: "alias" });
    for (const u of [hidden, alias]) await send(u.key, aMorning());
    const message = async (u: { username: string }, query: string) =>
      ariaLabel(await svgOf(await call(`/api/badge/${u.username}/2026-10.svg?${query}`))).split(": ")[1];
    expect(await message(hidden, "project=kodo")).toBe("private");
    expect(await message(hidden, "project=no-such-project")).toBe("private");
    expect(await message(hidden, "language=Go")).toBe("private");
    expect(await message(hidden, "machine=any")).toBe("private"); // machines are off by default
    expect(await message(hidden, "")).toBe("40 mins"); // the total itself is shared
    expect(await message(alias, "project=kodo")).toBe("private");
    expect(await message(alias, "language=Go")).toBe("10 mins");
  });

  it("cut ranges to the shared history", async () => {
    const u = await aSharingUser({ publicProfile: true, historyDays: 2 });
    const now = Math.floor(Date.now() / 1000);
    await send(u.key, [...minutes(now - 3600, 11), ...minutes(now - 4 * 86_400, 21, { project: "old" })]);
    const svg = await svgOf(await call(`/api/badge/${u.username}/last_7_days.svg`));
    expect(ariaLabel(svg)).toBe("last 2 days: 10 mins");
    expect(ariaLabel(await svgOf(await call(`/api/badge/${u.username}/2020.svg`)))).toBe("2020: private");
  });
});

describe("shields.io endpoint JSON", () => {
  it("carries the same label and message, with the colour as shields.io takes it", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    await send(u.key, aMorning());
    const res = await call(`/api/badge/${u.username}/2026-10.json?project=kodo&color=success`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ schemaVersion: 1, label: "kodo · 2026-10", message: "30 mins", color: "brightgreen" });
    const hex = await (await call(`/api/badge/${u.username}/2026-10.json?color=%23ABCDEF&label=time`)).json();
    expect(hex).toEqual({ schemaVersion: 1, label: "time", message: "40 mins", color: "abcdef" });
    const priv = await (await call(`/api/badge/nobody-here/2026-10.json?color=red`)).json();
    expect(priv).toEqual({ schemaVersion: 1, label: "2026-10", message: "private", color: "lightgrey" });
  });
});

describe("activity heat map", () => {
  it("draws the last 12 months of a public user, in light or dark", async () => {
    const u = await aSharingUser({ publicProfile: true });
    const now = Math.floor(Date.now() / 1000);
    // Today's 30 minutes start an hour ago, or just after midnight (UTC) when the day is younger.
    const todayStart = Math.max(now - 3600, Math.floor(now / 86_400) * 86_400 + 60);
    await send(u.key, [...minutes(todayStart, 31), ...minutes(now - 10 * 86_400, 11), ...minutes(now - 400 * 86_400, 11)]);
    const light = await svgOf(await call(`/api/activity/${u.username}.svg`));
    const dark = await svgOf(await call(`/api/activity/${u.username}.svg?theme=dark`));
    const cells = (svg: string) => (parser.parse(svg).svg.g.rect as any[]).filter((r) => r["data-day"]);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    const tenDaysAgo = new Date((now - 10 * 86_400) * 1000).toISOString().slice(0, 10);
    expect(cells(light).at(-1)["data-day"]).toBe(today);
    expect(cells(light).length).toBeGreaterThanOrEqual(365);
    const fill = (svg: string, day: string) => cells(svg).find((r) => r["data-day"] === day)?.fill;
    expect(fill(light, today)).toBe("#216e39"); // the busiest day: darkest
    expect(fill(dark, today)).toBe("#39d353");
    expect(fill(light, tenDaysAgo)).not.toBe("#ebedf0");
    // 30 + 10 minutes in the window; the day 400 days ago is outside it.
    expect(parser.parse(light).svg["data-total-seconds"]).toBe(String(40 * 60));
    expect(ariaLabel(light)).toBe(`${u.username}: 40 mins in the last 12 months`);
  });

  it("draws only the days the user shares", async () => {
    const u = await aSharingUser({ publicProfile: true, historyDays: 5 });
    const now = Math.floor(Date.now() / 1000);
    await send(u.key, [...minutes(now - 3600, 11), ...minutes(now - 20 * 86_400, 11)]);
    const svg = await svgOf(await call(`/api/activity/${u.username}.svg`));
    const days = (parser.parse(svg).svg.g.rect as any[]).filter((r) => r["data-day"]).map((r) => r["data-day"]);
    expect(days).toEqual([4, 3, 2, 1, 0].map((n) => new Date((now - n * 86_400) * 1000).toISOString().slice(0, 10)));
    expect(ariaLabel(svg)).toBe(`${u.username}: 10 mins in the last 5 days`);
  });

  it("is the private badge for private users and users sharing totals only", async () => {
    const off = await aSharingUser({ publicProfile: false });
    const totalsOnly = await aSharingUser({ publicProfile: true, historyDays: 0 });
    for (const username of [off.username, totalsOnly.username, "nobody-at-all"]) {
      const svg = await svgOf(await call(`/api/activity/${username}.svg`));
      expect(ariaLabel(svg)).toBe("activity: private");
    }
    expect((await call(`/api/activity/${off.username}.svg?theme=sepia`)).status).toBe(400);
  });
});
