import { readFile } from "node:fs/promises";
import path from "node:path";
import { obeyRules } from "../../src/demo-model/index.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

/** A supervisor whose model obeys every `CALL tool {json}` line, plus the people of the adversarial suite. */
export interface World {
  s: Supervisor;
  /** Creates bots and owns them. */
  chris: string;
  /** A second person with no special rights. */
  mallory: string;
  /** The seeded guild's owner: Manage Server there. */
  manager: string;
}

export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const s = await startSupervisor({ env });
  s.model.prependRules(...obeyRules());
  const mallory = s.sandbox.control.createUser("mallory").id;
  const manager = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
  return { s, chris: s.humanId, mallory, manager };
}

/** `CALL name {args}` as one line of a message. */
export const call = (name: string, args: Record<string, unknown> = {}) => `CALL ${name} ${JSON.stringify(args)}`;

/** Posts as `author` in `channel` and resolves with the bot's reply to that message. */
export async function ask(s: Supervisor, channel: string, author: string, botUserId: string, text: string, timeoutMs = 30_000): Promise<string> {
  const asked = s.sandbox.control.postMessage(channel, author, text);
  const reply = await waitFor(
    () => s.messages(channel).find((m) => m.author.id === botUserId && m.message_reference?.message_id === asked.id),
    timeoutMs,
    `reply to "${text.slice(0, 60)}"`,
  );
  return reply.content;
}

/**
 * The tool API key an agent's tools hold (a 0600 file for the tools): its own in shared mode, the
 * project's (`_bots`) in project mode, where the API tells the bot from the session.
 */
export async function agentKey(s: Supervisor, agentId: string): Promise<string> {
  const keys = JSON.parse(await readFile(path.join(s.dir, "data", "opencode", "agent-keys.json"), "utf8")) as Record<string, string>;
  const of = (id: string) => Object.entries(keys).find(([dir]) => path.basename(dir) === id)?.[1];
  const key = of(agentId) ?? of("_bots");
  if (!key) throw new Error(`no key for ${agentId}`);
  return key;
}

/** Makes an app in the sandbox portal for a pending agent; returns its token and bot user. */
export function portalApp(s: Supervisor, name: string): { token: string; userId: string; applicationId: string } {
  const app = s.sandbox.control.createApplication(name, { message_content_intent: true });
  s.sandbox.control.addBotToGuild(s.sandbox.control.guildId(), app.application_id);
  return { token: app.token, userId: app.bot_user_id, applicationId: app.application_id };
}
