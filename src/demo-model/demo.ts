import { author, DEMO_MARK, escapeRegExp, greetAll, messageContent, waitingMessages } from "./context.js";
import { bobbAfterTool, bobbTurn } from "./bobb.js";
import { debateTurn, sentMessage } from "./debate.js";
import { filesReply, filesSaid } from "./files.js";
import type { RequestView } from "./protocol.js";
import type { Reply, Rule } from "./rules.js";
import { inCharacter } from "./voice.js";

export { DEMO_MARK, messageContent, waitingMessages } from "./context.js";
export { botNameFrom } from "./bobb.js";

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

/** BoBB's supervisor asks for a persona when `/bobb create` has none (see personaPrompt in src/discord/commands/text.ts). */
const PERSONA_REQUEST = /Write the persona for a new Discord bot named "([^"\n]{1,64})"/;

function personaReply(view: RequestView): Reply {
  const name = PERSONA_REQUEST.exec(view.lastUser)?.[1] ?? "New Bot";
  const topic = name
    .replace(/\b(bot|robot|assistant)\b/gi, "")
    .trim()
    .toLowerCase();
  const who = topic ? `a cheerful ${topic} enthusiast who loves talking about all things ${topic}` : "a cheerful bot who loves talking about everything";
  return `${name} is ${who}. ` + `It answers with warmth and a little humour, keeps replies short and always stays in character.`;
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
  const say = (text: string) => inCharacter(persona, text, name);
  if (waiting.length > 0) {
    // A batch: one line per person, so each one finds their answer.
    const each = [...waiting.map((w) => ({ who: w.name, quote: quoteOf(w.content) })), { who: from?.name ?? "you", quote }];
    const lines = each.map((e) => `- ${e.who}: ${e.quote ? `about "${e.quote}": ${say(e.quote)}` : "hi!"}`);
    return [`${greetAll(view)} ${name} here ${DEMO_MARK}.${flavour}`, ...lines].join("\n");
  }
  const greeting = from?.bot ? `Good point, ${from.name}!` : from ? `Hey ${from.name}!` : "Hey!";
  return `${greeting} ${name} here ${DEMO_MARK}.${flavour}${quote ? ` About "${quote}": ${say(quote)}` : ` ${say("")}`}`.trim();
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
    { name: "demo: persona for /bobb create", user: PERSONA_REQUEST, when: isBobb, reply: personaReply },
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
