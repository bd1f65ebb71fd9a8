import { describe, expect, it } from "vitest";
import { isStopCommand } from "./stop-words.js";

describe("isStopCommand", () => {
  const commands = [
    "stop",
    "Stop",
    "STOP!!",
    "enough.",
    "quiet",
    "Quiet!",
    "<@1> stop.",
    "<@!123456789012345678> enough",
    "<@&42> quiet",
    "@everyone quiet",
    "@here STOP",
    "<@1> <@2> stop!",
    "  stop  ",
    "stop\n",
    "...stop...",
    "**STOP**",
    "`stop`",
    "||quiet||",
    "stop 🛑",
    "🛑 stop ✋🏽",
    "<:stop_sign:1234> stop",
    "stop stop",
    "stop, enough!",
    "STOP. STOP. STOP.",
    "¡stop!",
    "stop?",
    "(quiet)",
  ];
  const notCommands = [
    "",
    "   ",
    "!!!",
    "<@1>",
    "@everyone",
    "don't stop me now",
    "stop the music",
    "please stop",
    "stop it",
    "that's enough",
    "enough talk",
    "quiet please",
    "be quiet",
    "stopped",
    "stops",
    "unstoppable",
    "nonstop",
    "s.t.o.p",
    "st op",
    "stop 2",
    "@Chef Bot stop",
    "<#123> stop",
    "stöp",
    "stop ".repeat(100),
  ];

  it.each(commands)("%j is a stop command", (text) => {
    expect(isStopCommand(text)).toBe(true);
  });

  it.each(notCommands)("%j is not a stop command", (text) => {
    expect(isStopCommand(text)).toBe(false);
  });
});
