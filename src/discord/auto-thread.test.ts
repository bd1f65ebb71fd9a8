import { describe, expect, it } from "vitest";
import { envSchema } from "../config/index.js";
import { autoThreadGuilds, threadName } from "./auto-thread.js";

describe("auto-thread settings and names", () => {
  it("reads BOBB_AUTO_THREAD: unset is off, 'all' is everywhere, else the listed guilds", () => {
    expect(autoThreadGuilds(undefined)("1")).toBe(false);
    expect(autoThreadGuilds("ALL")("1")).toBe(true);
    const some = autoThreadGuilds("111, 222");
    expect([some("111"), some("222"), some("333")]).toEqual([true, true, false]);
    expect(() => envSchema.parse({ BOBB_AUTO_THREAD: "general" })).toThrow(/guild ids separated by commas/);
    expect(envSchema.parse({ BOBB_AUTO_THREAD: "111,222" }).BOBB_AUTO_THREAD).toBe("111,222");
  });

  it("names a thread from the message: leading mentions dropped, one line, at most 100 characters", () => {
    const names = new Map([["9", "Pirate Bot"]]);
    const nameOf = (id: string) => names.get(id);
    expect(threadName("<@1> <@!9>  soup\nor salad, <@9>?", nameOf, "x")).toBe("soup or salad, @Pirate Bot?");
    expect(threadName("<@1>", nameOf, "Chat with ann")).toBe("Chat with ann");
    const long = threadName("a".repeat(300), nameOf, "x");
    expect(long).toHaveLength(100);
    expect(long.endsWith("…")).toBe(true);
  });
});
