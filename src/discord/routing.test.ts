import { describe, expect, it, vi } from "vitest";
import { decideRoute, mentionsUser, type RouteAction, type RouteInput, type RouteReason } from "./routing.js";

const SELF = "1000";
const OTHER_BOT = "2000";
const HUMAN = "3000";
const WEBHOOK = "4000";

type Author = "self" | "human" | "bot" | "webhook" | "system";
type Governor = "allow" | "refuse" | "missing";

function input(author: Author, where: "dm" | "guild", content: string, governor: Governor): RouteInput {
  const base: RouteInput = {
    selfId: SELF,
    authorId: { self: SELF, human: HUMAN, bot: OTHER_BOT, webhook: WEBHOOK, system: HUMAN }[author],
    authorIsBot: author === "self" || author === "bot",
    isWebhook: author === "webhook",
    isDm: where === "dm",
    content,
  };
  if (author === "system") base.isSystem = true;
  if (governor !== "missing") base.allowBotTurn = () => governor === "allow";
  return base;
}

const m = `<@${SELF}>`;
const mNick = `<@!${SELF}>`;

// [author, where, content, governor, action, reason]
const table: [Author, "dm" | "guild", string, Governor, RouteAction, RouteReason][] = [
  // never its own messages, wherever and whatever they say
  ["self", "guild", `${m} hi`, "allow", "ignore", "own-message"],
  ["self", "guild", "plain", "allow", "ignore", "own-message"],
  ["self", "dm", "hi", "allow", "ignore", "own-message"],
  // system messages
  ["system", "guild", `${m} joined`, "allow", "ignore", "system-message"],
  // DMs
  ["human", "dm", "hello", "refuse", "answer", "dm-from-human"],
  ["human", "dm", "", "missing", "answer", "dm-from-human"],
  ["human", "dm", `${m} hello`, "missing", "answer", "dm-from-human"],
  ["bot", "dm", "hello", "allow", "ignore", "dm-from-bot"],
  ["bot", "dm", `${m} hello`, "allow", "ignore", "dm-from-bot"],
  ["webhook", "dm", `${m} hello`, "allow", "ignore", "dm-from-bot"],
  // guild, human
  ["human", "guild", `${m} what should I cook?`, "refuse", "answer", "mentioned-by-human"],
  ["human", "guild", `hey ${mNick}`, "refuse", "answer", "mentioned-by-human"],
  ["human", "guild", `<@${OTHER_BOT}> and ${m} debate`, "missing", "answer", "mentioned-by-human"],
  ["human", "guild", "what should I cook?", "allow", "context", "not-mentioned"],
  ["human", "guild", `<@${OTHER_BOT}> only`, "allow", "context", "not-mentioned"],
  ["human", "guild", `<@&${SELF}> role with the same id`, "allow", "context", "not-mentioned"],
  ["human", "guild", "@everyone dinner time", "allow", "context", "not-mentioned"],
  ["human", "guild", "@here dinner time", "allow", "context", "not-mentioned"],
  ["human", "guild", "@Chef Bot typed as plain text", "allow", "context", "not-mentioned"],
  ["human", "guild", `<@${SELF}0> longer id`, "allow", "context", "not-mentioned"],
  ["human", "guild", `<@${SELF.slice(1)}> shorter id`, "allow", "context", "not-mentioned"],
  ["human", "guild", `<@ ${SELF}> broken`, "allow", "context", "not-mentioned"],
  // a reply-ping alone: the content has no mention (discord.js would list self in mentions.users)
  ["human", "guild", "thanks, that worked", "allow", "context", "not-mentioned"],
  // guild, bot
  ["bot", "guild", `${m} what do you think?`, "allow", "answer", "mentioned-by-bot"],
  ["bot", "guild", `${mNick} what do you think?`, "allow", "answer", "mentioned-by-bot"],
  ["bot", "guild", `${m} what do you think?`, "refuse", "context", "governor-refused"],
  ["bot", "guild", `${m} what do you think?`, "missing", "context", "governor-refused"],
  ["bot", "guild", "no mention", "allow", "context", "not-mentioned"],
  ["bot", "guild", `<@&${SELF}> role`, "allow", "context", "not-mentioned"],
  ["bot", "guild", "@everyone", "allow", "context", "not-mentioned"],
  // guild, webhook: like a bot
  ["webhook", "guild", `${m} ping`, "allow", "answer", "mentioned-by-bot"],
  ["webhook", "guild", `${m} ping`, "refuse", "context", "governor-refused"],
  ["webhook", "guild", `${m} ping`, "missing", "context", "governor-refused"],
  ["webhook", "guild", "no mention", "allow", "context", "not-mentioned"],
];

describe("decideRoute", () => {
  it.each(table)("%s in %s: %j (governor %s) → %s (%s)", (author, where, content, governor, action, reason) => {
    expect(decideRoute(input(author, where, content, governor))).toEqual({ action, reason });
  });

  it("asks the governor only for a bot or webhook message that mentions self", () => {
    const authors: Author[] = ["self", "human", "bot", "webhook", "system"];
    const contents = ["plain", `${m} hi`, `${mNick} hi`, `<@&${SELF}>`, "@everyone"];
    for (const author of authors) {
      for (const where of ["dm", "guild"] as const) {
        for (const content of contents) {
          const ask = vi.fn(() => true);
          decideRoute({ ...input(author, where, content, "missing"), allowBotTurn: ask });
          const expected = where === "guild" && (author === "bot" || author === "webhook") && content.endsWith(" hi");
          expect(ask, `${author} ${where} ${content}`).toHaveBeenCalledTimes(expected ? 1 : 0);
        }
      }
    }
  });

  it("never answers its own message, even when the governor would allow", () => {
    for (const isDm of [true, false]) {
      for (const content of ["", m, mNick, "stop"]) {
        const d = decideRoute({ selfId: SELF, authorId: SELF, authorIsBot: true, isWebhook: false, isDm, content, allowBotTurn: () => true });
        expect(d.action).toBe("ignore");
      }
    }
  });
});

describe("mentionsUser", () => {
  it.each([
    [`<@${SELF}>`, true],
    [`<@!${SELF}>`, true],
    [`x<@${SELF}>y`, true],
    [`<@&${SELF}>`, false],
    [`<@${SELF}`, false],
    [`<#${SELF}>`, false],
    [SELF, false],
  ])("%j → %s", (content, expected) => {
    expect(mentionsUser(content, SELF)).toBe(expected);
  });
});
