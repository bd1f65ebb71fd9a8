// One message as Discord shows it: avatar, name, BOT tag, time, the quoted line of a reply,
// rendered content; consecutive messages of one author within minutes are grouped.
import { avatar, botTag, colourOf, el } from "./people.js";
import { renderContent, summarize } from "./render.js";

const GROUP_WINDOW_MS = 7 * 60_000;

/** True when the message pings `meId` (typed mention, reply ping, @everyone). */
export function mentionsUser(message, meId) {
  if (message.mention_everyone) return true;
  if ((message.mentions ?? []).some((user) => user.id === meId)) return true;
  return message.content.includes("<@" + meId + ">") || message.content.includes("<@!" + meId + ">");
}

/** Whether `message` continues `previous` without a header. */
export function continues(previous, message) {
  if (!previous || message.message_reference || previous.author.id !== message.author.id) return false;
  return Date.parse(message.timestamp) - Date.parse(previous.timestamp) < GROUP_WINDOW_MS;
}

/** Builds the element of a message. `ctx`: render context plus { onReply(message) }. */
export function messageElement(message, previous, ctx) {
  const grouped = continues(previous, message);
  const item = el("li", "message" + (grouped ? " grouped" : "") + (message.message_reference ? " reply" : ""));
  item.dataset.id = message.id;
  item.dataset.authorId = message.author.id;
  if (mentionsUser(message, ctx.meId)) item.classList.add("mentions-me");

  if (message.message_reference) item.append(replyContext(message.referenced_message, ctx));
  const gutter = el("div", "gutter");
  if (grouped) gutter.append(el("time", "hover-time", clock(message.timestamp)));
  else gutter.append(avatar(message.author));
  const body = el("div", "body");
  if (!grouped) {
    const header = el("div", "header");
    const name = el("span", "author", message.author.global_name || message.author.username);
    header.append(name);
    if (message.author.bot) header.append(botTag());
    const time = el("time", "timestamp", when(message.timestamp));
    time.dateTime = message.timestamp;
    time.title = new Date(message.timestamp).toLocaleString();
    header.append(time);
    body.append(header);
  }
  body.append(contentElement(message, ctx));
  const actions = el("div", "actions");
  const reply = el("button", "action", "Reply");
  reply.type = "button";
  reply.title = "Reply";
  reply.addEventListener("click", () => ctx.onReply(message));
  actions.append(reply);
  item.append(gutter, body, actions);
  return item;
}

/** The content block (also used to refresh a message after MESSAGE_UPDATE). */
export function contentElement(message, ctx) {
  const content = el("div", "content");
  content.append(renderContent(message.content, ctx));
  if (message.edited_timestamp) content.append(el("span", "edited", " (edited)"));
  if (!message.content && (message.embeds ?? []).length > 0) content.append(el("span", "edited", "[embed]"));
  return content;
}

function replyContext(referenced, ctx) {
  const line = el("div", "reply-context");
  if (!referenced) {
    line.append(el("span", "reply-missing", "Original message was deleted"));
    return line;
  }
  const author = referenced.author;
  line.append(avatar(author, "tiny"));
  const name = el("span", "reply-author", "@" + (author.global_name || author.username));
  name.style.color = colourOf(author.id);
  line.append(name);
  if (author.bot) line.append(botTag());
  line.append(el("span", "reply-text", summarize(referenced.content, ctx)));
  line.dataset.replyTo = referenced.id;
  line.addEventListener("click", () => ctx.onJump(referenced.id));
  return line;
}

function clock(timestamp) {
  return new Date(timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function when(timestamp) {
  const date = new Date(timestamp);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (date.toDateString() === today.toDateString()) return "Today at " + clock(timestamp);
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday at " + clock(timestamp);
  return date.toLocaleDateString() + " " + clock(timestamp);
}
