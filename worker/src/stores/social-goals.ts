/** Goals on D1 (issue 9): the user's rows in `goals`; progress is computed on read (core). */
import type { Goal, SocialStore } from "@kodo/core/social";

type GoalStore = Pick<SocialStore, "listGoals" | "addGoal" | "deleteGoal">;

interface GoalRow {
  id: string;
  period: string;
  seconds: number;
  project: string | null;
  language: string | null;
  created_at: string;
}

const goalOf = (r: GoalRow): Goal => ({
  id: r.id,
  period: r.period === "week" ? "week" : "day",
  seconds: r.seconds,
  project: r.project,
  language: r.language,
  createdAt: r.created_at,
});

export function d1Goals(db: D1Database): GoalStore {
  return {
    async listGoals(userId) {
      const { results } = await db.prepare("SELECT * FROM goals WHERE user_id = ? ORDER BY created_at, id").bind(userId).all<GoalRow>();
      return results.map(goalOf);
    },

    async addGoal(userId, goal, max) {
      const id = crypto.randomUUID();
      // One statement checks the limit and inserts, so two requests at once cannot pass it.
      const row = await db
        .prepare(
          `INSERT INTO goals (id, user_id, period, seconds, project, language)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE (SELECT count(*) FROM goals WHERE user_id = ?2) < ?7
           RETURNING *`,
        )
        .bind(id, userId, goal.period, goal.seconds, goal.project, goal.language, max)
        .first<GoalRow>();
      return row ? goalOf(row) : null;
    },

    async deleteGoal(userId, goalId) {
      const res = await db.prepare("DELETE FROM goals WHERE id = ? AND user_id = ?").bind(goalId, userId).run();
      return res.meta.changes > 0;
    },
  };
}
