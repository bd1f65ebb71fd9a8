/** Reading the spec's message context (the prompt a bot receives) from the demo model's side. */

/** Every demo reply carries this mark, so nobody mistakes it for a real model. */
export const DEMO_MARK = "(demo model)";

/** The block of other messages the answer is also for (BoBB's context for a busy channel). */
const WAITING_START = "--- Other Messages Waiting For Your Answer ---";
const WAITING_END = "--- End Waiting Messages ---";

const ATTACHMENTS_START = "--- Attachments ---";
const ATTACHMENTS_END = "--- End Attachments ---";

/** The message itself, without the spec's context header, history, other waiting messages and attachment list. */
export function messageContent(prompt: string): string {
  const files = prompt.lastIndexOf(ATTACHMENTS_START);
  if (files >= 0 && prompt.indexOf(ATTACHMENTS_END, files) >= 0) return messageText(prompt.slice(0, files));
  return messageText(prompt);
}

/** The attachment list after the content: each file's name and what became of it (`sent as an image`, `not sent: …`). */
export function attachmentList(prompt: string): { name: string; status: string }[] {
  const start = prompt.lastIndexOf(ATTACHMENTS_START);
  const end = prompt.indexOf(ATTACHMENTS_END, start);
  if (start < 0 || end < 0) return [];
  return prompt
    .slice(start + ATTACHMENTS_START.length, end)
    .split("\n")
    .flatMap((line) => {
      const m = /^- (.+?) \([^()]*\)(?: — (.+))?$/.exec(line.trim());
      return m ? [{ name: m[1]!, status: m[2] ?? "" }] : [];
    });
}

function messageText(prompt: string): string {
  const waiting = prompt.lastIndexOf(WAITING_END);
  if (waiting >= 0) return prompt.slice(waiting + WAITING_END.length).trim();
  const end = prompt.lastIndexOf("--- End History ---");
  if (end >= 0) return prompt.slice(end + "--- End History ---".length).trim();
  if (prompt.startsWith("[Discord")) {
    const blank = prompt.indexOf("\n\n");
    if (blank >= 0) return prompt.slice(blank).trim();
  }
  return prompt.trim();
}

/** The header value after `label:` in the context block, if any. */
export function header(prompt: string, label: string): string | undefined {
  const match = new RegExp(`^${label}:\\s*(.+)$`, "m").exec(prompt);
  return match?.[1]?.trim();
}

/** Who wrote the message, preferring the bot name a bot author has. */
export function author(prompt: string): { name: string; bot: boolean } | undefined {
  const from = header(prompt, "From");
  if (!from) return undefined;
  const botName = /\(Bot Name: ([^)]+)\)/.exec(from)?.[1];
  const bot = /\[BOT\]/.test(from) || /^Is From Bot:\s*true/im.test(prompt);
  return { name: botName ?? from.replace(/\s*\(.*$/, "").replace(/#\d+$/, ""), bot };
}

/** Text as a literal inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The other messages waiting for this answer, oldest first: who wrote each (name, user id) and what. */
export function waitingMessages(prompt: string): Array<{ name: string; userId: string; bot: boolean; content: string }> {
  const start = prompt.lastIndexOf(WAITING_START);
  const end = prompt.lastIndexOf(WAITING_END);
  if (start < 0 || end < start) return [];
  const out: Array<{ name: string; userId: string; bot: boolean; content: string }> = [];
  for (const line of prompt.slice(start + WAITING_START.length, end).split("\n")) {
    const match = /^\[[^\]]*\] (.+?)( \[BOT\])? \(User ID: (\d+)[^)]*\): (.*)$/.exec(line.trim());
    if (match) out.push({ name: match[1]!.replace(/#\d+$/, ""), userId: match[3]!, bot: match[2] !== undefined, content: match[4]! });
  }
  return out;
}

/** "Hi!" for one person, "Hi Alice, Bob and Chris!" for everyone a batch is for. */
export function greetAll(view: { lastUser: string }): string {
  const waiting = waitingMessages(view.lastUser);
  if (waiting.length === 0) return "Hi!";
  const names = [...new Set([...waiting.map((w) => w.name), author(view.lastUser)?.name ?? "there"])];
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`;
  return `Hi ${list}!`;
}
