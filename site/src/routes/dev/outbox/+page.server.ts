import { error } from "@sveltejs/kit";
import { api } from "$lib/server/api";
import type { PageServerLoad } from "./$types";

interface Message {
  id: string;
  to: string;
  subject: string;
  text: string;
  link: string | null;
  created_at: string;
}

/** Local development only: the worker answers 404 unless its local outbox is on. */
export const load: PageServerLoad = async (event) => {
  const res = await api(event, "/api/kodo/dev/outbox");
  if (res.status === 404) error(404, "No local outbox on this server: sign-in mail is really sent.");
  if (!res.ok) error(res.status, "The outbox could not be read");
  return { messages: ((await res.json()) as { data: Message[] }).data };
};
