import { controlCall } from "../helpers/sandbox.js";
import type { Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

/** One response message of an interaction, as the person sees it. */
export interface Shown {
  id: string;
  content: string;
  flags: number;
  ephemeral: boolean;
  components?: Array<{ components: Array<{ custom_id?: string; label?: string; style: number }> }>;
}

export interface InteractionView {
  acknowledged: number | null;
  expired: boolean;
  responses: Shown[];
  modal: unknown;
}

/** Runs a slash command as `userId` through the control API (POST /control/interactions); returns the interaction id. */
export async function runCommand(
  s: Supervisor,
  userId: string,
  command: string,
  options: Record<string, unknown> = {},
  channelId = s.general,
): Promise<string> {
  const res = await controlCall(s.sandbox, "POST", "/control/interactions", { user_id: userId, channel_id: channelId, command, options });
  if (res.status !== 201) throw new Error(`POST /control/interactions ${command}: ${res.status} ${JSON.stringify(res.json)}`);
  return (res.json as { interaction_id: string }).interaction_id;
}

/** GET /control/interactions/:id */
export async function viewInteraction(s: Supervisor, id: string): Promise<InteractionView> {
  const res = await controlCall(s.sandbox, "GET", `/control/interactions/${id}`);
  if (res.status !== 200) throw new Error(`GET /control/interactions/${id}: ${res.status}`);
  return res.json as InteractionView;
}

/** The interaction's first response once it has text (a deferred "thinking…" response is filled by its edit). */
export async function answerOf(s: Supervisor, id: string, timeoutMs = 30_000): Promise<{ view: InteractionView; answer: Shown }> {
  const view = await waitFor(
    async () => {
      const v = await viewInteraction(s, id);
      if (v.expired) throw new Error(`interaction ${id} expired unanswered`);
      return v.responses[0]?.content ? v : undefined;
    },
    timeoutMs,
    `the answer to interaction ${id}`,
  );
  return { view, answer: view.responses[0]! };
}

/** Runs a command and waits for its answer. */
export async function ask(s: Supervisor, userId: string, command: string, options: Record<string, unknown> = {}, channelId = s.general) {
  return answerOf(s, await runCommand(s, userId, command, options, channelId));
}

/** Clicks a button of a message as `userId` (POST /control/messages/:id/components); returns the click's interaction id. */
export async function click(s: Supervisor, messageId: string, userId: string, customId: string): Promise<string> {
  const res = await controlCall(s.sandbox, "POST", `/control/messages/${messageId}/components`, { user_id: userId, custom_id: customId });
  if (res.status !== 201) throw new Error(`click ${customId}: ${res.status} ${JSON.stringify(res.json)}`);
  return (res.json as { interaction_id: string }).interaction_id;
}

/** The custom_ids of a message's buttons. */
export const buttonsOf = (message: Shown) => (message.components ?? []).flatMap((row) => row.components.map((c) => c.custom_id ?? ""));
