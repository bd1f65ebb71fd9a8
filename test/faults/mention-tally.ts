import { messageContent, waitingMessages, type Rule } from "../../src/demo-model/index.js";
import type { Supervisor } from "../helpers/supervisor.js";

/** Tags such as `ask-7` name each mention, so a reply can be matched to the mentions it answers. */
export const TAG = /\bask-[\w]+\b/g;

/** Every tag of the message(s) the prompt asks about (the waiting ones included), never of the history above. */
export function tagsAsked(prompt: string): string[] {
  const texts = [...waitingMessages(prompt).map((w) => w.content), messageContent(prompt)];
  return [...new Set(texts.flatMap((t) => t.match(TAG) ?? []))];
}

/** A scripted rule that answers every tag it was asked about: "answering ask-1 ask-2". */
export function answerTags(delayMs = 0): Rule {
  return { name: "answer tags", when: (v) => tagsAsked(v.lastUser).length > 0, delayMs, reply: (v) => `answering ${tagsAsked(v.lastUser).join(" ")}` };
}

type Message = ReturnType<Supervisor["messages"]>[number];

/** How many messages by `botUserId` carry each tag (bot replies only). */
export function tally(messages: Message[], botUserId: string, tags: string[]): Map<string, number> {
  const counts = new Map(tags.map((t) => [t, 0]));
  for (const m of messages) {
    if (m.author.id !== botUserId) continue;
    for (const tag of new Set(m.content.match(TAG) ?? [])) if (counts.has(tag)) counts.set(tag, counts.get(tag)! + 1);
  }
  return counts;
}

/** "7/10 answered once (2 never, 1 twice or more)" for a report line. */
export function summary(counts: Map<string, number>): string {
  const values = [...counts.values()];
  return `${values.filter((n) => n === 1).length}/${values.length} answered once (${values.filter((n) => n === 0).length} never, ${values.filter((n) => n > 1).length} more than once)`;
}

/** Waits until every tag is answered or the time is up (no throw: the test then reports the figure). */
export async function settle(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
