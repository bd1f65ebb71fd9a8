import { describe, expect, it } from "vitest";
import { startupBanner } from "./banner.js";

describe("startupBanner", () => {
  it("says what runs, the URL to open and how to stop, on the sandbox", () => {
    const text = startupBanner({
      chatUrl: "http://127.0.0.1:3457",
      model: "offline demo model",
      mode: "isolated",
      bots: 2,
      apiUrl: "http://127.0.0.1:3456",
      logFile: "data/bobb.log",
    });
    expect(text.split("\n")).toEqual([
      "BoBB is running.",
      "  Discord   local sandbox: open http://127.0.0.1:3457 in your browser to chat with BoBB (Developer Portal: http://127.0.0.1:3457/portal)",
      "  Model     offline demo model",
      "  Bots      BoBB + 2 more (OpenCode isolated mode)",
      "  Tool API  http://127.0.0.1:3456",
      "  Logs      data/bobb.log (warnings and errors also show here; LOG_LEVEL=debug shows everything)",
      "Press Ctrl+C to stop.",
    ]);
  });

  it("on real Discord gives BoBB's invite link, and no log line when logs are shown", () => {
    const text = startupBanner({
      discord: { tag: "BoBB#0001", inviteUrl: "https://discord.com/oauth2/authorize?client_id=1" },
      model: "anthropic/claude",
      mode: "shared",
      bots: 0,
      apiUrl: "http://127.0.0.1:3456",
    });
    expect(text).toContain("online as BoBB#0001; invite it to a server: https://discord.com/oauth2/authorize?client_id=1");
    expect(text).toContain("Bots      BoBB (OpenCode shared mode)");
    expect(text).not.toContain("Logs");
    expect(text.endsWith("Press Ctrl+C to stop.")).toBe(true);
  });
});
