/** The demo model says what files it received: images by name, text files by their first words, and what did not reach it. */
import { attachmentList, author, DEMO_MARK } from "./context.js";
import type { RequestView } from "./protocol.js";

const FIRST_WORDS = 8;

/** The sentences about the message's files, or undefined when it has none. */
export function filesSaid(view: RequestView): string | undefined {
  const listed = attachmentList(view.lastUser);
  const received = view.received ?? { images: 0, texts: [] };
  if (listed.length === 0 && received.images === 0 && received.texts.length === 0) return undefined;
  const said: string[] = [];
  const imageNames = listed.filter((l) => l.status === "sent as an image").map((l) => l.name);
  // Image parts carry no name: the context's list names them, in order.
  for (let i = 0; i < received.images; i++) said.push(`I got your image ${imageNames[i] ?? "(no name)"}.`);
  for (const t of received.texts) {
    const words = t.text.split(/\s+/).filter(Boolean);
    const first = words.slice(0, FIRST_WORDS).join(" ");
    said.push(`I read ${t.name}: "${first}${words.length > FIRST_WORDS ? "…" : ""}".`);
  }
  for (const l of listed.filter((l) => l.status.startsWith("not sent"))) said.push(`${l.name} did not reach me (${l.status.replace(/^not sent: /, "")}).`);
  return said.join(" ");
}

/** The reply to a message with files: who answers, then what it received. */
export function filesReply(view: RequestView, name: string): string {
  const from = author(view.lastUser);
  const greeting = from?.bot ? `Thanks, ${from.name}!` : from ? `Hey ${from.name}!` : "Hey!";
  return `${greeting} ${name} here ${DEMO_MARK}. ${filesSaid(view) ?? ""}`.trim();
}
