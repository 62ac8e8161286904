/**
 * Contract: importing a Kodo export restores its external durations (WakaTime's
 * `external_durations`, exported in version 2) on every platform: the same identities, times
 * and fields come back, they count in the day's totals again, a duration already there (same
 * provider and external_id) is replaced rather than added twice, a second import of the same
 * file changes nothing, and an invalid item is counted and named without failing the rest.
 */
import { describe, expect, it } from "vitest";
import { clientFor, wireBeat } from "./client.ts";
import { addUtcDays, dayStart, utcDay } from "./expected.ts";
import type { ContractTarget } from "./target.ts";

export function defineExternalImportContract(getTarget: () => ContractTarget): void {
  const newUser = async () => {
    const target = getTarget();
    const { key } = await target.createUser();
    return { key, ...clientFor(target, key) };
  };
  type U = Awaited<ReturnType<typeof newUser>>;
  const day = addUtcDays(utcDay(Math.floor(Date.now() / 1000)), -3);
  const at = (hour: number) => dayStart(day) + hour * 3600;
  const listed = async (u: U) => ((await u.getJson(`/api/v1/users/current/external_durations?date=${day}&timezone=UTC`)).data as Record<string, unknown>[]).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const dayTotal = async (u: U) => (await u.getJson(`/api/v1/users/current/summaries?start=${day}&end=${day}`)).data[0].grand_total.total_seconds as number;
  const importFile = async (u: U, text: string) => {
    const res = await u.call("/api/kodo/account/import", { method: "POST", body: text });
    return { status: res.status, body: (await res.json()) as any };
  };

  describe("importing a Kodo export's external durations", () => {
    it("restores them (same ids, fields and day totals), replaces one already there, and changes nothing the second time", async () => {
      const source = await newUser();
      const durations = [
        { external_id: "meeting-1", provider: "calendar", entity: "Standup", type: "event", category: "meeting", start_time: at(9), end_time: at(9) + 900, project: "atlas", meta: '{"room":"A"}' },
        { external_id: "meeting-2", provider: "calendar", entity: "Review", start_time: at(14), end_time: at(15), language: "English" },
      ];
      expect((await source.post("/api/v1/users/current/external_durations.bulk", durations)).status).toBe(201);
      expect((await source.post("/api/v1/users/current/heartbeats.bulk", [wireBeat(at(11)), wireBeat(at(11) + 300)])).status).toBe(201);
      const file = await (await source.call("/api/kodo/account/export")).text();
      expect(JSON.parse(file).external_durations).toHaveLength(2);
      const want = await listed(source);

      const target = await newUser();
      // One of them is already there, with other times: the file's replaces it.
      expect((await target.post("/api/v1/users/current/external_durations", { ...durations[1], start_time: at(16), end_time: at(17) })).status).toBe(201);
      const first = await importFile(target, file);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ format: "kodo-export", created: 2, restored: { external_durations_added: 1, external_durations_existing: 1, external_durations_rejected: 0, external_durations_skipped: 0 } });
      expect(await listed(target)).toEqual(want);
      expect(await dayTotal(target)).toBe(await dayTotal(source));
      expect(await dayTotal(target)).toBe(900 + 3600 + 300);

      const second = await importFile(target, file);
      expect(second.body).toMatchObject({ created: 0, duplicates: 2, restored: { external_durations_added: 0, external_durations_existing: 2 } });
      expect(await listed(target)).toEqual(want);
      expect(await dayTotal(target)).toBe(900 + 3600 + 300);
    });

    it("counts and names an invalid item, storing the others", async () => {
      const source = await newUser();
      expect((await source.post("/api/v1/users/current/external_durations", { external_id: "ok", provider: "calendar", entity: "Planning", start_time: at(10), end_time: at(11) })).status).toBe(201);
      const doc = JSON.parse(await (await source.call("/api/kodo/account/export")).text());
      doc.external_durations.push({ ...doc.external_durations[0], external_id: "backwards", end_time: at(9) }, "not an object");
      const target = await newUser();
      const res = await importFile(target, JSON.stringify(doc));
      expect(res.status).toBe(200);
      expect(res.body.restored).toMatchObject({ external_durations_added: 1, external_durations_rejected: 2 });
      expect(res.body.errors).toEqual(["external_durations[1]: end_time: epoch seconds after start_time", "external_durations[2]: expected a JSON object"]);
      expect((await listed(target)).map((d) => d.external_id)).toEqual(["ok"]);
    });
  });
}
