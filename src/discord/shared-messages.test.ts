import { SnowflakeUtil } from "discord.js";
import { describe, expect, it } from "vitest";
import { MESSAGES_PER_CHANNEL } from "./client-cache.js";
import { SharedMessages } from "./shared-messages.js";

const id = (ms: number) => String(SnowflakeUtil.generate({ timestamp: 1_700_000_000_000 + ms }));
const human = { id: "100", username: "chris", global_name: "Chris", discriminator: "0" };
const msg = (n: number, content: string, author: object = human) => ({ id: id(n), channel_id: "c1", guild_id: "g1", author, content, member: { nick: null } });

describe("SharedMessages.packet", () => {
  it("the first client handles a message; later ones only when it is about them; BoBB always", () => {
    const shared = new SharedMessages();
    const m = msg(1, "hello <@201> and <@!202>");
    expect(shared.packet("300", false, "MESSAGE_CREATE", m)).toBe(true); // first sighting
    expect(shared.packet("301", false, "MESSAGE_CREATE", m)).toBe(false);
    expect(shared.packet("201", false, "MESSAGE_CREATE", m)).toBe(true);
    expect(shared.packet("202", false, "MESSAGE_CREATE", m)).toBe(true);
    expect(shared.packet("1", true, "MESSAGE_CREATE", m)).toBe(true);
    // The author's own message, a reply-ping in mentions, a DM and other events pass.
    const own = msg(2, "mine", { id: "301", username: "b", bot: true });
    shared.packet("300", false, "MESSAGE_CREATE", own);
    expect(shared.packet("301", false, "MESSAGE_CREATE", own)).toBe(true);
    const ping = { ...msg(3, "reply"), mentions: [{ id: "305" }] };
    shared.packet("300", false, "MESSAGE_CREATE", ping);
    expect(shared.packet("305", false, "MESSAGE_CREATE", ping)).toBe(true);
    expect(shared.packet("306", false, "MESSAGE_CREATE", { ...msg(4, "dm"), guild_id: undefined })).toBe(true);
    expect(shared.packet("306", false, "TYPING_START", { channel_id: "c1" })).toBe(true);
  });

  it("a stop word from a person and a token-shaped text reach every client", () => {
    const shared = new SharedMessages();
    const stop = msg(1, "stop!");
    const token = msg(2, `here ${"A".repeat(24)}.${"b".repeat(6)}.${"c".repeat(27)}`);
    const botStop = msg(3, "stop", { id: "400", username: "b", bot: true });
    for (const m of [stop, token, botStop]) shared.packet("300", false, "MESSAGE_CREATE", m);
    expect(shared.packet("301", false, "MESSAGE_CREATE", stop)).toBe(true);
    expect(shared.packet("301", false, "MESSAGE_CREATE", token)).toBe(true);
    expect(shared.packet("301", false, "MESSAGE_CREATE", botStop)).toBe(false);
  });

  it("keeps the newest messages per channel by time, edits and deletes applied", () => {
    const shared = new SharedMessages();
    const all = Array.from({ length: MESSAGES_PER_CHANNEL + 5 }, (_, i) => msg(i + 10, `line ${i}`));
    // Out of order: the newest first, then the older ones (clients hand in a burst out of order).
    for (const m of [...all].reverse()) shared.packet("300", false, "MESSAGE_CREATE", m);
    const kept = shared.before("c1", "none", Number.MAX_SAFE_INTEGER);
    expect(kept).toHaveLength(MESSAGES_PER_CHANNEL);
    expect(kept.map((m) => m.content)).toContain(`line ${all.length - 1}`);
    expect(kept.map((m) => m.content)).not.toContain("line 0");
    shared.packet("300", false, "MESSAGE_UPDATE", { id: all.at(-1)!.id, channel_id: "c1", content: "edited" });
    shared.packet("300", false, "MESSAGE_DELETE", { id: all.at(-2)!.id, channel_id: "c1" });
    const now = shared.before("c1", "none", Number.MAX_SAFE_INTEGER);
    expect(now.find((m) => m.id === all.at(-1)!.id)?.content).toBe("edited");
    expect(now.some((m) => m.id === all.at(-2)!.id)).toBe(false);
    expect(now[0]!.author).toMatchObject({ id: "100", tag: "chris", globalName: "Chris" });
    expect(now[0]!.displayName).toBe("Chris");
  });
});
