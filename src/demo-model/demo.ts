import { author, DEMO_MARK, escapeRegExp, messageContent, waitingMessages } from "./context.js";
import { debateTurn, sentMessage } from "./debate.js";
import { filesReply, filesSaid } from "./files.js";
import type { RequestView } from "./protocol.js";
import type { Reply, Rule } from "./rules.js";

export { DEMO_MARK, messageContent, waitingMessages } from "./context.js";

/**
 * Pause before a bot answers a bot in a demo debate: people can read along and type "stop"
 * while it runs, as with a real model (skipped in the scripted model's instant mode).
 */
export const DEBATE_PACE_MS = 1_200;

/** BoBB by the agent header, else by its AGENTS.md ("You are **BoBB**"); children merely mention BoBB. */
const isBobb = (view: RequestView) => (view.agent !== undefined ? view.agent === "bobb" : /You are \*\*BoBB\*\*|^# BoBB\b/m.test(view.system));

/** The agent's name and persona as far as the system prompt tells them. */
export function personaOf(system: string): { name: string; persona: string } {
  const name = /You are \*\*([^*]+)\*\*/.exec(system)?.[1] ?? /^# (.+)$/m.exec(system)?.[1] ?? "a bot";
  const section = /##\s*(?:Who you are|Persona)\s*\n+([\s\S]*?)(?:\n##\s|\n\n[A-Z][^\n]*\n\n|$)/i.exec(system)?.[1];
  const persona = (section ?? "").split("\n\n")[0]?.replace(/\s+/g, " ").trim() ?? "";
  return { name: name.trim(), persona };
}

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

const CREATE = /\b(?:create|make|build|set up)\s+(?:me\s+)?(?:a|an|the)?\s*(.{1,80}?\bbot\b)(.*)$/is;

function bobbTurn(view: RequestView): Reply {
  const content = messageContent(view.lastUser);
  const create = CREATE.exec(content);
  if (create && view.tools.includes("create_agent")) {
    const what = create[1]!.trim();
    const rest = create[2]!.trim().replace(/^[,.:;-]\s*/, "");
    const name = botNameFrom(what.replace(/\bbot\b.*$/i, "bot"));
    const persona = `${name} is ${/^(a|an)\s/i.test(what) ? "" : "a "}${what}${rest ? ` ${rest}` : ""}. Friendly, concise and always in character.`;
    // No created_by: the supervisor records the creator from the live turn.
    return { toolCalls: [{ name: "create_agent", args: { name, persona } }] };
  }
  if (/\b(list|which|what)\b.*\bbots?\b/i.test(content) && view.tools.includes("list_agents")) {
    return { toolCalls: [{ name: "list_agents", args: {} }] };
  }
  return (
    `${greetAll(view)} I'm BoBB ${DEMO_MARK}. I build Discord bots. Tell me what you want, for example ` +
    `"@BoBB create a chef bot that only cooks with what's in my fridge", and I'll set it up ` +
    `and walk you through the Discord Developer Portal.`
  );
}

function bobbAfterTool(view: RequestView): Reply {
  const last = view.toolResults.at(-1)!;
  if (last.name === "create_agent") {
    const created = /"name"\s*:\s*"([^"]+)"/.exec(last.output)?.[1];
    if (!created) return `I couldn't create that bot ${DEMO_MARK}: ${last.output.slice(0, 300)}`;
    return [
      `Done! I created **${created}** ${DEMO_MARK}. Now give it a Discord identity:`,
      `1. Open the Developer Portal (https://discord.com/developers/applications, or in the sandbox the **Developer Portal** link at the bottom left of the chat) → **New Application**, name it "${created}".`,
      `2. Open **Bot** in the left menu.`,
      `3. Under *Privileged Gateway Intents*, turn on **MESSAGE CONTENT INTENT** and save.`,
      `4. Click **Reset Token** and copy the token.`,
      `5. **Send me the token in a direct message** (DM), never in a channel. I'll answer with an invite link for your server.`,
    ].join("\n");
  }
  if (last.name === "list_agents") {
    const names = [...last.output.matchAll(/"name"\s*:\s*"([^"]+)"/g)].map((m) => m[1]);
    return names.length ? `These bots exist ${DEMO_MARK}: ${names.join(", ")}.` : `No bots yet ${DEMO_MARK}. Want to create one?`;
  }
  return `Done ${DEMO_MARK}.`;
}

function childTurn(view: RequestView): Reply {
  const { name, persona } = personaOf(view.system);
  const from = author(view.lastUser);
  // The context shows mentions as "@Name"; quoting the bot's own name back reads oddly.
  const own = new RegExp(`@${escapeRegExp(name)}`, "gi");
  const quoteOf = (content: string) =>
    content
      .replace(/<@!?\d+>/g, "")
      .replace(own, "")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 80);
  const flavour = persona ? ` ${persona.split(/(?<=[.!?])\s/)[0]}` : "";
  const waiting = waitingMessages(view.lastUser);
  const quote = quoteOf(messageContent(view.lastUser));
  if (waiting.length > 0) {
    // A batch: one line per person, so each one finds their answer.
    const each = [...waiting.map((w) => ({ who: w.name, quote: quoteOf(w.content) })), { who: from?.name ?? "you", quote }];
    const lines = each.map((e) => `- ${e.who}: ${e.quote ? `about "${e.quote}", I'm on it.` : "hi!"}`);
    return [`${greetAll(view)} ${name} here ${DEMO_MARK}.${flavour}`, ...lines].join("\n");
  }
  const greeting = from?.bot ? `Good point, ${from.name}!` : from ? `Hey ${from.name}!` : "Hey!";
  return `${greeting} ${name} here ${DEMO_MARK}.${flavour}${quote ? ` About "${quote}": I'm on it.` : ""}`.trim();
}

/** "Hi!" for one person, "Hi Alice, Bob and Chris!" for everyone a batch is for. */
function greetAll(view: RequestView): string {
  const waiting = waitingMessages(view.lastUser);
  if (waiting.length === 0) return "Hi!";
  const names = [...new Set([...waiting.map((w) => w.name), author(view.lastUser)?.name ?? "there"])];
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`;
  return `Hi ${list}!`;
}

/** The demo behaviour: BoBB builds bots, children answer in character and debate when a person asks two of them. */
export function demoRules(): Rule[] {
  const child = (v: RequestView) => !isBobb(v);
  return [
    { name: "demo: bobb after tool", after: "tool", when: isBobb, reply: bobbAfterTool },
    // The message went out through send_message: no second copy as the final text.
    { name: "demo: child after send", after: "tool", when: (v) => child(v) && sentMessage(v), reply: "" },
    { name: "demo: child after tool", after: "tool", reply: (v) => childTurn(v) },
    {
      name: "demo: debate reply",
      when: (v) => child(v) && author(v.lastUser)?.bot === true && debateOf(v) !== undefined,
      delayMs: DEBATE_PACE_MS,
      reply: debateReply,
    },
    { name: "demo: debate opener", when: (v) => child(v) && debateOf(v)?.kind === "tag", reply: debateReply },
    { name: "demo: debate ready", when: (v) => child(v) && debateOf(v)?.kind === "plain", reply: debateReply },
    // A message with files: the bot says what it received (images by name, text by its first words).
    { name: "demo: files", when: (v) => filesSaid(v) !== undefined, reply: (v) => filesReply(v, isBobb(v) ? "BoBB" : personaOf(v.system).name) },
    { name: "demo: bobb", reply: (v) => (isBobb(v) ? bobbTurn(v) : childTurn(v)) },
  ];
}

function debateOf(view: RequestView) {
  return debateTurn(view, personaOf(view.system));
}

function debateReply(view: RequestView): Reply {
  const step = debateOf(view);
  if (!step) return childTurn(view);
  return step.kind === "tag" ? { toolCalls: [step.call] } : step.text;
}

/** Title and summary requests OpenCode makes on its own (no tools offered). */
export function isHousekeeping(view: RequestView): boolean {
  return view.tools.length === 0 && /\btitle\b|summar/i.test(view.system);
}
