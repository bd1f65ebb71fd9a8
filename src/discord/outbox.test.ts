import { DiscordAPIError, HTTPError, type Message, type MessageCreateOptions, type SendableChannels } from "discord.js";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Outbox, isTransient } from "./outbox.js";

const outage = () => new HTTPError(500, "Internal Server Error", "POST", "/channels/1/messages", { body: undefined });
const refused = () => new DiscordAPIError({ code: 50013, message: "Missing Permissions" }, 50013, 403, "POST", "/channels/1/messages", { body: undefined });

/** A channel whose next `failures` sends throw `error()`, recording what it posted. */
function channel(id: string, failures = 0, error: () => Error = outage) {
  const posted: MessageCreateOptions[] = [];
  let left = failures;
  const attempts = { count: 0 };
  const fake = {
    id,
    send: async (payload: MessageCreateOptions) => {
      attempts.count += 1;
      if (left > 0) {
        left -= 1;
        throw error();
      }
      posted.push(payload);
      return { id: String(posted.length) } as Message;
    },
  };
  return { channel: fake as unknown as SendableChannels, posted, attempts, clear: () => (left = 0) };
}

function outbox(options: { windowMs?: number; now?: () => number } = {}) {
  const lines: string[] = [];
  const box = new Outbox({
    logger: pino({ level: "debug" }, { write: (l: string) => lines.push(l) }),
    windowMs: options.windowMs ?? 60_000,
    baseDelayMs: 1,
    maxDelayMs: 2,
    ...(options.now ? { now: options.now } : {}),
  });
  return { box, lines };
}

describe("Outbox", () => {
  it("keeps a reply Discord refuses with 5xx and posts it once Discord is back, with the same nonce every attempt", async () => {
    const c = channel("c1", 3);
    const { box } = outbox();
    const delivery = await box.post({ channel: c.channel, text: "hello", replyTo: "42", key: "chef:42" });
    expect(delivery.status).toBe("posted");
    expect(c.attempts.count).toBe(4);
    expect(c.posted).toHaveLength(1);
    expect(c.posted[0]).toMatchObject({ content: "hello", reply: { messageReference: "42" }, enforceNonce: true });
    expect(String(c.posted[0]?.nonce).length).toBeLessThanOrEqual(25);
    expect(box.answered("chef:42")).toBe(true);
  });

  it("posts in order per channel: a later reply waits behind one still being retried; other channels do not wait", async () => {
    const c1 = channel("c1", 5);
    const c2 = channel("c2");
    const { box } = outbox();
    const order: string[] = [];
    const first = box.post({ channel: c1.channel, text: "first" }).then(() => order.push("first"));
    const second = box.post({ channel: c1.channel, text: "second" }).then(() => order.push("second"));
    const elsewhere = box.post({ channel: c2.channel, text: "elsewhere" }).then(() => order.push("elsewhere"));
    await Promise.all([first, second, elsewhere]);
    expect(order).toEqual(["elsewhere", "first", "second"]);
    expect(c1.posted.map((p) => p.content)).toEqual(["first", "second"]);
  });

  it("never posts a key twice: an answered key and a key already waiting are not posted again", async () => {
    const c = channel("c1", 2);
    const { box } = outbox();
    const [a, b] = await Promise.all([box.post({ channel: c.channel, text: "one", key: "k" }), box.post({ channel: c.channel, text: "two", key: "k" })]);
    expect([a.status, b.status]).toEqual(["posted", "duplicate"]);
    expect((await box.post({ channel: c.channel, text: "three", key: "k" })).status).toBe("duplicate");
    expect(c.posted.map((p) => p.content)).toEqual(["one"]);
  });

  it("gives up after the window and logs the channel and the message id", async () => {
    let now = 0;
    const c = channel("c9", 1_000);
    const { box, lines } = outbox({ windowMs: 1_000, now: () => (now += 400) });
    const delivery = await box.post({ channel: c.channel, text: "lost", replyTo: "77" });
    expect(delivery.status).toBe("given_up");
    const given = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l["msg"]).startsWith("reply given up"));
    expect(given).toMatchObject({ channel: "c9", message: "77", level: 50 });
  });

  it("does not retry what Discord refused (4xx): the caller gets the error", async () => {
    const c = channel("c1", 1, refused);
    const { box } = outbox();
    await expect(box.post({ channel: c.channel, text: "no" })).rejects.toBeInstanceOf(DiscordAPIError);
    expect(c.attempts.count).toBe(1);
  });

  it("drops what is no longer wanted (a stop word) and gives up what still waits at close", async () => {
    const c = channel("c1", 1_000);
    const { box } = outbox();
    let wanted = true;
    const stopped = box.post({ channel: c.channel, text: "stop me", stillWanted: () => wanted });
    wanted = false;
    expect((await stopped).status).toBe("dropped");
    const waiting = box.post({ channel: c.channel, text: "at shutdown" });
    await box.close();
    expect((await waiting).status).toBe("given_up");
    expect((await box.post({ channel: c.channel, text: "after close" })).status).toBe("dropped");
    expect(c.posted).toHaveLength(0);
  });

  it("tells passing failures from refusals", () => {
    expect(isTransient(outage())).toBe(true);
    expect(isTransient(refused())).toBe(false);
    expect(isTransient(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransient(new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } }))).toBe(true);
    expect(isTransient(new Error("bug"))).toBe(false);
  });
});
