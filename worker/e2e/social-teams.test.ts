/**
 * Issue 9's team pages in a real browser (Debian chromium) against the local site and worker:
 * Alice creates a team and an invite link, Bruno joins through the link and chooses one of his
 * two projects to count; the team dashboard's totals equal totals computed here from the
 * seeded heartbeats of the chosen projects, the excluded project's name never reaches the
 * HTML; ownership moves to Bruno and Alice leaves. Issue 13: Alice removes Bruno, his old link
 * no longer admits him, she revokes it and invites by username (the page says the same for an
 * unknown name), and Bruno rejoins through the invitation on his Teams page.
 * Screenshot: test-results/social/.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/local-worker.mjs";
import { A, B, SECRET, startSocialStack, type SocialStack } from "./social-helpers.ts";
import { gotoReady } from "./site-stack.ts";

const SHOTS = path.join(ROOT, "test-results", "social");
let s: SocialStack;

beforeAll(async () => {
  s = await startSocialStack();
  await mkdir(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await s?.close();
});

describe("teams", () => {
  let teamUrl = "";
  let link = "";

  it("A creates a team and an invite link; B joins by the link and counts one project", async () => {
    await gotoReady(s.pageA, `${s.stack.siteUrl}/teams`);
    await s.pageA.getByLabel("New team name").fill("Night Shift");
    await s.pageA.getByRole("button", { name: "Create team" }).click();
    await s.pageA.waitForURL(/\/teams\/[^/?]+\?created/);
    teamUrl = s.pageA.url().split("?")[0]!;
    await s.pageA.getByTestId("create-invite").click();
    link = await s.pageA.getByTestId("invite-url").first().inputValue();
    expect(link).toMatch(new RegExp(`^${s.stack.siteUrl}/teams/join/[^/]+$`));
    // A counts all of their projects.
    await s.pageA.getByLabel("All my projects, including future ones").check();
    await s.pageA.getByTestId("save-projects").click();
    await s.pageA.getByText(/Saved: the team dashboard/).waitFor();

    await gotoReady(s.pageB, link);
    await s.pageB.getByTestId("join-team").click();
    await s.pageB.waitForURL(/\?joined/);
    expect(s.pageB.url().split("?")[0]).toBe(teamUrl);
    await s.pageB.getByLabel("harbor").check();
    await s.pageB.getByTestId("save-projects").click();
    await s.pageB.getByText(/Saved: the team dashboard/).waitFor();
    expect(await s.pageB.getByLabel(SECRET).isChecked()).toBe(false);
  });

  it("A removes B, revokes the old link and invites B by username; B rejoins only through that invitation", async () => {
    await gotoReady(s.pageA, teamUrl);
    expect(await s.pageA.getByTestId("pending-invite").count()).toBe(1);
    await s.pageA.getByRole("button", { name: `Remove @${B}` }).click();
    await s.pageA.getByText("Member removed.").waitFor();
    // The link B joined by was made before the removal: it no longer admits him.
    await gotoReady(s.pageB, link);
    await s.pageB.getByTestId("join-team").click();
    await s.pageB.getByText("No such invite: it may have expired or been revoked").waitFor();

    await gotoReady(s.pageA, teamUrl);
    await s.pageA.getByTestId("revoke-invite").click();
    await s.pageA.getByText("Invite revoked: it no longer works.").waitFor();
    expect(await s.pageA.getByTestId("pending-invite").count()).toBe(0);
    // An unknown name and a real one get the same words.
    for (const name of ["nobody-zz-404", B]) {
      await s.pageA.getByLabel("Username (optional)").fill(name);
      await s.pageA.getByTestId("create-invite").click();
      await s.pageA.getByText(`If @${name} exists, they have been invited: the invitation waits on their Teams page for 7 days.`).waitFor();
    }
    await s.pageA.getByTestId("pending-invite").filter({ hasText: `For @${B}` }).waitFor();
    expect(await s.pageA.getByTestId("pending-invite").filter({ hasText: "For @nobody-zz-404" }).count()).toBe(1);
    await s.pageA.screenshot({ path: path.join(SHOTS, "team-invites.png"), fullPage: true });

    await gotoReady(s.pageB, `${s.stack.siteUrl}/teams`);
    await s.pageB.getByRole("button", { name: "Join Night Shift" }).click();
    await s.pageB.waitForURL(/\?joined/);
    expect(s.pageB.url().split("?")[0]).toBe(teamUrl);
    // Rejoined: B chooses his project again (a removal forgets the choice).
    await s.pageB.getByLabel("harbor").check();
    await s.pageB.getByTestId("save-projects").click();
    await s.pageB.getByText(/Saved: the team dashboard/).waitFor();
    await gotoReady(s.pageA, teamUrl);
    expect(await s.pageA.getByTestId("pending-invite").filter({ hasText: `For @${B}` }).count()).toBe(0); // used up
  });

  it("the team dashboard's totals equal the seeded heartbeats of the chosen projects; the excluded one is absent", async () => {
    const expected = s.week(s.beatsA) + s.week(s.beatsB, (b) => b.project === "harbor");
    await s.pageA.setViewportSize({ width: 1280, height: 900 });
    await gotoReady(s.pageA, `${teamUrl}?range=last_7_days`);
    expect(Number(await s.pageA.getByTestId("team-total").getAttribute("data-seconds"))).toBeCloseTo(expected, 0);
    const projectSeconds = async (name: string) => Number(await s.pageA.locator(`[data-testid=projects-row][data-name="${name}"] [data-seconds]`).getAttribute("data-seconds"));
    expect(await projectSeconds("harbor")).toBeCloseTo(s.week(s.beatsB, (b) => b.project === "harbor"), 0);
    expect(await projectSeconds("atlas")).toBeCloseTo(s.week(s.beatsA, (b) => b.project === "atlas"), 0);
    expect(await s.pageA.content()).not.toContain(SECRET);
    await s.pageA.screenshot({ path: path.join(SHOTS, "team-dashboard.png"), fullPage: true });

    // The leaderboards page's team tab ranks the same chosen projects' time.
    await gotoReady(s.pageA, `${s.stack.siteUrl}/leaderboards?scope=team&range=last_7_days`);
    const total = (u: string) => s.pageA.locator(`[data-testid=leader-row][data-username="${u}"] [data-testid=leader-total]`).getAttribute("data-seconds");
    expect(Number(await total(B))).toBeCloseTo(s.week(s.beatsB, (b) => b.project === "harbor"), 0);
    expect(Number(await total(A))).toBeCloseTo(s.week(s.beatsA), 0);
    expect(await s.pageA.content()).not.toContain(SECRET);

    // Phone width, dark theme: for looking at.
    await s.pageA.context().addCookies([{ name: "kodo-theme", value: "dark", url: s.stack.siteUrl }]);
    await s.pageA.setViewportSize({ width: 390, height: 844 });
    await gotoReady(s.pageA, teamUrl);
    await s.pageA.screenshot({ path: path.join(SHOTS, "team-dashboard-phone-dark.png"), fullPage: true });
    await s.pageA.context().clearCookies({ name: "kodo-theme" });
    await s.pageA.setViewportSize({ width: 1280, height: 900 });
  });

  it("A transfers ownership to B, then leaves", async () => {
    await gotoReady(s.pageA, teamUrl);
    await s.pageA.getByRole("button", { name: `Transfer ownership to @${B}` }).click();
    await s.pageA.getByText(`Ownership transferred to @${B}.`).waitFor();
    await s.pageA.getByText("you are admin").waitFor();
    await gotoReady(s.pageB, teamUrl);
    await s.pageB.getByText("you are owner").waitFor();

    await gotoReady(s.pageA, teamUrl);
    await s.pageA.getByTestId("leave-team").click();
    await s.pageA.waitForURL(`${s.stack.siteUrl}/teams`);
    expect(await s.pageA.getByTestId("team-item").count()).toBe(0);
    await gotoReady(s.pageB, teamUrl);
    expect(await s.pageB.getByTestId("member").count()).toBe(1);
  });
});

