/**
 * BoBB as the offline demo model plays it: it understands a few requests (help, create,
 * "I want a bot that…", list, change a persona, rename, remove) and calls BoBB's tools for
 * them, as a real model would; anything else gets an honest "the demo cannot do that".
 * A bot named in a request is found by calling `list_agents` first (the tools take ids).
 */
import { DEMO_MARK, greetAll, messageContent } from "./context.js";
import type { RequestView } from "./protocol.js";
import type { Reply } from "./rules.js";

/** "Chef Bot" from "create a chef bot that ...". */
export function botNameFrom(description: string): string {
  const words = description
    .replace(/\b(bot|robot|assistant)\b.*$/i, "")
    .replace(/^(a|an|the|my|new)\s+/i, "")
    .trim()
    .split(/\s+/)
    .filter((w) => /^[\p{L}\p{N}'-]+$/u.test(w))
    .slice(-2);
  const base = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(" ");
  return `${base || "New"} Bot`.slice(0, 64);
}

/** A name for "a bot that tells pirate jokes": the kind of bot its description names, else its last word. */
export function botNameFromPurpose(purpose: string): string {
  const kinds: Array<[RegExp, string]> = [
    [/\b(chef|cook\w*|recipes?|kitchen|dinner|meals?)\b/i, "Chef"],
    [/\bpirates?\b/i, "Pirate"],
    [/\bjokes?|funny|puns?\b/i, "Joke"],
    [/\bweather\b/i, "Weather"],
    [/\b(music|songs?|playlists?)\b/i, "Music"],
    [/\b(poems?|poetry|haiku)\b/i, "Poet"],
    [/\b(quiz|trivia)\b/i, "Quiz"],
    [/\b(remind\w*)\b/i, "Reminder"],
  ];
  const kind = kinds.find(([test]) => test.test(purpose))?.[1];
  if (kind) return `${kind} Bot`;
  const last = purpose.match(/[\p{L}]{4,}/gu)?.at(-1);
  return last ? botNameFrom(`${last} bot`) : "New Bot";
}

const CREATE = /\b(?:create|make|build|set up)\s+(?:me\s+)?(?:a|an|the)?\s*(.{1,80}?\bbot\b)(.*)$/is;
const WANT = /\bI(?:'d| would)?\s+(?:really\s+)?(?:want|need|like)\s+(?:to\s+(?:have|make|create)\s+)?(?:a|an)\s+(.{0,60}?\bbot\b)(.*)$/is;
const HELP = /^\W*(?:help|commands|\?)\W*$|\bwhat can you do\b|\bhow does (?:this|it) work\b|\bwhat do you do\b/i;
const PERSONA = /\b(?:change|update|edit|set)\s+(?:the\s+persona\s+of\s+(.+?)|(.+?)(?:'s|’s)\s+persona)\s*(?:to|into|:)\s*(.+)$/is;
const RENAME = /\brename\s+(.+?)\s+(?:to|as)\s+(.+?)[.!]*$/is;
const REMOVE = /\b(?:remove|delete)\s+(?:the\s+bot\s+)?(.+?)[.!?]*$/is;
const GREETING = /^\W*(?:hi|hello|hey|yo|hiya|good (?:morning|evening|afternoon))?(?:\s+bobb)?\W*$/i;

/** What a person asked BoBB for, read from their message. */
type Intent =
  | { kind: "help" }
  | { kind: "create"; name: string; persona: string }
  | { kind: "list" }
  | { kind: "persona"; bot: string; persona: string }
  | { kind: "rename"; bot: string; name: string }
  | { kind: "remove"; bot: string }
  | { kind: "greeting" }
  | { kind: "next" }
  | { kind: "unknown"; text: string };

const clean = (text: string) =>
  text
    .replace(/^@BoBB\b[,:]?\s*/i, "")
    .replace(/[*"“”]/g, "")
    .trim();

/** Reads the person's request (the message itself, without the context around it). */
export function bobbIntent(prompt: string): Intent {
  const content = clean(messageContent(prompt));
  if (HELP.test(content)) return { kind: "help" };
  const persona = PERSONA.exec(content);
  if (persona) return { kind: "persona", bot: clean(persona[1] ?? persona[2] ?? ""), persona: persona[3]!.trim().replace(/^(?:be\s+)?/i, "") };
  const rename = RENAME.exec(content);
  if (rename) return { kind: "rename", bot: clean(rename[1]!), name: clean(rename[2]!) };
  const create = CREATE.exec(content);
  const want = create ? undefined : WANT.exec(content);
  const asked = create ?? want;
  if (asked) {
    const what = asked[1]!.trim();
    const rest = asked[2]!.trim().replace(/^[,.:;-]\s*/, "");
    const named = botNameFrom(what.replace(/\bbot\b.*$/i, "bot"));
    const name = named === "New Bot" ? botNameFromPurpose(rest) : named;
    const persona = `${name} is ${/^(a|an)\s/i.test(what) ? "" : "a "}${what}${rest ? ` ${rest}` : ""}. Friendly, concise and always in character.`;
    return { kind: "create", name, persona };
  }
  const remove = REMOVE.exec(content);
  if (remove) return { kind: "remove", bot: clean(remove[1]!) };
  if (/\b(list|which|what)\b.*\bbots?\b/i.test(content)) return { kind: "list" };
  if (GREETING.test(content)) return { kind: "greeting" };
  if (/\b(?:what now|what next|now what|what do I do now)\b/i.test(content)) return { kind: "next" };
  return { kind: "unknown", text: content };
}

const HELP_TEXT = [
  `Here is what I can do ${DEMO_MARK}:`,
  `- **Create a bot**: "@BoBB create a chef bot that only cooks Italian" or "I want a bot that tells pirate jokes".`,
  `- **List bots**: "which bots are there?"`,
  `- **Change a persona**: "change Chef Bot's persona to a grumpy French baker".`,
  `- **Rename a bot**: "rename Chef Bot to Chef Luigi".`,
  `- **Remove a bot**: "remove Chef Bot" (only its creator or a server manager may).`,
  `After creating a bot I walk you through the Discord Developer Portal; its token goes to me by DM.`,
].join("\n");

/** What the offline demo model cannot do, said instead of pretending. */
export const DEMO_LIMITS =
  "I'm the offline demo model: I understand only a few requests, I can't chat about other things, answer general questions or invent personas with any imagination. " +
  "Start BoBB with a real model (ANTHROPIC_API_KEY, or BOBB_MODEL_BASE_URL for any OpenAI-compatible server) for that.";

/** BoBB's first step of a turn: a tool call for what was asked, or an answer. */
export function bobbTurn(view: RequestView): Reply {
  const intent = bobbIntent(view.lastUser);
  const has = (tool: string) => view.tools.includes(tool);
  switch (intent.kind) {
    case "help":
      return `${HELP_TEXT}\n\n${DEMO_LIMITS}`;
    case "create":
      // No created_by: the supervisor records the creator from the live turn.
      if (has("create_agent")) return { toolCalls: [{ name: "create_agent", args: { name: intent.name, persona: intent.persona } }] };
      break;
    case "list":
    case "persona":
    case "rename":
    case "remove":
      if (has("list_agents")) return { toolCalls: [{ name: "list_agents", args: {} }] };
      break;
    case "greeting":
      break;
    case "next":
      return (
        `Once your bot's token is in ${DEMO_MARK}, I tell you here when it is online, with its invite link. Invite it to your server, ` +
        `then @mention it in a channel to talk to it; mention two bots in one message to start a debate, and say "stop" to end one. Say "help" for what else I understand.`
      );
    case "unknown":
      return (
        `${greetAll(view)} I'm BoBB ${DEMO_MARK}. I did not understand "${intent.text.slice(0, 80)}". ` + `${DEMO_LIMITS} Say "help" to see what I understand.`
      );
  }
  return (
    `${greetAll(view)} I'm BoBB ${DEMO_MARK}. I build Discord bots. Tell me what you want, for example ` +
    `"@BoBB create a chef bot that only cooks with what's in my fridge", and I'll set it up ` +
    `and walk you through the Discord Developer Portal. Say "help" to see everything I understand.`
  );
}

/** Every `{id, name}` in a tool's JSON output. */
function agentsIn(output: string): Array<{ id: string; name: string }> {
  const found: Array<{ id: string; name: string }> = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== "object") return;
    const { id, name } = value as { id?: unknown; name?: unknown };
    if (typeof id === "string" && typeof name === "string") found.push({ id, name });
    Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(output));
  } catch {
    // not JSON (an error text): no agents
  }
  return found;
}

const PORTAL_STEPS = (created: string) => [
  `Done! I created **${created}** ${DEMO_MARK}. Now give it a Discord identity:`,
  `1. Open the Developer Portal (https://discord.com/developers/applications, or in the sandbox the **Developer Portal** link at the bottom left of the chat) → **New Application**, name it "${created}".`,
  `2. Open **Bot** in the left menu, click **Reset Token** and copy the token.`,
  `3. Press **Submit token** below and paste it into the form (only you see it). No button? Use \`/bobb token\`, or **send me the token in a direct message** (DM), never in a channel.`,
  `I'll switch on what the bot needs and answer with an invite link for your server.`,
];

/** BoBB's next step after a tool result: the call the request needs next, or the answer. */
export function bobbAfterTool(view: RequestView): Reply {
  const last = view.toolResults.at(-1)!;
  const failed = last.output.startsWith("Error");
  if (last.name === "create_agent") {
    const created = /"name"\s*:\s*"([^"]+)"/.exec(last.output)?.[1];
    if (!created) return `I couldn't create that bot ${DEMO_MARK}: ${last.output.slice(0, 300)}`;
    return PORTAL_STEPS(created).join("\n");
  }
  if (last.name === "list_agents") return afterList(view, agentsIn(last.output));
  const intent = bobbIntent(view.lastUser);
  const bot = "bot" in intent ? intent.bot : "that bot";
  if (failed) return `I couldn't do that for **${bot}** ${DEMO_MARK}: ${last.output.slice(0, 300)}`;
  if (last.name === "update_agent" && intent.kind === "rename") return `Done ${DEMO_MARK}: **${bot}** is now called **${intent.name}**.`;
  if (last.name === "update_agent" && intent.kind === "persona") {
    return `Done ${DEMO_MARK}: **${bot}** has a new persona: "${intent.persona}". It answers that way from its next message.`;
  }
  if (last.name === "remove_agent") {
    const message = /"message"\s*:\s*"([^"]+)"/.exec(last.output)?.[1];
    return `${message ?? `${bot} was removed.`} ${DEMO_MARK}`;
  }
  return `Done ${DEMO_MARK}.`;
}

function afterList(view: RequestView, agents: Array<{ id: string; name: string }>): Reply {
  const intent = bobbIntent(view.lastUser);
  const names = agents.map((a) => a.name);
  if (intent.kind !== "persona" && intent.kind !== "rename" && intent.kind !== "remove") {
    return names.length ? `These bots exist ${DEMO_MARK}: ${names.join(", ")}.` : `No bots yet ${DEMO_MARK}. Want to create one?`;
  }
  const wanted = intent.bot.toLowerCase().replace(/^@/, "");
  const agent = agents.find((a) => a.name.toLowerCase() === wanted || a.id === wanted) ?? agents.find((a) => a.name.toLowerCase().startsWith(wanted));
  if (!agent) {
    return `I can't find a bot called "${intent.bot}" ${DEMO_MARK}. ${names.length ? `The bots are: ${names.join(", ")}.` : "There are no bots yet."}`;
  }
  const tool = intent.kind === "remove" ? "remove_agent" : "update_agent";
  if (!view.tools.includes(tool)) return `I can't ${intent.kind === "remove" ? "remove" : "change"} bots here ${DEMO_MARK}.`;
  const args =
    intent.kind === "remove" ? { id: agent.id } : intent.kind === "rename" ? { id: agent.id, name: intent.name } : { id: agent.id, persona: intent.persona };
  return { toolCalls: [{ name: tool, args }] };
}
