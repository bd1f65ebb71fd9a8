import { describe, expect, it } from "vitest";
import { MentionInbox, type InboxItem } from "./inbox.js";

const item = (messageId: string, channelId = "c1", agentId = "chef"): InboxItem => ({ agentId, conversation: channelId, channelId, messageId });

/** An inbox whose turns finish when the test says so. */
function inbox(waitingLimit = 100, batchMax = 20) {
  const batches: string[][] = [];
  const finish: Array<() => void> = [];
  const box = new MentionInbox<InboxItem>({
    waitingLimit,
    batchMax,
    onError: () => undefined,
    run: (batch) => {
      batches.push(batch.map((m) => m.messageId));
      return new Promise<void>((resolve) => finish.push(resolve));
    },
  });
  const next = async () => {
    finish.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { box, batches, next };
}

describe("MentionInbox", () => {
  it("answers the first mention at once and the ones that came meanwhile together", async () => {
    const { box, batches, next } = inbox();
    expect(box.accept(item("1"))).toBe("started");
    expect(box.accept(item("2"))).toBe("waiting");
    expect(box.accept(item("3"))).toBe("waiting");
    expect(box.accept(item("9", "c2"))).toBe("started");
    expect(box.pending().map((m) => m.messageId)).toEqual(["1", "2", "3", "9"]);
    await next();
    expect(batches).toEqual([["1"], ["9"], ["2", "3"]]);
    await next();
    await next();
    expect(box.pending()).toEqual([]);
  });

  it("says full past the waiting limit, batches at most batchMax, and a stop word drops what waits in the channel", async () => {
    const { box, batches, next } = inbox(3, 2);
    for (const id of ["1", "2", "3", "4"]) box.accept(item(id));
    expect(box.accept(item("5"))).toBe("full");
    await next();
    expect(batches.at(-1)).toEqual(["2", "3"]);
    expect(box.dropChannel("c1")).toBe(1);
    await next();
    expect(batches).toHaveLength(2);
    expect(box.pending()).toEqual([]);
  });

  it("starts no turn after close and keeps what is pending readable", async () => {
    const { box, batches, next } = inbox();
    box.accept(item("1"));
    box.accept(item("2"));
    box.close();
    box.accept(item("3"));
    await next();
    expect(batches).toEqual([["1"]]);
    expect(box.pending().map((m) => m.messageId)).toEqual(["1", "2", "3"]);
  });
});
